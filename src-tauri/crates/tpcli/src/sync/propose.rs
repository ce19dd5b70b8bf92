//! `tpcli plan propose`: the plan proposed for review as a GitHub pull request
//! (`pi_github::propose`, which the app's "Propose for review" runs too).

use anyhow::{Result, bail};
use clap::Args;
use pi_engine::Workspace;
use pi_github::propose::{self, Proposal};
use serde::Serialize;

use super::RepoArgs;
use crate::exit;

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

pub fn run(args: ProposeArgs) -> Result<u8> {
    let ws = Workspace::open(&args.repo.repo)?;
    let (config, _) = crate::files::load_config(&ws.plan_path()?, None)?;
    let Some(github) = config.github else {
        bail!(
            "no [github] section in pi-planner.toml: add one with repository = \"owner/name\" (and api_url = \"https://HOST/api/v3\" for GitHub Enterprise Server)"
        );
    };
    let token = token()?;
    let me = super::connect::identity(ws.repo.git_dir())?;
    let proposed = super::block_on(propose::propose(&ws, &github, &token, args.title, &me))??;
    let (pr, result) = (&proposed.pull, proposed.result);
    let view = ProposeView {
        url: pr.html_url.clone(),
        number: pr.number,
        result,
        branch: proposed.branch.clone(),
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

/// The plan's review branch, `pi/review/<release>/<team>`: the head of its pull requests.
pub fn review_branch(ws: &Workspace) -> String {
    propose::review_branch(ws)
}

/// `GITHUB_TOKEN`, else the keychain.
pub fn token() -> Result<String> {
    Ok(propose::token()?)
}
