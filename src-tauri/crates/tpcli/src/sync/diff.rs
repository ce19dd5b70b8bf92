//! `tpcli plan diff [REV_A [REV_B]]`: what differs between two plan versions.

use anyhow::Result;
use clap::Args;
use pi_reports::history::{self, Rev};
use pi_reports::report::{Format, render_comparison};

use super::RepoArgs;
use crate::exit;

/// Compare two versions of the plan: objectives and features added, removed and moved, field
/// changes with old and new values, word-level text changes, and effort before and after.
///
/// A version is `working` (the file on disk), `tp` (the last Targetprocess state pulled), a
/// baseline name (or `baseline:NAME`), or any git revision. Default: `tp` against `working`
/// (what a push would send); with one version: that version against `working`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan diff
  tpcli plan diff pi-4-25.platform-eco-committed
  tpcli plan diff HEAD~3 HEAD --markdown
  tpcli plan diff tp working --html > changes.html")]
pub struct DiffArgs {
    /// The older version (default: tp).
    #[arg(value_name = "REV_A")]
    before: Option<String>,
    /// The newer version (default: working).
    #[arg(value_name = "REV_B")]
    after: Option<String>,
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the comparison as JSON.
    #[arg(long, conflicts_with_all = ["markdown", "html"])]
    json: bool,
    /// Print markdown.
    #[arg(long, conflicts_with = "html")]
    markdown: bool,
    /// Print a standalone HTML page.
    #[arg(long)]
    html: bool,
}

pub fn run(args: DiffArgs) -> Result<u8> {
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    let before = args.before.as_deref().map_or(Rev::Tracking, Rev::parse);
    let after = args.after.as_deref().map_or(Rev::Working, Rev::parse);
    let comparison = history::compare(&ws, &before, &after)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&comparison)?);
        return Ok(exit::OK);
    }
    let format = if args.html {
        Format::Html
    } else if args.markdown {
        Format::Markdown
    } else {
        Format::Text
    };
    print!(
        "{}",
        crate::term::safe(&render_comparison(&comparison, format))
    );
    Ok(exit::OK)
}
