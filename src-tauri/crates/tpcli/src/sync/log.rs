//! `tpcli plan log`.

use anyhow::Result;
use clap::Args;
use pi_engine::oplog::{self, Actor};
use pi_model::EntityId;
use pi_model::diff::Presence;

use super::RepoArgs;
use super::words::short;
use crate::exit;
use crate::output::views::LogOutput;

/// The operation log: who changed what and when — pulls (Targetprocess), pushes, resolutions —
/// with the before and after value of every field, shared with the team through git.
///
/// With `--objective ID`, first the history of that objective or feature across commits: every
/// version in which it changed, with who (git author, Targetprocess users, or auto-sync), when
/// and what — also when several people edited it concurrently.
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
    let history = match &args.objective {
        Some(id) => Some(pi_reports::history::objective_history(&ws, id)?),
        None => None,
    };
    if args.json {
        let out = match (&args.objective, history) {
            (Some(id), Some(history)) => LogOutput::Objective {
                objective: id.to_string(),
                history,
                operations: entries,
            },
            _ => LogOutput::Operations(entries),
        };
        crate::output::print_pretty(&out)?;
        return Ok(exit::OK);
    }
    if let (Some(id), Some(history)) = (&args.objective, &history) {
        print_history(id, history);
    }
    for e in entries.iter().rev() {
        let who = match &e.actor {
            Actor::Person { name, email } => format!("{name} <{email}>"),
            Actor::Targetprocess { editors } if editors.is_empty() => "Targetprocess".to_owned(),
            Actor::Targetprocess { editors } => format!("Targetprocess ({})", editors.join(", ")),
            Actor::AutoSync => "auto-sync".to_owned(),
        };
        crate::term::line(format!("{}  {}  {who}\n  {}", e.at, e.id, e.summary));
        for w in e
            .writes
            .iter()
            .filter(|w| args.objective.as_ref().is_none_or(|id| &w.entity == id))
        {
            let field = w.field.map_or_else(|| "item".to_owned(), |f| f.to_string());
            crate::term::line(format!(
                "    {field} of \"{}\": {} → {}",
                w.name,
                short(&w.before),
                short(&w.after)
            ));
        }
        for c in e.conflicts.iter().filter(|c| {
            args.objective
                .as_ref()
                .is_none_or(|id| &c.conflict.entity == id)
        }) {
            crate::term::line(conflict_line(c));
        }
    }
    if entries.is_empty() && history.is_none() {
        crate::term::line("No operations logged yet.");
    }
    Ok(exit::OK)
}

/// A conflict a pull left open: both sides' values and who made them.
fn conflict_line(c: &oplog::ConflictRecord) -> String {
    let k = &c.conflict;
    let field = k.field.map_or_else(|| "item".to_owned(), |f| f.to_string());
    let by = |who: &Option<String>| {
        who.as_deref()
            .map(|w| format!(" ({w})"))
            .unwrap_or_default()
    };
    format!(
        "    conflict on {field} of \"{}\": plan {}{}, Targetprocess {}{}, last pull {}",
        k.name,
        short(&k.local),
        by(&c.local_by),
        short(&k.remote),
        by(&c.remote_by),
        short(&k.base)
    )
}

/// Versions in which one objective or feature changed, newest first.
fn print_history(id: &EntityId, history: &[pi_reports::history::VersionChange]) {
    crate::term::line(format!("History of {id} ({} versions):", history.len()));
    for v in history {
        let c = &v.commit;
        let who = pi_reports::report::actor(&c.who);
        let merge = if c.is_merge() { " (merge)" } else { "" };
        crate::term::line(format!(
            "{}  {}{merge}  {who}\n  {}",
            c.at,
            c.short_id(),
            c.subject
        ));
        for e in &v.changes {
            let what = match e.presence {
                Presence::Added => "added".to_owned(),
                Presence::Removed => "removed".to_owned(),
                Presence::Changed => e.moved.as_ref().map_or_else(String::new, |m| {
                    format!("moved from \"{}\" to \"{}\"", m.from.name, m.to.name)
                }),
            };
            if !what.is_empty() {
                crate::term::line(format!("    \"{}\" {what}", e.name));
            }
            for f in e.fields.iter().filter(|_| e.presence == Presence::Changed) {
                crate::term::line(format!(
                    "    {} of \"{}\": {} → {}",
                    f.field,
                    e.name,
                    short(&f.before),
                    short(&f.after)
                ));
            }
        }
    }
    println!();
}
