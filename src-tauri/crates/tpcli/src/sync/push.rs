//! `tpcli plan push` and `tpcli plan resume`.

use anyhow::Result;
use clap::Args;
use pi_engine::{PushOptions, PushOutcome};

use super::connect::TpArgs;
use super::progress::{self, Progress};
use super::words::{plural, short};
use super::{RepoArgs, block_on, open};
use crate::exit;
use crate::output::views::{NothingToResume, PushOutput, PushView, ResumeOutput};

/// Send your plan changes to Targetprocess. Shows the operations first with --dry-run.
///
/// Before writing, every touched item is re-read: if Targetprocess changed a field you changed
/// since your last pull, nothing is written and you are asked to pull. Every operation is
/// journaled before it is sent, so an interrupted push is completed by `tpcli plan resume` (or
/// the next push) without duplicates. With [github] in pi-planner.toml, approving reviews of the
/// plan's pull request by [github] approvers are first recorded as sign-offs.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan push --dry-run     # what would be sent, in planner words
  tpcli plan push               # send it
  tpcli plan push --yes         # also confirm deletions in Targetprocess
  tpcli plan push --override \"owners away, agreed by phone\"   # without the approvals (recorded)

A plan with validation errors (as `tpcli plan validate` reports them) is not pushed: each is
printed with its line, item and field. --override REASON pushes it anyway and records the reason
in the audit trail; `block_push = false` under [validation] in pi-planner.toml turns the check off.

Exit codes: 0 pushed (or nothing to push), 1 not pushed (conflicts, validation errors,
Targetprocess changed, deletions to confirm, approvals missing, or an operation refused), 2 error.")]
pub struct PushArgs {
    /// Print the operations a push would send and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Confirm deletions of objectives or features in Targetprocess.
    #[arg(long)]
    yes: bool,
    /// Push even though the [approvals] policy is not met or the plan has validation errors;
    /// REASON is recorded in the audit trail.
    #[arg(long = "override", value_name = "REASON")]
    override_reason: Option<String>,
    /// Attribute the push to an unattended sync (CI) instead of you.
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

pub fn run(args: PushArgs) -> Result<u8> {
    let session = open(&args.repo, &args.tp)?;
    let (ws, ctx) = (&session.ws, session.ctx(args.auto_sync));
    let opts = PushOptions {
        dry_run: args.dry_run,
        yes: args.yes,
    };
    let progress = Progress::new(args.json);
    let watch = if args.dry_run {
        None
    } else {
        progress::watch_push(&progress, ws)?
    };
    progress.phase(if args.dry_run {
        "Comparing your plan with Targetprocess's as of your last pull…"
    } else {
        "Checking Targetprocess for changes to what you changed…"
    });
    if !args.dry_run {
        super::review::take_in_approvals(&ctx, ws);
    }
    let reason = args.override_reason.as_deref();
    let not_sent = owned_not_sent(ws);
    let outcome = block_on(pi_engine::push_overriding(&ctx, ws, opts, reason));
    drop(watch);
    progress.finish();
    let outcome = outcome??;
    super::notify::pushed(&outcome);
    if args.json {
        crate::output::print(&PushOutput {
            view: PushView::from(&outcome),
            not_sent,
        })?;
    } else {
        print_human(&outcome);
        print_not_sent(&not_sent);
    }
    Ok(code(&outcome))
}

/// The edits a push leaves out because Jira owns the field; none when the plan cannot be read
/// (the push says why).
fn owned_not_sent(ws: &pi_engine::Workspace) -> Vec<pi_engine::owned::NotSent> {
    pi_engine::owned::not_sent(ws).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "the fields Jira owns could not be compared");
        Vec::new()
    })
}

fn print_not_sent(notes: &[pi_engine::owned::NotSent]) {
    for n in notes {
        crate::term::line(format!(
            "  \"{}\" ({}): {}",
            short(&n.feature_name),
            n.feature,
            n.message
        ));
    }
}

pub(super) fn code(outcome: &PushOutcome) -> u8 {
    match outcome {
        PushOutcome::NothingToPush { .. } | PushOutcome::Preview { .. } => exit::OK,
        PushOutcome::Pushed(r) if r.ops.iter().all(|o| o.result.is_ok()) => exit::OK,
        _ => exit::FINDINGS,
    }
}

/// What to do about a push the validation gate stopped.
pub(crate) const INVALID_HINT: &str = "fix them (`tpcli plan validate` lists them too), or push with \
--override REASON (recorded in the audit trail); `block_push = false` under [validation] in \
pi-planner.toml turns this check off";

/// One blocking finding in words: where it is (line, item, field), what and which rule.
pub(crate) fn invalid_line(f: &pi_engine::push::BlockingFinding) -> String {
    let mut at = format!("line {}:{}", f.line, f.column);
    if let (Some(id), Some(name)) = (&f.item, &f.item_name) {
        at.push_str(&format!(", {} ({id})", short(name)));
    }
    if let Some(field) = f.field {
        at.push_str(&format!(", {}", field.label()));
    }
    format!("{at}: {} [{}]", f.message, f.rule)
}

