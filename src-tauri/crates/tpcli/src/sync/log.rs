//! `tpcli plan log`.

use anyhow::Result;
use clap::Args;
use pi_engine::oplog::{self, Actor};
use pi_model::EntityId;

use super::RepoArgs;
use super::words::short;
use crate::exit;

/// The operation log: who changed what and when — pulls (Targetprocess), pushes, resolutions —
/// with the before and after value of every field, shared with the team through git.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan log
  tpcli plan log --objective tp:2019099
  tpcli plan log --json")]
pub struct LogArgs {
    /// Only entries that touched this objective or feature.
    #[arg(long, value_name = "ID")]
    objective: Option<EntityId>,
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the entries as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: LogArgs) -> Result<u8> {
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    let entries: Vec<_> = oplog::entries(&ws.repo, &ws.names.oplog_ref())?
        .into_iter()
        .filter(|e| args.objective.as_ref().is_none_or(|id| e.touches(id)))
        .collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(exit::OK);
    }
    for e in entries.iter().rev() {
        let who = match &e.actor {
            Actor::Person { name, email } => format!("{name} <{email}>"),
            Actor::Targetprocess { editors } if editors.is_empty() => "Targetprocess".to_owned(),
            Actor::Targetprocess { editors } => format!("Targetprocess ({})", editors.join(", ")),
            Actor::AutoSync => "auto-sync".to_owned(),
        };
        println!("{}  {}  {who}\n  {}", e.at, e.id, e.summary);
        for w in e
            .writes
            .iter()
            .filter(|w| args.objective.as_ref().is_none_or(|id| &w.entity == id))
        {
            let field = w.field.map_or_else(|| "item".to_owned(), |f| f.to_string());
            println!(
                "    {field} of \"{}\": {} → {}",
                w.name,
                short(&w.before),
                short(&w.after)
            );
        }
    }
    if entries.is_empty() {
        println!("No operations logged yet.");
    }
    Ok(exit::OK)
}
