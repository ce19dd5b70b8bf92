//! The plan's review pull request at each sync (`[github]`, `tpcli plan propose`): approving
//! reviews by the GitHub logins of `[github] approvers` are recorded as sign-offs of the plan
//! version each approved (before a push, after a pull, and at the looks of `tpcli plan watch`
//! paced by GitHub's rate limit, [`ReviewPace`]), and the conflicts a pull finds are posted on
//! the pull request as a review whose comments sit on the plan file's lines where each
//! conflicting field is (conflicts on lines outside the pull request's diff go in its body).
//! With `sign_off = "merge"` the reviews count once the pull request is merged, so the first
//! sync after the merge takes them in and pushes the plan they approved. GitHub being
//! unreachable never fails a sync: each problem is a warning on stderr, and a push that needed
//! the approvals waits for them as it would without GitHub.

use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use pi_engine::Workspace;
use pi_github::{GithubClient, HttpSettings, PullRequest};
use pi_model::GithubConfig;
use pi_model::merge::Conflict;
use pi_notify::ConflictLine;

#[path = "review_lines.rs"]
mod lines;

/// The plan's `[github]`, its client, and its newest review pull request if there is one.
struct Proposal {
    config: GithubConfig,
    client: GithubClient,
    pull: Option<PullRequest>,
}

/// The plan's review pull request as far as it exists; `None` without a `[github]` section.
async fn proposal(ws: &Workspace) -> Result<Option<Proposal>> {
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
    let pull = client.latest_pull(&branch, config.base()).await?;
    Ok(Some(Proposal {
        config,
        client,
        pull,
    }))
}

/// Records the approving reviews of the plan's pull request as sign-offs (`ctx.me` records
/// them); returns the approvals recorded now, in words. Problems are warnings.
pub fn take_in_approvals(ctx: &pi_engine::Context<'_>, ws: &Workspace) -> Vec<String> {
    let looked = super::block_on(approvals(ctx, ws)).and_then(|r| r);
    match looked {
        Ok((recorded, _)) => recorded,
        Err(e) => {
            warn(&format!("GitHub reviews not taken in: {e:#}"));
            Vec::new()
        }
    }
}

/// How often a long-running sync (`tpcli plan watch`) reads the pull request's reviews: at
/// each look, but no more often than spending a quarter of what GitHub's primary rate limit
/// has left in its window allows (`x-ratelimit-remaining` requests until `x-ratelimit-reset`:
/// at 5,000 an hour and two requests a read, every 6 seconds at most), and not before the
/// reset once the limit is spent.
#[derive(Debug, Default)]
pub struct ReviewPace {
    next: std::cell::Cell<Option<Instant>>,
}

/// The share of the remaining rate limit the reviews' reads may spend.
const SHARE: u64 = 4;

impl ReviewPace {
    /// [`take_in_approvals`] when the pace allows it; the approvals recorded now, in words.
    pub async fn take_in(&self, ctx: &pi_engine::Context<'_>, ws: &Workspace) -> Vec<String> {
        if self.next.get().is_some_and(|n| Instant::now() < n) {
            return Vec::new();
        }
        let (recorded, pause) = match approvals(ctx, ws).await {
            Ok((recorded, Some((quota, requests)))) => {
                (recorded, pause(&quota, requests, chrono::Utc::now()))
            }
            Ok((recorded, None)) => (recorded, None),
            Err(e) => {
                warn(&format!("GitHub reviews not taken in: {e:#}"));
                (Vec::new(), None)
            }
        };
        self.next.set(pause.map(|p| Instant::now() + p));
        recorded
    }
}

/// The wait before the next read of `requests` requests, from the quota GitHub's last answer
/// carried; `None` when it carried none (each look reads).
fn pause(
    quota: &pi_http::Quota,
    requests: u64,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let reset = quota.reset.as_deref()?.parse::<i64>().ok()?;
    let left = u64::try_from(reset - now.timestamp()).unwrap_or(0).max(1);
    let remaining = quota.remaining?;
    if remaining == 0 {
        return Some(Duration::from_secs(left));
    }
    let reads = (remaining / SHARE / requests.max(1)).max(1);
    Some(Duration::from_secs_f64(left as f64 / reads as f64))
}

/// The approvals recorded now, in words, and the quota of GitHub's last answer with the
/// requests this read took (`None` without `[github]`).
async fn approvals(
    ctx: &pi_engine::Context<'_>,
    ws: &Workspace,
) -> Result<(Vec<String>, Option<(pi_http::Quota, u64)>)> {
    let Some(p) = proposal(ws).await? else {
        return Ok((Vec::new(), None));
    };
    let recorded = match &p.pull {
        Some(pull) => recorded(ctx, ws, &p, pull).await?,
        None => Vec::new(),
    };
    let used = (p.client.quota(), p.client.counters().requests);
    Ok((recorded, Some(used)))
}

