//! `tpcli plan audit`: the compliance trail — approvals, overrides, pushes and rollbacks with
//! what each sent — as a table, CSV or JSON.

use anyhow::Result;
use clap::Args;
use pi_reports::audit;

use super::RepoArgs;
use crate::exit;

/// Who approved, overrode, pushed and rolled back what, oldest first.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan audit
  tpcli plan audit --csv > pi-4-25-audit.csv
  tpcli plan audit --json")]
pub struct AuditArgs {
    /// CSV with a header row: at,kind,actor,change,summary,note,sent.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
    /// A JSON array of events.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    repo: RepoArgs,
}

pub fn run(args: AuditArgs) -> Result<u8> {
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    let events = audit::trail(&ws)?;
    if args.csv {
        print!("{}", audit::to_csv(&events));
    } else if args.json {
        println!("{}", audit::to_json(&events));
    } else if events.is_empty() {
        println!("No approvals, overrides, pushes or rollbacks yet.");
    } else {
        for e in &events {
            let kind = serde_json::to_value(e.kind)?;
            println!("{}  {:<8}  {}", e.at, kind.as_str().unwrap_or(""), e.actor);
            println!("  {}", e.summary);
            if let Some(note) = &e.note {
                println!("  \"{note}\"");
            }
            for w in &e.sent {
                let field = w.field.map_or_else(|| "item".to_owned(), |f| f.to_string());
                println!("    {field} of \"{}\": {} → {}", w.name, w.before, w.after);
            }
        }
    }
    Ok(exit::OK)
}
