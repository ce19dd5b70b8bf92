//! `tpcli plan decompose FEATURE`: one Jira story per acceptance criterion of a feature (or per
//! `--story`), created under the feature's epic (`pi_engine::decompose`, which the app uses
//! too). The stories come back into the plan at the next pull, like every story.
//!
//! Never a duplicate: each story carries a label of its own, `pi-planner-<hash of the feature's
//! id and the story's text>`, and before every create — first try or retry — Jira is searched
//! for that label; a story found is not created again. A journal,
//! `.git/pi-planner/decompose/<plan>.jsonl` (one JSON line per step: the marker, the text, the
//! state `planned`, `sent` or `done`, and the key once known; the last line of a marker counts),
//! is written before each create and after it, so a run cut short anywhere is continued by the
//! next, which reports what was already created.

use anyhow::{Result, bail};
use clap::Args;
use pi_engine::decompose::{DecomposeError, DecomposeView, Decomposition, StoryResult, StoryView};
use pi_jira::JiraClient;

use super::words::plural;
use super::{RepoArgs, block_on};
use crate::exit;

/// Test hook: the process exits right after the answer to the N-th create it sent, before the
/// journal records it (a crash between Jira and the journal).
const EXIT_AFTER_CREATE: &str = "PI_PLANNER_TEST_EXIT_AFTER_CREATE";

/// Create one Jira story per acceptance criterion of a feature (or per --story) under its epic.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan decompose tp:1041 --dry-run
  tpcli plan decompose \"Checkout v2\"
  tpcli plan decompose tp:1041 --story \"Pay with a saved card\" --story \"Refund a payment\"

Each story gets the label pi-planner-<hash>; a story Jira already has is never created again,
and a run cut short is continued by the next (.git/pi-planner/decompose/). The stories appear
under the feature at the next `tpcli plan pull`.")]
pub struct DecomposeArgs {
    /// The feature: its id (tp:1041) or its name.
    #[arg(value_name = "FEATURE")]
    feature: String,
    /// One story per acceptance criterion of the feature (the default).
    #[arg(long, conflicts_with = "story")]
    from_criteria: bool,
    /// One story with this summary; repeat for more.
    #[arg(long = "story", value_name = "TEXT")]
    story: Vec<String>,
    /// Show the stories that would be created; send nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: DecomposeArgs) -> Result<u8> {
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    let plan = ws.local()?;
    let mut decomposition =
        Decomposition::plan(&ws, &plan, &args.feature, &args.story).map_err(error)?;
    if !args.json {
        print_preview(decomposition.view());
    }
    if !args.dry_run {
        let client = client(&ws)?;
        let exit_after: Option<usize> = std::env::var(EXIT_AFTER_CREATE)
            .ok()
            .and_then(|n| n.parse().ok());
        let mut after_create = |sent: usize| {
            if exit_after == Some(sent) {
                std::process::exit(i32::from(exit::USAGE) + 7);
            }
        };
        block_on(decomposition.send(&client, &mut after_create))?.map_err(error)?;
    }
    let view = decomposition.into_view();
    if args.json {
        crate::output::print(&view)?;
    } else if !args.dry_run {
        print_result(&view);
    }
    Ok(exit::OK)
}

/// The engine's refusal as the command's error (Jira's error kept as its cause).
fn error(e: DecomposeError) -> anyhow::Error {
    match e {
        DecomposeError::Engine(e) => (*e).into(),
        other => other.into(),
    }
}

fn client(ws: &pi_engine::Workspace) -> Result<Box<JiraClient>> {
    match super::jira::access(ws)? {
        super::jira::Access::Client(c) => Ok(c),
        super::jira::Access::Off => {
            bail!("no [jira] in pi-planner.toml: decompose creates the stories in Jira")
        }
        super::jira::Access::Unusable(why) => match why {
            pi_engine::StoriesRefresh::NotRefreshed { detail, .. } => {
                bail!("no usable Jira connection: {detail}")
            }
            pi_engine::StoriesRefresh::Refreshed { .. } => bail!("no usable Jira connection"),
        },
    }
}

fn print_preview(view: &DecomposeView) {
    let to_create: Vec<&StoryView> = view
        .stories
        .iter()
        .filter(|s| s.result == StoryResult::ToCreate)
        .collect();
    let feature = format!("{:?} ({})", view.feature_name, view.feature);
    if to_create.is_empty() {
        println!(
            "Nothing to create under {} for {feature}: every story was created earlier.",
            view.epic
        );
    } else {
        crate::term::line(format!(
            "Will create {} under {} for {feature}:",
            plural(to_create.len(), "story", "stories"),
            view.epic
        ));
        for s in &to_create {
            crate::term::line(format!("  - {}", s.text));
        }
    }
    print_already(view, |s| s.result == StoryResult::AlreadyCreated);
}

fn print_already(view: &DecomposeView, which: impl Fn(&StoryView) -> bool) {
    let already: Vec<&StoryView> = view.stories.iter().filter(|s| which(s)).collect();
    if already.is_empty() {
        return;
    }
    println!(
        "Already created earlier ({}):",
        plural(already.len(), "story", "stories")
    );
    for s in already {
        crate::term::line(format!("  {} {}", s.key.as_deref().unwrap_or("?"), s.text));
    }
}

fn print_result(view: &DecomposeView) {
    let created: Vec<&StoryView> = view
        .stories
        .iter()
        .filter(|s| s.result == StoryResult::Created)
        .collect();
    if !created.is_empty() {
        println!(
            "Created {} under {}:",
            plural(created.len(), "story", "stories"),
            view.epic
        );
        for s in &created {
            crate::term::line(format!("  {} {}", s.key.as_deref().unwrap_or("?"), s.text));
        }
    }
    println!("The stories appear under the feature at the next `tpcli plan pull`.");
}
