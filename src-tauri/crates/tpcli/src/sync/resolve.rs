//! `tpcli plan resolve`.

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use pi_engine::Selector;
use pi_model::EntityId;
use pi_model::merge::Resolution;

use super::RepoArgs;
use super::connect;
use super::words::{conflict, plural};
use crate::exit;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Keep {
    /// Your value (the plan file's).
    Local,
    /// Targetprocess's value.
    Remote,
    /// Both: text as two paragraphs, acceptance criteria as one list. Text and lists only.
    Both,
}

/// Resolve conflicts from the last pull: keep your value, Targetprocess's, or both.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan resolve --keep local --all
  tpcli plan resolve --keep remote --objective tp:2019099
  tpcli plan resolve --keep both --objective tp:2019099 --field description

To type a value of your own, edit the plan file and resolve with --keep local.")]
pub struct ResolveArgs {
    /// Which side to keep.
    #[arg(long, value_enum)]
    keep: Keep,
    /// Resolve every open conflict.
    #[arg(long, conflicts_with = "objective")]
    all: bool,
    /// Only the conflicts of this objective or feature (e.g. tp:2019099).
    #[arg(long, value_name = "ID")]
    objective: Option<EntityId>,
    /// Only this field (with --objective), e.g. effort, status, description.
    #[arg(long, value_name = "NAME", requires = "objective")]
    field: Option<String>,
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the result as JSON: {resolved: [conflicts], remaining}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: ResolveArgs) -> Result<u8> {
    if !args.all && args.objective.is_none() {
        bail!("say which conflicts: --all, or --objective ID [--field NAME]");
    }
    let field = args.field.as_deref().map(parse_field).transpose()?;
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    super::meter::opened(&ws);
    let me = connect::identity(&args.repo.repo)?;
    let resolution = match args.keep {
        Keep::Local => Resolution::KeepLocal,
        Keep::Remote => Resolution::KeepRemote,
        Keep::Both => Resolution::KeepBoth,
    };
    let selector = Selector {
        entity: args.objective.clone(),
        field,
    };
    let report = pi_engine::resolve(&me, chrono::Utc::now(), &ws, &selector, &resolution)?;
    if args.json {
        crate::output::print(&report)?;
        return Ok(exit::OK);
    }
    println!(
        "Resolved {}:",
        plural(report.resolved.len(), "conflict", "conflicts")
    );
    for c in &report.resolved {
        println!("  {}", conflict(c));
    }
    if report.remaining > 0 {
        println!(
            "{} still open.",
            plural(report.remaining, "conflict", "conflicts")
        );
    } else {
        println!("No conflicts left: you can push.");
    }
    Ok(exit::OK)
}

pub(super) fn parse_field(name: &str) -> Result<pi_model::Field> {
    let wanted = name.replace(['-', '_', ' '], "").to_lowercase();
    use pi_model::Field::*;
    [Name, Description, Status, Effort, Owner, Committed, BusinessValue, ActualBusinessValue, ProgramObjective, AcceptanceCriteria, Jira, Objective]
        .into_iter()
        .find(|f| f.label().replace(' ', "").to_lowercase() == wanted)
        .ok_or_else(|| anyhow::anyhow!("unknown field {name:?}; fields are e.g. name, status, effort, owner, description, acceptance-criteria"))
}
