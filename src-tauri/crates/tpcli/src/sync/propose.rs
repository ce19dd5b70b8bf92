//! `tpcli plan propose`: the plan's working branch pushed to a review branch on the team's git
//! remote (`pi/review/<release>/<team>`) and a GitHub pull request from it into `[github] base`,
//! whose description compares the plan with the plan as last pushed to Targetprocess. Proposing
//! again pushes the branch again and updates the open pull request's description (GitHub
//! answers a second create with 422 "A pull request already exists"). The pull request's URL is
//! recorded in the operation log (`proposed`).

use anyhow::{Context as _, Result, bail};
use clap::Args;
use pi_engine::Workspace;
use pi_engine::oplog::{Actor, OpEntry, OpKind};
use pi_github::{GithubClient, GithubError, HttpSettings, NewPull, PullRequest};
use pi_model::Plan;
use serde::Serialize;

use super::RepoArgs;
use crate::exit;

/// The keychain account (service `pi-planner`) of the GitHub token.
pub const KEYCHAIN_ACCOUNT: &str = "github:token";

/// Propose the plan for review as a GitHub pull request.
///
/// Pushes the working branch to the review branch pi/review/<release>/<team> on the remote
/// `origin`, then opens a pull request from it into [github] base of [github] repository (or
/// updates the description of the one already open). The description is a before/after table of
/// the objectives (effort, committed or uncommitted, totals) and the features, from the plan as
/// last pushed to Targetprocess to the plan on the working branch, linked to Targetprocess and
/// Jira. The token comes from GITHUB_TOKEN, else the OS keychain (service pi-planner, account
/// github:token); it needs Pull requests read/write and Metadata read.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan propose                               # open or update the review pull request
  tpcli plan propose --title \"Falcons: PI 26.1\"    # with this title
  tpcli plan propose --json                        # {url, number, result}

Exit codes: 0 opened or updated; 2 error (no [github] section, no token, git or GitHub refused).")]
pub struct ProposeArgs {
    /// The pull request's title. Default: \"<team>: <release> plan for review\".
    #[arg(long, value_name = "T")]
    title: Option<String>,
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// `tpcli plan propose --json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ProposeView {
    /// The pull request's page.
    pub url: String,
    pub number: u64,
    /// Whether the pull request was opened now or was open already and got a new description.
    pub result: Proposal,
    /// The branch pushed to the remote, the pull request's head.
    pub branch: String,
}

/// What `tpcli plan propose` did on GitHub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Proposal {
    Created,
    Updated,
}

pub fn run(args: ProposeArgs) -> Result<u8> {
    let ws = Workspace::open(&args.repo.repo)?;
    let (config, _) = crate::files::load_config(&ws.plan_path()?, None)?;
    let Some(github) = config.github else {
        bail!(
            "no [github] section in pi-planner.toml: add one with repository = \"owner/name\" (and api_url = \"https://HOST/api/v3\" for GitHub Enterprise Server)"
        );
    };
    let token = token()?;
    let working = ws.names.working();
    let tracking = ws.names.tracking();
    let after = plan_of(&ws, &working)?;
    let before = plan_of(&ws, &tracking)?;
    let branch = review_branch(&ws);
    let dir = ws.repo.workdir().unwrap_or(ws.repo.git_dir()).to_path_buf();
    crate::gitcli::run(
        &dir,
        &[
            "push",
            pi_engine::ORIGIN,
            &format!("refs/heads/{working}:refs/heads/{branch}"),
        ],
    )
    .with_context(|| format!("could not push {working} to {branch} on the remote origin"))?;
    let title = args.title.unwrap_or_else(|| {
        format!(
            "{}: {} plan for review",
            after.team.name, after.release.name
        )
    });
    let pull = NewPull {
        title,
        head: branch.clone(),
        base: github.base().to_owned(),
        body: super::propose_body::body(&before, &after, &working, &tracking),
    };
    let (owner, name) = github.owner_repo();
    let client = GithubClient::new(
        github.api_url(),
        owner,
        name,
        &token,
        &HttpSettings::default(),
    )?;
    let (pr, result) = super::block_on(open_or_update(&client, &pull))??;
    record(&ws, &pr, result)?;
    let view = ProposeView {
        url: pr.html_url.clone(),
        number: pr.number,
        result,
        branch,
    };
    if args.json {
        crate::output::print(&view)?;
    } else {
        let verb = match result {
            Proposal::Created => "Opened",
            Proposal::Updated => "Updated",
        };
        println!(
            "{verb} pull request #{} from {}: {}",
            pr.number,
            view.branch,
            crate::term::safe(&pr.html_url)
        );
    }
    Ok(exit::OK)
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

/// The plan's review branch, `pi/review/<release>/<team>`: the head of its pull requests.
pub fn review_branch(ws: &Workspace) -> String {
    format!("pi/review/{}/{}", ws.names.release_slug, ws.names.team_slug)
}

/// `GITHUB_TOKEN`, else the keychain.
pub fn token() -> Result<String> {
    if let Some(t) = std::env::var("GITHUB_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
    {
        return Ok(t.trim().to_owned());
    }
    let from_keychain = keyring::Entry::new(pi_notify::KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT)
        .ok()
        .and_then(|e| e.get_password().ok())
        .filter(|t| !t.trim().is_empty());
    match from_keychain {
        Some(t) => Ok(t.trim().to_owned()),
        None => bail!(
            "no GitHub token: set GITHUB_TOKEN, or store the token in the OS keychain under service \"pi-planner\", account \"{KEYCHAIN_ACCOUNT}\" (a fine-grained token with Pull requests read/write and Metadata read on the repository)"
        ),
    }
}

fn plan_of(ws: &Workspace, branch: &str) -> Result<Plan> {
    let id = ws.repo.resolve(branch)?;
    Ok(pi_reports::history::plan_at(ws, id)?)
}

/// The pull request's URL in the operation log, attributed to whoever proposed.
fn record(ws: &Workspace, pr: &PullRequest, result: Proposal) -> Result<()> {
    let me = super::connect::identity(ws.repo.git_dir())?;
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
    let stamp = pi_git::Stamp::new(me, pi_git::When::utc(now.timestamp()));
    pi_engine::oplog::append(&ws.repo, &ws.names.oplog_ref(), &entry, &stamp)?;
    Ok(())
}
