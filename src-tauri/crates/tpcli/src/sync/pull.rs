//! `tpcli plan pull`.

use anyhow::Result;
use clap::Args;
use pi_engine::PullOptions;

use super::connect::TpArgs;
use super::progress::Progress;
use super::words::{change, conflict, plural};
use super::{RepoArgs, block_on, open};
use crate::exit;
use crate::output::views::{NotPulled, PullOutput};

/// Bring Targetprocess's changes into your plan: fetch, merge field by field, report what came
/// in, what stayed yours, and every conflict.
///
/// Different fields never conflict, even on neighbouring lines; two features added to one
/// objective never conflict. A conflict (the same field changed differently on both sides) keeps
/// your value in the file and blocks push until you resolve it. With [github] in
/// pi-planner.toml, new conflicts are posted on the plan's open pull request and its approving
/// reviews by [github] approvers are recorded as sign-offs.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan pull
  tpcli plan pull --markers     # also write git-style markers around conflicting fields
  tpcli plan pull --json

Exit codes: 0 merged cleanly, 1 conflicts to resolve (or an interrupted push to resume
first), 2 error.")]
pub struct PullArgs {
    /// Write git-style conflict markers into the plan file around each conflicting field, for
    /// resolving in a text editor.
    #[arg(long)]
    markers: bool,
    /// Attribute the pull to an unattended sync (CI) instead of you.
    #[arg(long)]
    auto_sync: bool,
    #[command(flatten)]
    repo: RepoArgs,
    #[command(flatten)]
    tp: TpArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: PullArgs) -> Result<u8> {
    let session = open(&args.repo, &args.tp)?;
    let (ws, ctx) = (&session.ws, session.ctx(args.auto_sync));
    let jira = super::jira::access(ws)?;
    let _used = super::meter::Used {
        tp: None,
        jira: std::slice::from_ref(&jira),
    };
    let progress = Progress::new(args.json);
    progress.phase("Fetching from Targetprocess and merging…");
    let report = block_on(pi_engine::pull(
        &ctx,
        ws,
        &PullOptions {
            markers: args.markers,
            stories: jira.source(),
        },
    ));
    progress.finish();
    let report = match report? {
        // Not an error of the run: a push to finish first, and the command that does it.
        Err(pi_engine::EngineError::InterruptedPush { ops_left }) => {
            let message = format!(
                "Not pulled: a push was interrupted with {} not confirmed by Targetprocess. Run `tpcli plan resume` to finish it, then pull.",
                plural(ops_left, "change", "changes")
            );
            if args.json {
                crate::output::print(&PullOutput::NotPulled(NotPulled::InterruptedPush {
                    unconfirmed: ops_left,
                    message,
                }))?;
            } else {
                crate::term::line(&message);
            }
            return Ok(exit::FINDINGS);
        }
        report => report?,
    };
    let report = pi_engine::PullReport {
        jira: jira.outcome(report.jira),
        ..report
    };
    super::notify::pulled(&report);
    let (plan, found) = super::notify::found(&report);
    let found = super::review::among(&found, &report.conflicts);
    super::review::post_conflicts(ws, &plan, &found);
    super::review::take_in_approvals(&ctx, ws);
    let code = if report.conflicts.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    };
    if args.json {
        crate::output::print(&PullOutput::Pulled(report))?;
    } else {
        if !report.tp_changed {
            crate::term::line("Targetprocess has not changed since your last pull.");
        }
        section("From Targetprocess", report.from_tp.iter().map(change));
        section(
            "Your changes, not pushed yet",
            report.local.iter().map(change),
        );
        section("Conflicts", report.conflicts.iter().map(conflict));
        section(
            "Cut or simplified on the way in",
            report.warnings.iter().cloned(),
        );
        section(
            "Not in the plan",
            report.notices.iter().map(|n| n.message.clone()),
        );
        print_stories(report.jira.as_ref());
        if !report.conflicts.is_empty() {
            crate::term::line(format!(
                "\n{} to resolve: `tpcli plan resolve --keep local|remote|both --all` (or per objective with --objective ID).",
                plural(report.conflicts.len(), "conflict", "conflicts")
            ));
        }
    }
    Ok(code)
}

/// What became of the stories under the features' Jira epics.
pub(super) fn print_stories(jira: Option<&pi_engine::StoriesRefresh>) {
    match jira {
        None => {}
        Some(pi_engine::StoriesRefresh::Refreshed { epics, stories }) => {
            crate::term::line(format!(
                "Jira: {} under {}.",
                plural(*stories, "story", "stories"),
                plural(*epics, "epic", "epics")
            ));
        }
        Some(pi_engine::StoriesRefresh::NotRefreshed { message, detail }) => {
            crate::term::line(format!("{message} ({detail})"));
        }
    }
}

fn section(title: &str, lines: impl Iterator<Item = String>) {
    let lines: Vec<String> = lines.collect();
    if lines.is_empty() {
        return;
    }
    crate::term::line(format!("{title} ({}):", lines.len()));
    for l in lines {
        crate::term::line(format!("  {l}"));
    }
}
