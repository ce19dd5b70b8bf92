//! The plan's review on GitHub in the app (`[github]` in the plan's pi-planner.toml): where its
//! pull request stands, and "Propose for review", which runs what `tpcli plan propose` runs
//! (`pi_github::propose`). The token comes from where tpcli takes it, `GITHUB_TOKEN` or the OS
//! keychain (service `pi-planner`, account `github:token`); it is never written anywhere.
//!
//! Approving reviews of the plan's pull request by a login of `[github] approvers` are sign-offs
//! (`take_in_reviews`, before the approval status is shown and before a push): read and chosen by
//! `pi_github::propose::signoffs`, as tpcli's syncs do, and recorded by the engine.
//!
//! The git work runs on a blocking thread (decision 0016); GitHub's answers are awaited there
//! with the runtime's handle.

use pi_github::GithubError;
use pi_github::propose::{self, Proposal, ProposeError, signoffs};

use pi_model::GithubConfig;
use pi_sim::GithubControl;

use super::{Inner, Session, identity_of, plan_path, repo_config};
use crate::dto::{ProposeResultDto, ReviewDto};
use crate::error::{ErrorCode, UiError};
use crate::files::SavedConnection;

/// The open plan's `[github]`; in the demo, pointed at the demo simulator's GitHub (its API
/// root and token, whatever the file says), which is told where the review branch's head is
/// after a proposal, as a push to GitHub moves it.
struct Github {
    config: GithubConfig,
    demo: Option<GithubControl>,
    /// The demo's review remote (`origin` of demo plans proposed for review).
    demo_remote: std::path::PathBuf,
}

impl Session {
    fn github_of(&self, inner: &Inner) -> Result<Option<Github>, UiError> {
        let Some(config) = repo_config(&plan_path(&inner.settings)?).github else {
            return Ok(None);
        };
        let demo = match (&inner.settings.connection, &inner.demo) {
            (SavedConnection::Demo, Some(sim)) => Some(sim.github()),
            _ => None,
        };
        let demo_remote = self
            .workspace_folder(&inner.settings.connection)
            .join("github-remote.git");
        Ok(Some(match demo {
            Some(g) => Github {
                config: config.with_api_url(&g.api_url()),
                demo: Some(g),
                demo_remote,
            },
            None => Github {
                config,
                demo: None,
                demo_remote,
            },
        }))
    }
}

impl Github {
    fn token(&self) -> Result<String, ProposeError> {
        match &self.demo {
            Some(g) => Ok(g.token()),
            None => token(),
        }
    }

    /// In the demo, a plan without a remote gets the demo's review remote as `origin` (a bare
    /// repository beside the demo's plans) so that its review branch can be pushed.
    fn prepare_demo_remote(&self, ws: &pi_engine::Workspace) -> Result<(), UiError> {
        if self.demo.is_none() || ws.repo.has_remote(pi_engine::ORIGIN) {
            return Ok(());
        }
        let failed = |what: &str| {
            UiError::new(
                ErrorCode::WorkspaceProblem,
                format!("The demo's review repository could not be {what}."),
            )
        };
        let remote = self.demo_remote.to_string_lossy().into_owned();
        if !self.demo_remote.exists() {
            run_git(None, &["init", "--bare", "-q", &remote]).map_err(|()| failed("created"))?;
        }
        let dir = ws.repo.workdir().unwrap_or(ws.repo.git_dir()).to_path_buf();
        run_git(Some(&dir), &["remote", "add", pi_engine::ORIGIN, &remote])
            .map_err(|()| failed("set up"))
    }

    /// In the demo, tells the simulator's GitHub the review branch's head after a proposal.
    fn proposed(&self, ws: &pi_engine::Workspace, branch: &str) {
        let Some(g) = &self.demo else { return };
        let (owner, name) = self.config.owner_repo();
        if let Ok(head) = ws.repo.resolve(&ws.names.working()) {
            g.push_branch(&format!("{owner}/{name}"), branch, &head.to_string());
        }
    }
}

fn run_git(dir: Option<&std::path::Path>, args: &[&str]) -> Result<(), ()> {
    let mut cmd = std::process::Command::new("git");
    cmd.args(args).env("GIT_TERMINAL_PROMPT", "0");
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    match cmd.output() {
        Ok(out) if out.status.success() => Ok(()),
        _ => Err(()),
    }
}

impl Session {
    /// Where the open plan's newest review pull request stands; `NotConfigured` without
    /// `[github]`, `Unavailable` (in words) when GitHub cannot be asked.
    pub async fn review_status(&self) -> Result<ReviewDto, UiError> {
        let inner = self.inner.lock().await;
        let Some(github) = self.github_of(&inner)? else {
            return Ok(ReviewDto::NotConfigured);
        };
        let dir = super::sync::workspace_dir(&inner)?;
        drop(inner);
        super::sync::in_workspace(dir, move |ws, rt| {
            let state = github
                .token()
                .and_then(|token| rt.block_on(propose::review_state(ws, &github.config, &token)));
            Ok(match state {
                Ok(state) => ReviewDto::from(state),
                Err(e) => ReviewDto::Unavailable {
                    message: words(&e).message,
                },
            })
        })
        .await
    }

