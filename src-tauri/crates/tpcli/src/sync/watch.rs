//! `tpcli plan watch`: live sync of the plan in this folder. The file watching (notify with the
//! full debouncer: editors that save by rename, swap files, several saves in a row) and the
//! signals (Ctrl-C, SIGTERM) are here; the loop is pi-engine's `watch`.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use clap::{Args, ValueEnum};
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use pi_engine::watch::{Event, Held, PushMode, Signal, Watch, WatchOptions};
use pi_metrics::{CycleStep, WatchKind};
use tokio::sync::mpsc::Sender;

use super::connect::TpArgs;
use super::watch_train::TrainArgs;
use super::words::plural;
use super::{RepoArgs, block_on, open};
use crate::exit;
use cycles::{CycleLog, Seen, Started};

pub(super) mod cycles;

/// Keep the plan in sync while you work: commits each saved edit after a quiet period, asks
/// Targetprocess every --poll seconds only for what changed and pulls when something did, and
/// pushes as --push says. Stops cleanly on Ctrl-C or SIGTERM, after the step under way.
///
/// A push waits while the plan has validation errors, conflicts, deletions, missing approvals,
/// or a teammate's push holds the plan; the watch says why, once per reason. An interrupted push
/// (a killed watch) is completed when the watch starts again. With [github] in pi-planner.toml
/// and --push auto or ask, approving reviews of the plan's pull request are recorded as
/// sign-offs before each look and saved edit (as often as GitHub's rate limit allows: a quarter
/// of what is left of it), so a push waiting for an approval goes out once it is given; new
/// conflicts are posted on the pull request.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan watch                      # pull and commit only
  tpcli plan watch --push auto          # also push whenever nothing holds the push back
  tpcli plan watch --push ask --poll 10 # ask before each push, look every 10 seconds
  tpcli plan watch --art \"Space Train\" --root /srv/pi --push auto --listen 127.0.0.1:9464
                                        # every team plan of a train, as a service