fn print_invalid(findings: &[pi_engine::push::BlockingFinding]) {
    println!(
        "Not pushed: the plan has {}:",
        plural(findings.len(), "validation error", "validation errors")
    );
    for f in findings {
        crate::term::line(format!("  {}", invalid_line(f)));
    }
    println!("To push: {INVALID_HINT}.");
}

/// What a push waiting for sign-off tells the planner (the approval gate: not an error of the
/// run, a result to act on).
pub(crate) fn awaiting_approval(status: &pi_engine::push::ApprovalStatus) -> String {
    format!(
        "{}; run `tpcli plan approvals` to see them, or push with --override REASON",
        status.missing()
    )
}

pub(super) fn print_human(outcome: &PushOutcome) {
    match outcome {
        PushOutcome::AwaitingApproval { status } => {
            println!("Not pushed: {}.", awaiting_approval(status));
        }
        PushOutcome::NothingToPush { resumed } => {
            if *resumed > 0 {
                println!(
                    "Completed an interrupted push ({}).",
                    plural(*resumed, "operation", "operations")
                );
            }
            println!("Nothing to push: the plan matches Targetprocess as of your last pull.");
        }
        PushOutcome::Blocked { conflicts } => println!(
            "Not pushed: {} to resolve first (`tpcli plan status`, `tpcli plan resolve`).",
            plural(*conflicts, "conflict", "conflicts")
        ),
        PushOutcome::BlockedByValidation { findings } => print_invalid(findings),
        PushOutcome::NeedsConfirmation { ops } => {
            println!("Not pushed: this push deletes in Targetprocess:");
            for op in ops.iter().filter(|o| o.is_delete()) {
                crate::term::line(format!("  {op}"));
            }
            println!("Run `tpcli plan push --yes` to confirm.");
        }
        PushOutcome::Preview { ops } => {
            println!(
                "A push would send {}:",
                plural(ops.len(), "operation", "operations")
            );
            for op in ops {
                for line in op.to_string().lines() {
                    crate::term::line(format!("  {line}"));
                }
            }
        }
        PushOutcome::RemoteChanged { stale } => {
            println!("Not pushed: Targetprocess changed what you changed since your last pull:");
            for s in stale {
                let what = s.field.map_or_else(
                    || "the item was deleted".to_owned(),
                    |f| format!("{f}: {} → {}", short(&s.base), short(&s.remote)),
                );
                crate::term::line(format!("  \"{}\" ({}): {what}", s.name, s.entity));
            }
            println!("Run `tpcli plan pull`, then push again.");
        }
        PushOutcome::Pushed(r) => print_report(r),
    }
}

fn print_report(r: &pi_engine::PushReport) {
    if r.resumed > 0 {
        println!(
            "Completed an interrupted push first ({}).",
            plural(r.resumed, "operation", "operations")
        );
    }
    let ok = r.ops.iter().filter(|o| o.result.is_ok()).count();
    println!(
        "Pushed {} to Targetprocess.",
        plural(ok, "operation", "operations")
    );
    for o in &r.ops {
        let mark = if o.result.is_ok() { "✓" } else { "✗" };
        for line in o.op.to_string().lines() {
            crate::term::line(format!("  {mark} {line}"));
        }
        if let Err(e) = &o.result {
            crate::term::line(format!("      refused: {e}"));
        }
    }
    for (local, tp) in &r.created {
        println!("  {local} is now tp:{tp}");
    }
    let refused = r.ops.iter().filter(|o| o.result.is_err()).count();
    if refused > 0 {
        println!(
            "{} refused stay in your plan: fix them and run `tpcli plan push` again, or give them up with `tpcli plan discard --refused`.",
            plural(refused, "change", "changes")
        );
    }
    for m in &r.mismatches {
        println!(
            "  note: Targetprocess holds {} = {} on \"{}\" (sent {})",
            m.field,
            short(&m.found),
            m.name,
            short(&m.sent)
        );
    }
}

/// Complete an interrupted push: operations already applied are not sent again; a create whose
/// answer was lost is found in Targetprocess by its marker instead of being created twice.
#[derive(Debug, Args)]
#[command(after_help = "Example:
  tpcli plan resume      # after a crash, a killed process or a dropped connection during push")]
pub struct ResumeArgs {
    #[command(flatten)]
    repo: RepoArgs,
    #[command(flatten)]
    tp: TpArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn resume(args: ResumeArgs) -> Result<u8> {
    let session = open(&args.repo, &args.tp)?;
    let (ws, ctx) = (&session.ws, session.ctx(false));
    let progress = Progress::new(args.json);
    let watch = progress::watch_push(&progress, ws)?;
    progress.phase("Reading the interrupted push…");
    let report = block_on(pi_engine::push::resume(&ctx, ws));
    drop(watch);
    progress.finish();
    let report = report??;
    match report {
        None => {
            if args.json {
                crate::output::print(&ResumeOutput::Nothing(NothingToResume::NothingToResume))?;
            } else {
                println!("No interrupted push to resume.");
            }
            Ok(exit::OK)
        }
        Some(r) => {
            let outcome = PushOutcome::Pushed(r);
            super::notify::pushed(&outcome);
            if args.json {
                crate::output::print(&ResumeOutput::Resumed(PushView::from(&outcome)))?;
            } else {
                print_human(&outcome);
            }
            Ok(code(&outcome))
        }
    }
}