    /// Proposes the open plan for review: pushes it to its review branch and opens the pull
    /// request (or updates the one open), as `tpcli plan propose` does.
    pub async fn review_propose(&self) -> Result<ProposeResultDto, UiError> {
        let inner = self.inner.lock().await;
        let Some(github) = self.github_of(&inner)? else {
            return Err(UiError::new(
                ErrorCode::InvalidInput,
                "This plan is not set up for reviews on GitHub.",
            )
            .hint("Ask whoever set up the plan's repository to add a [github] section to pi-planner.toml."));
        };
        let me = identity_of(&inner.settings)?;
        let dir = super::sync::workspace_dir(&inner)?;
        drop(inner);
        super::sync::in_workspace(dir, move |ws, rt| {
            let token = github.token().map_err(|e| words(&e))?;
            github.prepare_demo_remote(ws)?;
            let done = rt
                .block_on(propose::propose(ws, &github.config, &token, None, &me))
                .map_err(|e| words(&e))?;
            github.proposed(ws, &done.branch);
            let number = done.pull.number;
            let message = match done.result {
                Proposal::Created => format!("Opened pull request #{number} for review."),
                Proposal::Updated => {
                    format!("Updated pull request #{number} with the plan as it is now.")
                }
            };
            let review = rt
                .block_on(propose::review_state(ws, &github.config, &token))
                .map_or_else(
                    |e| ReviewDto::Unavailable {
                        message: words(&e).message,
                    },
                    ReviewDto::from,
                );
            Ok(ProposeResultDto { message, review })
        })
        .await
    }
}

impl Session {
    /// Records the approving reviews of the open plan's pull request as sign-offs; returns the
    /// ones recorded now, in words. Without `[github]` it does nothing; a problem (GitHub
    /// unreachable, no token) is logged and never fails the caller, whose approvals are then
    /// those already recorded.
    pub async fn take_in_reviews(&self) -> Vec<String> {
        match self.reviews_as_signoffs().await {
            Ok(recorded) => recorded,
            Err(e) => {
                tracing::warn!(error = %e.message, "GitHub reviews not taken in");
                Vec::new()
            }
        }
    }

    async fn reviews_as_signoffs(&self) -> Result<Vec<String>, UiError> {
        let mut inner = self.inner.lock().await;
        if plan_path(&inner.settings).is_err() {
            return Ok(Vec::new());
        }
        let Some(github) = self.github_of(&inner)? else {
            return Ok(Vec::new());
        };
        let (client, me, dir) = self.engine(&mut inner).await?;
        drop(inner);
        super::sync::in_workspace(dir, move |ws, rt| {
            let token = github.token().map_err(|e| words(&e))?;
            let gh = propose::client(&github.config, &token).map_err(|e| words(&e.into()))?;
            let found = rt
                .block_on(signoffs::from_reviews(ws, &github.config, &gh))
                .map_err(|e| words(&e))?;
            for note in &found.notes {
                tracing::info!("{note}");
            }
            let ctx = super::sync::context(&client, &me, false);
            let recorded = pi_engine::approvals::record_given(&ctx, ws, &found.given)?;
            Ok(found
                .words
                .into_iter()
                .zip(recorded)
                .filter_map(|(line, new)| new.then_some(line))
                .collect())
        })
        .await
    }
}

/// The GitHub token: `GITHUB_TOKEN`, else the OS keychain (in tests, the simulator's when set).
fn token() -> Result<String, ProposeError> {
    #[cfg(test)]
    if let Some(t) = TOKEN_FOR_TESTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
    {
        return Ok(t);
    }
    propose::token()
}

#[cfg(test)]
static TOKEN_FOR_TESTS: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// A proposal's failure in a planner's words.
fn words(e: &ProposeError) -> UiError {
    match e {
        ProposeError::NoToken => UiError::new(
            ErrorCode::Keychain,
            "PI Planner has no GitHub token to reach the plan's pull request.",
        )
        .hint("Set GITHUB_TOKEN, or store a token in the OS keychain under service \"pi-planner\", account \"github:token\"."),
        ProposeError::Push { .. } => UiError::new(
            ErrorCode::RemoteRejected,
            "The plan could not be sent to the team's shared repository for review.",
        )
        .hint("Check that the repository's remote \"origin\" is reachable and takes your pushes."),
        ProposeError::Github(GithubError::Auth { .. }) => UiError::new(
            ErrorCode::Unauthorized,
            "GitHub did not accept the token.",
        )
        .hint("The token needs Pull requests read/write and Metadata read on the repository."),
        ProposeError::Github(GithubError::NotFound { .. }) => UiError::new(
            ErrorCode::Rejected,
            "GitHub does not know the repository set up for reviews.",
        )
        .hint("Check [github] repository in pi-planner.toml, and that the token can see it."),
        ProposeError::Github(GithubError::Validation { message, .. }) => UiError::new(
            ErrorCode::Rejected,
            format!("GitHub refused the pull request: {message}"),
        ),
        ProposeError::Github(_) => UiError::new(
            ErrorCode::Unreachable,
            "GitHub could not be reached.",
        )
        .hint("Try again in a moment."),
        ProposeError::Engine(_) | ProposeError::Git(_) => UiError::new(
            ErrorCode::WorkspaceProblem,
            "The plan's history could not be read.",
        ),
    }
}

#[cfg(test)]
#[path = "session_review_tests.rs"]
mod tests;