async fn recorded(
    ctx: &pi_engine::Context<'_>,
    ws: &Workspace,
    p: &Proposal,
    pull: &PullRequest,
) -> Result<Vec<String>> {
    // Which reviews count is pi-github's, as in the app (`propose::signoffs`).
    let found = pi_github::propose::signoffs::from_pull(ws, &p.config, &p.client, pull).await?;
    for line in &found.notes {
        note(line);
    }
    let recorded = pi_engine::approvals::record_given(ctx, ws, &found.given)?;
    // Only the new ones are told; the log kept the earlier ones.
    let new: Vec<String> = found
        .words
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

/// Commit `sha` of the review branch in this clone, fetching the branch from `origin` once when
/// it is not (a commit added on GitHub).
fn commit_in_clone(ws: &Workspace, sha: &str) -> Option<pi_git::Oid> {
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

/// The conflicts of `all` that `found` names (a command's new conflicts, in words).
pub fn among(found: &[ConflictLine], all: &[Conflict]) -> Vec<Conflict> {
    all.iter()
        .filter(|c| {
            found
                .iter()
                .any(|l| l.id == c.entity.to_string() && l.what == super::words::conflict(c))
        })
        .cloned()
        .collect()
}

/// [`post`], for a command.
pub fn post_conflicts(ws: &Workspace, plan: &str, conflicts: &[Conflict]) {
    if !conflicts.is_empty() {
        let _ = super::block_on(post(ws, plan, conflicts));
    }
}

/// Posts the conflicts a sync found on the plan's open pull request, as one review of its head:
/// each conflict whose field's line in the plan file (as the pull request's head has it) is in
/// the pull request's diff as a comment on that line, the others in the review's body (all of
/// them when GitHub refuses a line). Problems are warnings.
pub async fn post(ws: &Workspace, plan: &str, conflicts: &[Conflict]) {
    if conflicts.is_empty() {
        return;
    }
    let posted = async {
        let Some(p) = proposal(ws).await? else {
            return Ok(None);
        };
        let Some(pull) = p.pull.filter(|pull| pull.state == "open") else {
            return Ok(None);
        };
        let number = pull.number;
        let files = match p.client.pull_files(number).await {
            Ok(files) => files,
            Err(e) => {
                warn(&format!(
                    "the files of pull request #{number} not read ({e}): the conflicts go in the review's text"
                ));
                Vec::new()
            }
        };
        let (comments, rest) = lines::place(ws, plan, &pull.head_sha, conflicts, &files);
        let body = conflict_body(plan, conflicts.len(), &rest);
        let (_, placed) = p
            .client
            .review_lines(number, &pull.head_sha, &body, &comments)
            .await
            .with_context(|| format!("could not comment on pull request #{number}"))?;
        let on_lines = match placed {
            pi_github::Placed::OnLines => comments.len(),
            pi_github::Placed::InBody => 0,
        };
        anyhow::Ok(Some((number, on_lines)))
    };
    match posted.await {
        Ok(Some((number, on_lines))) => note(&format!(
            "posted {} on pull request #{number} ({on_lines} on their lines)",
            super::words::plural(conflicts.len(), "conflict", "conflicts")
        )),
        Ok(None) => {}
        Err(e) => warn(&format!("conflicts not posted on GitHub: {e:#}")),
    }
}

/// The review's markdown: how many conflicts, and each one not commented on its line with the
/// link that opens it in the app.
fn conflict_body(plan: &str, count: usize, rest: &[&Conflict]) -> String {
    let mut body = format!(
        "**PI Planner found {} between this plan and Targetprocess** at the last sync. Resolve {} in the app or with `tpcli plan resolve`, then propose again.\n",
        super::words::plural(count, "conflict", "conflicts"),
        if count == 1 { "it" } else { "them" }
    );
    if rest.len() < count {
        body.push_str(
            "\nEach conflict on a line this pull request changes is commented on that line.\n",
        );
    }
    if !rest.is_empty() {
        body.push('\n');
    }
    for c in rest {
        body.push_str(&format!("- {}\n", lines::said(plan, c)));
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

fn note(line: &str) {
    eprintln!("GitHub: {}", crate::term::safe(line));
}

fn warn(line: &str) {
    eprintln!("warning: {}", crate::term::safe(line));
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::pause;

    fn quota(remaining: u64, reset: i64) -> pi_http::Quota {
        pi_http::Quota {
            limit: Some(5000),
            remaining: Some(remaining),
            reset: Some(reset.to_string()),
            ..pi_http::Quota::default()
        }
    }

    #[test]
    fn reads_spend_a_quarter_of_what_is_left_until_the_reset() {
        let now = chrono::DateTime::from_timestamp(1_000_000, 0).unwrap();
        let hour = 1_000_000 + 3600;
        // 5,000 left for an hour, two requests a read: 625 reads, one every 5.76 s.
        assert_eq!(
            pause(&quota(5000, hour), 2, now),
            Some(Duration::from_secs_f64(5.76))
        );
        // Fewer left, longer pauses; spent: not before the reset.
        assert_eq!(
            pause(&quota(80, hour), 2, now),
            Some(Duration::from_secs(360))
        );
        assert_eq!(
            pause(&quota(0, hour), 2, now),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(
            pause(&quota(3, hour), 2, now),
            Some(Duration::from_secs(3600))
        );
        // No quota headers: no pause.
        assert_eq!(pause(&pi_http::Quota::default(), 2, now), None);
    }
}