With --art the watch keeps every team plan of the train (ROOT/<team slug>, set up as
sync-all --art does) in sync in one process, serves /healthz, /metrics and the train's PI
calendar /calendar.ics (?team=NAME for a team's) on --listen (loopback only) and reloads
ROOT/pi-planner.toml on SIGHUP; it watches no file (edits in
the team folders are committed at the next look).

Exit codes: 0 stopped by Ctrl-C or SIGTERM, 2 error.")]
pub struct WatchArgs {
    /// When to push saved edits: auto (whenever nothing holds it back), ask (prompt on the
    /// terminal), never (pull and commit only).
    #[arg(long, value_enum, default_value_t = PushArg::Never)]
    push: PushArg,
    /// Seconds between two looks at Targetprocess.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    poll: u64,
    /// Seconds the plan file must stay unchanged before a saved edit is committed.
    // Not `--quiet`: that is every command's flag for less output.
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    quiet_period: f64,
    #[command(flatten)]
    repo: RepoArgs,
    #[command(flatten)]
    tp: TpArgs,
    #[command(flatten)]
    train: TrainArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PushArg {
    Auto,
    Ask,
    Never,
}

pub fn run(args: WatchArgs) -> Result<u8> {
    if !(0.05..=3600.0).contains(&args.quiet_period) {
        bail!(
            "--quiet-period must be between 0.05 and 3600 seconds, not {}",
            args.quiet_period
        );
    }
    let push = match args.push {
        PushArg::Auto => PushMode::Auto,
        PushArg::Ask if !std::io::stdin().is_terminal() => {
            bail!("--push ask needs a terminal to ask on; use --push auto or --push never")
        }
        PushArg::Ask => PushMode::Ask,
        PushArg::Never => PushMode::Never,
    };
    if args.train.art.is_some() {
        if push == PushMode::Ask {
            bail!("--push ask needs a planner at a terminal; a train's watch takes auto or never");
        }
        let opts = WatchOptions {
            push,
            poll: Duration::from_secs(args.poll),
            ..WatchOptions::default()
        };
        return super::watch_train::run(&args.train, &args.tp, opts);
    }
    let session = open(&args.repo, &args.tp)?;
    let plan_path = session.ws.plan_path()?;
    let opts = WatchOptions {
        push,
        poll: Duration::from_secs(args.poll),
        ..WatchOptions::default()
    };
    let (tx, mut inbox) = tokio::sync::mpsc::channel(16);
    let quiet = Duration::from_secs_f64(args.quiet_period);
    let _debouncer = watch_file(&plan_path, quiet, tx.clone())?;
    crate::term::line(format!(
        "Watching {} (push: {}, a look every {}s). Ctrl-C stops.",
        plan_path.display(),
        format!("{:?}", args.push).to_lowercase(),
        args.poll
    ));
    let ctx = || session.ctx(true);
    let confirm = |ops: &[pi_model::changeset::Op]| ask(ops);
    let poll = opts.poll;
    let mut watch = Watch::new(opts);
    let mut cycles = CycleLog::open(&session.ws, WatchKind::Plan);
    block_on(async {
        tokio::spawn(stop_on_signals(tx));
        let confirm: Option<pi_engine::watch::Confirm<'_>> =
            (push == PushMode::Ask).then_some(&confirm);
        let steps = Steps {
            ws: &session.ws,
            ctx: &ctx,
            confirm,
            poll,
            failing: std::cell::Cell::new(false),
            reviews: (push != PushMode::Never).then(super::review::ReviewPace::default),
        };
        steps.run(&mut watch, &mut inbox, &mut cycles).await
    })??;
    crate::term::line("Stopped.");
    Ok(exit::OK)
}

/// The watch's loop, with each step measured and recorded in the
/// clone's metrics database (`cycles`).
struct Steps<'s, 'a> {
    ws: &'s pi_engine::Workspace,
    ctx: &'s dyn Fn() -> pi_engine::Context<'a>,
    confirm: Option<pi_engine::watch::Confirm<'s>>,
    poll: Duration,
    /// The last look failed: a failure is notified once per run of failed looks.
    failing: std::cell::Cell<bool>,
    /// When the watch pushes: the plan's pull request's approvals are taken in before each
    /// look and saved edit, as GitHub's rate limit allows.
    reviews: Option<super::review::ReviewPace>,
}

impl Steps<'_, '_> {
    /// Runs until `Signal::Stop` (or the sender is gone): the first step, then a step per saved
    /// edit and per look.
    async fn run(
        &self,
        watch: &mut Watch,
        inbox: &mut tokio::sync::mpsc::Receiver<Signal>,
        cycles: &mut Option<CycleLog>,
    ) -> pi_engine::Result<()> {
        self.step(watch, CycleStep::Start, cycles).await?;
        let mut wait = self.poll;
        loop {
            let step = tokio::select! {
                biased;
                s = inbox.recv() => match s.unwrap_or(Signal::Stop) {
                    Signal::Stop => return Ok(()),
                    Signal::Saved => CycleStep::Save,
                },
                () = tokio::time::sleep(wait) => CycleStep::Look,
            };
            let next = self.step(watch, step, cycles).await?;
            if step == CycleStep::Look {
                wait = next.unwrap_or(self.poll);
            }
        }
    }

    /// One step, recorded; a look returns the wait before the next one (`None`: the poll).
    async fn step(
        &self,
        watch: &mut Watch,
        step: CycleStep,
        cycles: &mut Option<CycleLog>,
    ) -> pi_engine::Result<Option<Duration>> {
        let started = Started::now();
        let mut seen = Seen::default();
        let plan = super::notify::plan_ref(self.ws);
        let mut notes = Vec::new();
        let (failing, mut failed_now) = (self.failing.get(), false);
        if let Some(reviews) = self.reviews.as_ref().filter(|_| step != CycleStep::Start) {
            let approved = reviews.take_in(&(self.ctx)(), self.ws).await;
            notes.extend(super::notify::reviewed(&plan, &approved));
        }
        let mut found = Vec::new();
        let result = {
            let mut tell = |event: Event| {
                seen.tell(&event);
                if let Event::Conflicts(new) = &event {
                    found.extend(new.iter().cloned());
                }
                notes.extend(super::notify::watched(&plan, &event, failing));
                failed_now |= matches!(event, Event::LookFailed { .. });
                show(event);
            };
            let ctx = (self.ctx)();
            let result = match step {
                CycleStep::Start => watch
                    .start_retrying(self.ctx, self.ws, &mut tell)
                    .await
                    .map(|()| None),
                CycleStep::Look => watch
                    .poll(&ctx, self.ws, self.confirm, &mut tell)
                    .await
                    .map(Some),
                CycleStep::Save => watch
                    .saved(&ctx, self.ws, self.confirm, &mut tell)
                    .await
                    .map(|()| None),
            };
            watch.unless_saved_meanwhile(result)
        };
        if let Err(e) = &result {
            seen.failed(e.to_string());
        }
        if let Some(log) = cycles {
            let raised = log.record(step, started, seen);
            notes.extend(super::notify::alert_events(&plan, &raised));
        }
        if step == CycleStep::Look {
            self.failing.set(failed_now);
        }
        super::notify::send_async(self.ws, &notes).await;
        super::review::post(self.ws, &plan.plan, &found).await;
        Ok(result?.flatten())
    }
}

/// Watches the plan file's folder (editors replace the file by rename) and sends `Saved` once
/// the file has been quiet for `quiet`.
fn watch_file(
    plan: &std::path::Path,
    quiet: Duration,
    tx: Sender<Signal>,
) -> Result<
    notify_debouncer_full::Debouncer<
        notify_debouncer_full::notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
> {
    let dir = plan
        .parent()
        .map(PathBuf::from)
        .context("the plan file has no folder")?;
    let name = plan.file_name().map(ToOwned::to_owned);
    let mut debouncer = new_debouncer(quiet, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        // Opening or reading the file is no change: the watch's own reads would call it again.
        let touched = events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.paths.iter())
            .any(|p| p.file_name() == name.as_deref());
        if touched {
            // A full inbox already holds a `Saved`: nothing is lost by dropping this one.
            let _ = tx.try_send(Signal::Saved);
        }
    })
    .context("cannot watch the plan file")?;
    debouncer
        .watch(&dir, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", dir.display()))?;
    Ok(debouncer)
}

/// Sends `Stop` on Ctrl-C or SIGTERM; the loop stops after the step under way.
async fn stop_on_signals(tx: Sender<Signal>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            let _ = tokio::signal::ctrl_c().await;
            let _ = tx.send(Signal::Stop).await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    crate::term::note("Stopping after the step under way…");
    let _ = tx.send(Signal::Stop).await;
}

/// Asks on the terminal whether to send `ops`.
fn ask(ops: &[pi_model::changeset::Op]) -> bool {
    println!("Push {}?", plural(ops.len(), "operation", "operations"));
    for op in ops {
        crate::term::line(format!("  {op}"));
    }
    print!("Send them to Targetprocess? [y/N] ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
}

fn show(event: Event) {
    let now = chrono::Local::now().format("%H:%M:%S");
    for line in describe(&event) {
        crate::term::line(format!("[{now}] {line}"));
    }
}

/// What `event` says, in lines (one per conflict).
pub(super) fn describe(event: &Event) -> Vec<String> {
    let text = match event {
        Event::Committed => "Committed your saved edit.".to_owned(),
        Event::Pulled(r) => format!(
            "Pulled from Targetprocess: {}.",
            plural(r.from_tp.len(), "change", "changes")
        ),
        Event::Conflicts(found) => {
            return found
                .iter()
                .map(|c| {
                    let field = c
                        .field
                        .map_or_else(|| "presence".to_owned(), |f| f.to_string());
                    format!(
                        "Conflict on {} ({}), {field}: yours {}, Targetprocess {} (`tpcli plan resolve`).",
                        c.name, c.entity, c.local, c.remote
                    )
                })
                .collect();
        }
        Event::Pushed(r) => format!(
            "Pushed {} to Targetprocess.",
            plural(r.ops.len(), "operation", "operations")
        ),
        Event::Resumed(r) => format!(
            "Completed an interrupted push ({}).",
            plural(r.ops.len(), "operation", "operations")
        ),
        Event::Held(reason) => format!("Not pushing: {}.", held(reason)),
        Event::LookFailed { error, retry_in } => format!(
            "Could not reach Targetprocess ({error}); trying again in {}s.",
            retry_in.as_secs()
        ),
    };
    vec![text]
}

/// Why a push waits, in words.
fn held(reason: &Held) -> String {
    match reason {
        Held::Unreadable(e) => format!("the plan file does not read ({e}); fix it and save"),
        Held::Invalid(errors) => format!(
            "{} (`tpcli plan validate`): {}",
            plural(errors.len(), "validation error", "validation errors"),
            errors.join("; ")
        ),
        Held::Conflicts(n) => format!(
            "{} to resolve (`tpcli plan status`, `tpcli plan resolve`)",
            plural(*n, "conflict", "conflicts")
        ),
        Held::AwaitingApproval(missing) => {
            format!("{missing}; run `tpcli plan approvals` to see them")
        }
        Held::LeaseBusy { by } => format!("{by} is pushing this plan; trying again later"),
        Held::Deletes(n) => format!(
            "the push deletes {} in Targetprocess; confirm with `tpcli plan push --yes`",
            plural(*n, "item", "items")
        ),
        Held::RemoteChanged => "Targetprocess changed what you changed; pulling first".to_owned(),
        Held::Declined => "you declined these operations; asking again when they change".to_owned(),
    }
}
