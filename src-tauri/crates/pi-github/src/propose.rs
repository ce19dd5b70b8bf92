//! A plan proposed for review (`tpcli plan propose`, the app's "Propose for review"): the plan's
//! working branch pushed to a review branch on the team's git remote
//! (`pi/review/<release>/<team>`) and a pull request from it into `[github] base`, whose
//! description compares the plan with the plan as last pushed to Targetprocess. Proposing again
//! pushes the branch again and updates the open pull request's description (GitHub answers a
//! second create with 422 "A pull request already exists"). The pull request's URL is recorded
//! in the operation log (`proposed`). [`review_state`] says where the plan's newest pull request
//! stands: open with its reviews and approvals, merged or closed.
//!
//! Unlike the client, [`token`] reads the environment and the OS keychain.

mod body;
pub mod signoffs;

use std::path::Path;
use std::process::Command;

use pi_engine::Workspace;
use pi_engine::error::EngineError;
use pi_engine::oplog::{Actor, OpEntry, OpKind};
use pi_git::{GitError, Identity};
use pi_model::{GithubConfig, Plan};
use serde::Serialize;

use crate::{GithubClient, GithubError, HttpSettings, NewPull, PullRequest, Review};

pub use body::body;

/// The keychain account (service `pi-planner`) of the GitHub token.
pub const KEYCHAIN_ACCOUNT: &str = "github:token";

/// Why proposing (or reading the pull request's state) failed.
#[derive(Debug, thiserror::Error)]
pub enum ProposeError {
    #[error(
        "no GitHub token: set GITHUB_TOKEN, or store the token in the OS keychain under service \"pi-planner\", account \"{KEYCHAIN_ACCOUNT}\" (a fine-grained token with Pull requests read/write and Metadata read on the repository)"
    )]
    NoToken,
    #[error("could not push {working} to {branch} on the remote origin")]
    Push {
        working: String,
        branch: String,
        #[source]
        git: GitCliError,
    },
    #[error(transparent)]
    Github(#[from] GithubError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Git(#[from] GitError),
}

/// The `git` executable's failure, in its own words.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct GitCliError(String);

/// What proposing did on GitHub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Proposal {
    Created,
    Updated,
}

/// A proposal's outcome.
#[derive(Debug, Clone)]
pub struct Proposed {
    pub pull: PullRequest,
    pub result: Proposal,
    /// The branch pushed to the remote, the pull request's head.
    pub branch: String,
}

/// Where the plan's newest review pull request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Open,
    Merged,
    Closed,
}

/// The plan's newest review pull request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewState {
    pub number: u64,
    pub url: String,
    pub status: ReviewStatus,
    /// Reviewers whose standing review approves or asks for changes, or was dismissed.
    pub reviews: usize,
    /// Reviewers whose standing review approves.
    pub approvals: usize,
}

/// The plan's review branch, `pi/review/<release>/<team>`: the head of its pull requests.
pub fn review_branch(ws: &Workspace) -> String {
    format!("pi/review/{}/{}", ws.names.release_slug, ws.names.team_slug)
}

