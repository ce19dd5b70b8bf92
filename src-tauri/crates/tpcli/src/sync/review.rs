//! The plan's review pull request at each sync (`[github]`, `tpcli plan propose`): approving
//! reviews by the GitHub logins of `[github] approvers` are recorded as sign-offs of the plan
//! version each approved (before a push, after a pull), and the conflicts a pull finds are posted
//! on the pull request as a review. With `sign_off = "merge"` the reviews count once the pull
//! request is merged, so the first sync after the merge takes them in and pushes the plan they
//! approved. GitHub being unreachable never fails a sync: each problem is a warning on stderr,
//! and a push that needed the approvals waits for them as it would without GitHub.

use anyhow::{Context as _, Result};
use pi_engine::Workspace;
use pi_engine::approvals::Given;
use pi_github::{GithubClient, HttpSettings, PullRequest, Review};
use pi_model::{GithubConfig, SignOff};
use pi_notify::ConflictLine;

/// The plan's review pull request, reached with its client.
struct Proposal {
    config: GithubConfig,
    client: GithubClient,
    pull: PullRequest,
}

/// The GitHub client of the plan's `[github]` and its newest review pull request; `None`
/// without a `[github]` section or a pull request.
fn proposal(ws: &Workspace) -> Result<Option<Proposal>> {
    let (config, _) = crate::files::load_config(&ws.plan_path()?, None)?;
    let Some(config) = config.github else {
        return Ok(None);
    };
    let token = super::propose::token()?;
    let (owner, name) = config.owner_repo();
    let client = GithubClient::new(
        config.api_url(),
        owner,
        name,
        &token,
        &HttpSettings::default(),
    )?;
    let branch = super::propose::review_branch(ws);
    let pull = super::block_on(client.latest_pull(&branch, config.base()))??;
    Ok(pull.map(|pull| Proposal {
        config,
        client,
        pull,
    }))
}

/// Records the approving reviews of the plan's pull request as sign-offs (`ctx.me` records
/// them); returns the approvals recorded now, in words. Problems are warnings.
pub fn take_in_approvals(ctx: &pi_engine::Context<'_>, ws: &Workspace) -> Vec<String> {
    match approvals(ctx, ws) {
        Ok(recorded) => recorded,
        Err(e) => {
            warn(&format!("GitHub reviews not taken in: {e:#}"));
            Vec::new()
        }
    }
}

fn approvals(ctx: &pi_engine::Context<'_>, ws: &Workspace) -> Result<Vec<String>> {
    let Some(p) = proposal(ws)? else {
        return Ok(Vec::new());
    };
    let number = p.pull.number;
    if p.pull.state == "closed" && !p.pull.merged {
        return Ok(Vec::new());
    }
    if p.config.sign_off == SignOff::Merge && !p.pull.merged {
        note(&format!(
            "pull request #{number} is not merged yet: its approvals count once it is"
        ));
        return Ok(Vec::new());
    }
    let reviews = super::block_on(p.client.reviews(number))??;
    let mut given = Vec::new();
    let mut words = Vec::new();
    for review in pi_github::propose::approving(&reviews) {
        let Some(email) = p.config.approver_email(&review.user) else {
            note(&format!(
                "@{}'s approval of pull request #{number} is not a sign-off: the login is not in [github] approvers",
                review.user
            ));
            continue;
        };
        let Some(commit) = reviewed_commit(ws, review) else {
            note(&format!(
                "@{}'s approval of pull request #{number} is of commit {}, which is not in this clone",
                review.user,
                short(&review.commit_id)
            ));
            continue;
        };
        words.push(format!(
            "@{} ({email}) approved pull request #{number}",
            review.user
        ));
        given.push(Given {
            commit,
            approver: pi_approvals::Person {
                name: format!("@{}", review.user),
                email: email.to_owned(),
            },
            at: review.submitted_at.clone(),
            via: format!(
                "github:{}#{number} review {} by @{}",
                p.client.repository(),
                review.id,
                review.user
            ),
        });
    }
    let recorded = pi_engine::approvals::record_given(ctx, ws, &given)?;
    // Only the new ones are told; the log kept the earlier ones.
    let new: Vec<String> = words
        .into_iter()
        .zip(recorded)
        .filter_map(|(line, new)| new.then_some(line))
        .collect();
    for line in &new {
        note(&format!("{line}: recorded as a sign-off"));
        super::notify::approved_by_review(line);
    }
    Ok(new)
}

/// The reviewed commit in this clone, fetching the review branch from `origin` once when it is
/// not (a commit added on GitHub).
fn reviewed_commit(ws: &Workspace, review: &Review) -> Option<pi_git::Oid> {
    let sha = review.commit_id.as_str();
    if sha.len() != 40 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    if let Ok(id) = ws.repo.resolve(sha) {
        return Some(id);
    }
    let dir = ws.repo.workdir().unwrap_or(ws.repo.git_dir()).to_path_buf();
    let branch = format!("refs/heads/{}", super::propose::review_branch(ws));
    crate::gitcli::run(&dir, &["fetch", "-q", pi_engine::ORIGIN, &branch]).ok()?;
    ws.repo.resolve(sha).ok()
}

/// Posts the conflicts a sync found on the plan's open pull request, as one review (a comment
/// on the pull request's head). Problems are warnings.
pub fn post_conflicts(ws: &Workspace, plan: &str, conflicts: &[ConflictLine]) {
    if conflicts.is_empty() {
        return;
    }
    let posted = (|| -> Result<Option<u64>> {
        let Some(p) = proposal(ws)? else {
            return Ok(None);
        };
        if p.pull.state != "open" {
            return Ok(None);
        }
        let body = conflict_body(plan, conflicts);
        let number = p.pull.number;
        super::block_on(
            p.client
                .create_review(number, &p.pull.head_sha, &body, "COMMENT"),
        )?
        .with_context(|| format!("could not comment on pull request #{number}"))?;
        Ok(Some(number))
    })();
    match posted {
        Ok(Some(number)) => note(&format!(
            "posted {} on pull request #{number}",
            super::words::plural(conflicts.len(), "conflict", "conflicts")
        )),
        Ok(None) => {}
        Err(e) => warn(&format!("conflicts not posted on GitHub: {e:#}")),
    }
}

/// The review's markdown: each conflict, and the link that opens it in the app.
fn conflict_body(plan: &str, conflicts: &[ConflictLine]) -> String {
    let mut body = format!(
        "**PI Planner found {} between this plan and Targetprocess** at the last sync. Resolve {} in the app or with `tpcli plan resolve`, then propose again.\n\n",
        super::words::plural(conflicts.len(), "conflict", "conflicts"),
        if conflicts.len() == 1 { "it" } else { "them" }
    );
    for c in conflicts {
        body.push_str(&format!(
            "- {} — `{}`\n",
            escape(&c.what),
            pi_notify::conflict_link(plan, &c.id)
        ));
    }
    body
}

/// Markdown's active characters in text from the plan, escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>|#".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

fn note(line: &str) {
    eprintln!("GitHub: {}", crate::term::safe(line));
}

fn warn(line: &str) {
    eprintln!("warning: {}", crate::term::safe(line));
}
