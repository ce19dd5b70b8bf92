//! Approving reviews of the plan's newest review pull request as sign-offs: which reviews count
//! (each reviewer's standing review when it approves, by a login of `[github] approvers`, on a
//! commit this clone has — the review branch is fetched from `origin` once when it does not),
//! and with `sign_off = "merge"` only once the pull request is merged. What is returned is
//! recorded by `pi_engine::approvals::record_given`; the app and tpcli both read reviews here.

use pi_engine::Workspace;
use pi_engine::approvals::Given;
use pi_model::{GithubConfig, SignOff};

use super::{ProposeError, approving, git, review_branch};
use crate::{GithubClient, PullRequest, Review};

/// The sign-offs the plan's pull request gives, and what was not taken, in words.
#[derive(Debug, Default)]
pub struct FromReviews {
    /// The pull request's number; `None` when the plan was never proposed.
    pub number: Option<u64>,
    /// One per approving review that counts.
    pub given: Vec<Given>,
    /// For each of `given`: `@login (email) approved pull request #N`.
    pub words: Vec<String>,
    /// Why other reviews, or the pull request as a whole, give no sign-off.
    pub notes: Vec<String>,
}

/// The sign-offs of the plan's newest review pull request into `[github] base`.
pub async fn from_reviews(
    ws: &Workspace,
    github: &GithubConfig,
    client: &GithubClient,
) -> Result<FromReviews, ProposeError> {
    match client
        .latest_pull(&review_branch(ws), github.base())
        .await?
    {
        Some(pull) => from_pull(ws, github, client, &pull).await,
        None => Ok(FromReviews::default()),
    }
}

/// The sign-offs pull request `pull` (the plan's newest, already read) gives; a pull request
/// closed without merging gives none.
pub async fn from_pull(
    ws: &Workspace,
    github: &GithubConfig,
    client: &GithubClient,
    pull: &PullRequest,
) -> Result<FromReviews, ProposeError> {
    let number = pull.number;
    let mut out = FromReviews {
        number: Some(number),
        ..FromReviews::default()
    };
    if pull.state == "closed" && !pull.merged {
        return Ok(out);
    }
    if github.sign_off == SignOff::Merge && !pull.merged {
        out.notes.push(format!(
            "pull request #{number} is not merged yet: its approvals count once it is"
        ));
        return Ok(out);
    }
    let reviews = client.reviews(number).await?;
    for review in approving(&reviews) {
        let Some(email) = github.approver_email(&review.user) else {
            out.notes.push(format!(
                "@{}'s approval of pull request #{number} is not a sign-off: the login is not in [github] approvers",
                review.user
            ));
            continue;
        };
        let Some(commit) = reviewed_commit(ws, review) else {
            out.notes.push(format!(
                "@{}'s approval of pull request #{number} is of commit {}, which is not in this clone",
                review.user,
                review.commit_id.get(..12).unwrap_or(&review.commit_id)
            ));
            continue;
        };
        out.words.push(format!(
            "@{} ({email}) approved pull request #{number}",
            review.user
        ));
        out.given.push(Given {
            commit,
            approver: pi_approvals::Person {
                name: format!("@{}", review.user),
                email: email.to_owned(),
            },
            at: review.submitted_at.clone(),
            via: format!(
                "github:{}#{number} review {} by @{}",
                client.repository(),
                review.id,
                review.user
            ),
        });
    }
    Ok(out)
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
    let branch = format!("refs/heads/{}", review_branch(ws));
    git(&dir, &["fetch", "-q", pi_engine::ORIGIN, &branch]).ok()?;
    ws.repo.resolve(sha).ok()
}