/// `GITHUB_TOKEN`, else the keychain (service `pi-planner`, account `github:token`).
pub fn token() -> Result<String, ProposeError> {
    if let Some(t) = std::env::var("GITHUB_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
    {
        return Ok(t.trim().to_owned());
    }
    keyring::Entry::new(pi_notify::KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT)
        .ok()
        .and_then(|e| e.get_password().ok())
        .filter(|t| !t.trim().is_empty())
        .map(|t| t.trim().to_owned())
        .ok_or(ProposeError::NoToken)
}

/// The client of `[github]` with this token.
pub fn client(github: &GithubConfig, token: &str) -> Result<GithubClient, GithubError> {
    let (owner, name) = github.owner_repo();
    GithubClient::new(
        github.api_url(),
        owner,
        name,
        token,
        &HttpSettings::default(),
    )
}

/// Pushes the working branch to the review branch, opens the pull request into `[github] base`
/// (or updates the title and description of the one open) and records its URL in the operation
/// log in `me`'s name. `title` defaults to "<team>: <release> plan for review".
pub async fn propose(
    ws: &Workspace,
    github: &GithubConfig,
    token: &str,
    title: Option<String>,
    me: &Identity,
) -> Result<Proposed, ProposeError> {
    let working = ws.names.working();
    let tracking = ws.names.tracking();
    let after = plan_of(ws, &working)?;
    let before = plan_of(ws, &tracking)?;
    let branch = review_branch(ws);
    let dir = ws.repo.workdir().unwrap_or(ws.repo.git_dir()).to_path_buf();
    git(
        &dir,
        &[
            "push",
            pi_engine::ORIGIN,
            &format!("refs/heads/{working}:refs/heads/{branch}"),
        ],
    )
    .map_err(|git| ProposeError::Push {
        working: working.clone(),
        branch: branch.clone(),
        git,
    })?;
    let title = title.unwrap_or_else(|| {
        format!(
            "{}: {} plan for review",
            after.team.name, after.release.name
        )
    });
    let pull = NewPull {
        title,
        head: branch.clone(),
        base: github.base().to_owned(),
        body: body(&before, &after, &working, &tracking),
    };
    let client = client(github, token)?;
    let (pull, result) = open_or_update(&client, &pull).await?;
    record(ws, &pull, result, me)?;
    Ok(Proposed {
        pull,
        result,
        branch,
    })
}

/// The plan's newest review pull request into `[github] base` and its reviews; `None` when the
/// plan was never proposed.
pub async fn review_state(
    ws: &Workspace,
    github: &GithubConfig,
    token: &str,
) -> Result<Option<ReviewState>, ProposeError> {
    let client = client(github, token)?;
    let Some(pull) = client
        .latest_pull(&review_branch(ws), github.base())
        .await?
    else {
        return Ok(None);
    };
    let status = if pull.merged || pull.merged_at.is_some() {
        ReviewStatus::Merged
    } else if pull.state == "open" {
        ReviewStatus::Open
    } else {
        ReviewStatus::Closed
    };
    let reviews = client.reviews(pull.number).await?;
    let standing = standing(&reviews);
    Ok(Some(ReviewState {
        number: pull.number,
        url: pull.html_url,
        status,
        reviews: standing.len(),
        approvals: standing.iter().filter(|r| approves(r)).count(),
    }))
}

/// Each reviewer's standing review, when it approves: their last review that approves, asks
/// for changes or was dismissed (a comment changes neither).
pub fn approving(reviews: &[Review]) -> Vec<&Review> {
    let mut last = standing(reviews);
    last.retain(|r| approves(r));
    last
}

fn approves(r: &Review) -> bool {
    r.state == "APPROVED" && !r.submitted_at.is_empty()
}

/// Each reviewer's last review that approves, asks for changes or was dismissed.
fn standing(reviews: &[Review]) -> Vec<&Review> {
    let mut last: Vec<&Review> = Vec::new();
    for r in reviews {
        if !matches!(
            r.state.as_str(),
            "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED"
        ) {
            continue;
        }
        match last
            .iter_mut()
            .find(|l| l.user.eq_ignore_ascii_case(&r.user))
        {
            Some(slot) => *slot = r,
            None => last.push(r),
        }
    }
    last
}

/// Opens the pull request; when one of this head and base is open already, updates its title
/// and description.
async fn open_or_update(
    client: &GithubClient,
    pull: &NewPull,
) -> Result<(PullRequest, Proposal), GithubError> {
    match client.create_pull(pull).await {
        Ok(pr) => Ok((pr, Proposal::Created)),
        Err(GithubError::PullRequestExists { .. }) => {
            let open = client.find_open_pull(&pull.head, &pull.base).await?;
            let Some(open) = open else {
                return Err(GithubError::PullRequestExists {
                    head: pull.head.clone(),
                });
            };
            let pr = client
                .update_pull(open.number, &pull.title, &pull.body)
                .await?;
            Ok((pr, Proposal::Updated))
        }
        Err(e) => Err(e),
    }
}

fn plan_of(ws: &Workspace, branch: &str) -> Result<Plan, ProposeError> {
    let id = ws.repo.resolve(branch)?;
    Ok(pi_reports::history::plan_at(ws, id)?)
}

/// The pull request's URL in the operation log, attributed to whoever proposed.
fn record(
    ws: &Workspace,
    pr: &PullRequest,
    result: Proposal,
    me: &Identity,
) -> Result<(), ProposeError> {
    let now = chrono::Utc::now();
    let verb = match result {
        Proposal::Created => "Proposed for review",
        Proposal::Updated => "Proposal updated",
    };
    let entry = OpEntry {
        id: format!("proposed-{}", now.timestamp_millis()),
        kind: OpKind::Proposed,
        actor: Actor::Person {
            name: me.name.clone(),
            email: me.email.clone(),
        },
        at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        summary: format!("{verb}: pull request #{} {}", pr.number, pr.html_url),
        writes: Vec::new(),
        created: Vec::new(),
        conflicts: Vec::new(),
    };
    let stamp = pi_git::Stamp::new(me.clone(), pi_git::When::utc(now.timestamp()));
    pi_engine::oplog::append(&ws.repo, &ws.names.oplog_ref(), &entry, &stamp)?;
    Ok(())
}

/// Runs `git ARGS` in `dir` without ever prompting for credentials.
fn git(dir: &Path, args: &[&str]) -> Result<(), GitCliError> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "")
        .env("SSH_ASKPASS", "")
        .output()
        .map_err(|_| GitCliError("cannot run git: is it installed and on PATH?".into()))?;
    if out.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&out.stderr);
    let said: String = said
        .trim()
        .lines()
        .last()
        .unwrap_or("no message")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    Err(GitCliError(format!(
        "`git {}` failed: {said}",
        args.first().copied().unwrap_or_default()
    )))
}
