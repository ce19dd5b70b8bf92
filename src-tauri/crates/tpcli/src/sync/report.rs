//! `tpcli plan report [--since REV] [--format md|html|json]`: the change summary.

use anyhow::Result;
use clap::{Args, ValueEnum};
use pi_reports::history::Rev;
use pi_reports::report::{self, Format, render_report};

use super::RepoArgs;
use crate::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Text,
    #[value(alias = "markdown")]
    Md,
    Html,
    Json,
}

/// Summarise what changed since a version: counts by kind, effort delta, status changes, new
/// and dropped commitments, who changed what, and the operations logged meanwhile.
///
/// Default `--since`: the plan's latest baseline (scope drift since PI planning), else `tp`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan report
  tpcli plan report --since pi-4-25.platform-eco-committed --format md
  tpcli plan report --since HEAD~10 --format html > report.html
  tpcli plan report --art \"Orbit Train\" --root train --format markdown

With --art: the train's report over every team plan under --root (the layout of
`sync-all --art`), one row per team (as `tpcli plan status --art`); --format json prints the
same document as `tpcli plan status --art --json`. Reads only. Exit 1 when a team needs
attention.")]
pub struct ReportArgs {
    /// The version to start from (a baseline name, `tp`, or a git revision).
    #[arg(long, value_name = "REV")]
    since: Option<String>,
    /// The version to end at (default: working, the file on disk).
    #[arg(long, value_name = "REV")]
    until: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: OutputFormat,
    /// The release train (ART) whose team plans are under --root: the train's report.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["since", "until"])]
    art: Option<String>,
    /// With --art: the folder holding one folder per team (default: the current folder).
    #[arg(long, value_name = "DIR", requires = "art", default_value = ".")]
    root: std::path::PathBuf,
    #[command(flatten)]
    repo: RepoArgs,
}

pub fn run(args: ReportArgs) -> Result<u8> {
    if let Some(art) = &args.art {
        let format = match args.format {
            OutputFormat::Json => None,
            OutputFormat::Text => Some(Format::Text),
            OutputFormat::Md => Some(Format::Markdown),
            OutputFormat::Html => Some(Format::Html),
        };
        return super::train::report(&args.root, art, format);
    }
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    let since = match args.since.as_deref() {
        Some(rev) => Rev::parse(rev),
        None => report::default_since(&ws)?,
    };
    let until = args.until.as_deref().map_or(Rev::Working, Rev::parse);
    let r = report::report(&ws, &since, &until)?;
    let out = match args.format {
        OutputFormat::Json => format!("{}\n", serde_json::to_string_pretty(&r)?),
        OutputFormat::Text => render_report(&r, Format::Text),
        OutputFormat::Md => render_report(&r, Format::Markdown),
        OutputFormat::Html => render_report(&r, Format::Html),
    };
    print!("{out}");
    Ok(exit::OK)
}
