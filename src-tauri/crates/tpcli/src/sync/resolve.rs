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

  tpcli plan resolve --art \"Orbit Train\" --root train --keep remote --field effort --dry-run
  tpcli plan resolve --art \"Orbit Train\" --root train --keep local --kind feature --team Rocket

To type a value of your own, edit the plan file and resolve with --keep local.

With --art: every conflict of the train's team plans under --root (the layout of
`sync-all --art`) that --field, --kind and --team pick is listed (team, item, field, yours and
Targetprocess's), then each is resolved in its team's plan as a single resolve would be
(committed and logged in the planner's name). --dry-run lists them and changes nothing.
Exit 1 when no conflict matches or one could not be resolved.")]
pub struct ResolveArgs {
    /// Which side to keep.
    #[arg(long, value_enum)]
    keep: Keep,
    /// Resolve every open conflict.
    #[arg(long, conflicts_with_all = ["objective", "art"])]
    all: bool,
    /// Only the conflicts of this objective or feature (e.g. tp:2019099).
    #[arg(long, value_name = "ID", conflicts_with = "art")]
    objective: Option<EntityId>,
    /// Only this field (with --objective or --art), e.g. effort, status, description.
    #[arg(long, value_name = "NAME")]
    field: Option<String>,
    /// The release train (ART) whose team plans are under --root: resolve across the train.
    #[arg(long, value_name = "NAME")]
    art: Option<String>,
    /// With --art: the folder holding one folder per team (default: the current folder).
    #[arg(long, value_name = "DIR", requires = "art", default_value = ".")]
    root: std::path::PathBuf,
    /// With --art: only conflicts of objectives, or of features.
    #[arg(long, value_enum, requires = "art")]
    kind: Option<Kind>,
    /// With --art: only this team's plan (its name or folder).
    #[arg(long, value_name = "TEAM", requires = "art")]
    team: Option<String>,
    /// With --art: list the conflicts the rule settles and change nothing.
    #[arg(long, requires = "art")]
    dry_run: bool,
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the result as JSON: {resolved: [conflicts], remaining}.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Kind {
    Objective,
    Feature,
}

fn resolution(keep: Keep) -> Resolution {
    match keep {
        Keep::Local => Resolution::KeepLocal,
        Keep::Remote => Resolution::KeepRemote,
        Keep::Both => Resolution::KeepBoth,
    }
}

fn run_train(args: &ResolveArgs, art: &str) -> Result<u8> {
    let filter = super::train::Filter {
        field: args.field.as_deref().map(parse_field).transpose()?,
        kind: args.kind.map(|k| match k {
            Kind::Objective => pi_model::merge::EntityKind::Objective,
            Kind::Feature => pi_model::merge::EntityKind::Feature,
        }),
        team: args.team.clone(),
    };
    let resolution = resolution(args.keep);
    super::train::resolve(
        &args.root,
        art,
        &filter,
        &resolution,
        args.dry_run,
        args.json,
    )
}

pub fn run(args: ResolveArgs) -> Result<u8> {
    if let Some(art) = &args.art {
        return run_train(&args, art);
    }
    if !args.all && args.objective.is_none() {
        bail!("say which conflicts: --all, or --objective ID [--field NAME]");
    }
    if args.field.is_some() && args.objective.is_none() {
        bail!("--field picks a field of one item: give --objective ID too (or --art for a train)");
    }
    let field = args.field.as_deref().map(parse_field).transpose()?;
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    super::meter::opened(&ws);
    super::notify::opened(&ws);
    let me = connect::identity(&args.repo.repo)?;
    let resolution = resolution(args.keep);
    let selector = Selector {
        entity: args.objective.clone(),
        field,
    };
    let report = pi_engine::resolve(&me, chrono::Utc::now(), &ws, &selector, &resolution)?;
    if args.json {
        crate::output::print(&super::train::ResolveOutput::Plan(report))?;
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
