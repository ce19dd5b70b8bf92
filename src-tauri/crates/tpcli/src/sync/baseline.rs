//! `tpcli plan baseline [NAME]`: tag the committed plan as a baseline, or list baselines.

use anyhow::Result;
use clap::Args;

use super::RepoArgs;
use super::connect;
use crate::exit;

/// Tag the committed plan (the working branch) as a commitment baseline, e.g. after the PI
/// planning event; `diff` and `report` then compare against it to show scope drift. Baselines
/// are never moved; with a remote they are shared with the team.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan baseline
  tpcli plan baseline pi-4-25-committed
  tpcli plan baseline --list")]
pub struct BaselineArgs {
    /// Baseline name (default: <release>.<team>-committed).
    #[arg(value_name = "NAME")]
    name: Option<String>,
    /// List the plan's baselines instead.
    #[arg(long, conflicts_with = "name")]
    list: bool,
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: BaselineArgs) -> Result<u8> {
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    if args.list {
        let all = pi_reports::baseline::list(&ws)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&all)?);
        } else if all.is_empty() {
            println!("No baselines yet.");
        }
        for b in all.iter().filter(|_| !args.json) {
            let at = b.at.as_deref().unwrap_or("-");
            println!("{}  {}  {at}", b.name, &b.commit[..b.commit.len().min(8)]);
        }
        return Ok(exit::OK);
    }
    let me = connect::identity(&args.repo.repo)?;
    let made = pi_reports::baseline::create(&ws, args.name.as_deref(), &me, chrono::Utc::now())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&made)?);
        return Ok(exit::OK);
    }
    let b = &made.baseline;
    println!(
        "Baseline {} tags commit {}.",
        b.name,
        &b.commit[..b.commit.len().min(8)]
    );
    if made.published {
        println!("Shared with the team's remote.");
    }
    if made.uncommitted_edits {
        println!(
            "Note: the plan file has edits that are not committed; they are not in the baseline."
        );
    }
    Ok(exit::OK)
}
