//! Progress of the long sync commands on stderr, so stdout carries only results: a spinner or bar
//! (indicatif) on a terminal, one plain line per step otherwise, nothing with `--json`.
//!
//! Push progress is read from the push journal, which the engine writes before and after every
//! operation: the display follows exactly what has been confirmed by Targetprocess. It is not a
//! log: nothing shown here is kept.

use std::io::IsTerminal as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pi_engine::journal::Journal;
use pi_git::{GitError, RepoLock};

/// Set by `-q`: no progress at all for the rest of the process.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Turns progress off for the whole run (`tpcli -q`).
pub fn set_quiet() {
    QUIET.store(true, Ordering::Relaxed);
}

/// Where progress goes.
#[derive(Debug, Clone)]
pub struct Progress {
    mode: Mode,
}

#[derive(Debug, Clone)]
enum Mode {
    Bar(ProgressBar),
    Lines,
    Quiet,
}

impl Progress {
    /// A bar on a terminal stderr, plain lines on another stderr, nothing with `json`.
    pub fn new(json: bool) -> Self {
        let mode = if json || QUIET.load(Ordering::Relaxed) {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(100));
            Mode::Bar(bar)
        } else {
            Mode::Lines
        };
        Self { mode }
    }

    /// A step without a count: "Fetching from Targetprocess…".
    pub fn phase(&self, message: &str) {
        match &self.mode {
            Mode::Bar(bar) => {
                bar.set_style(spinner_style());
                bar.set_length(0);
                bar.set_message(message.to_owned());
            }
            Mode::Lines => eprintln!("{message}"),
            Mode::Quiet => {}
        }
    }

    /// A counted step: "Pushing 3/12".
    pub fn count(&self, message: &str, done: u64, total: u64) {
        match &self.mode {
            Mode::Bar(bar) => {
                bar.set_style(bar_style());
                bar.set_length(total);
                bar.set_position(done);
                bar.set_message(message.to_owned());
            }
            Mode::Lines => eprintln!("{message} {done}/{total}"),
            Mode::Quiet => {}
        }
    }

    /// Removes the bar before results are printed.
    pub fn finish(&self) {
        if let Mode::Bar(bar) = &self.mode {
            bar.finish_and_clear();
        }
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} {pos}/{len} [{bar:30}] {elapsed}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// Shows the operations of the plan's push as the journal records them, until dropped.
#[derive(Debug)]
pub struct PushWatch {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl PushWatch {
    /// Watches `journal` for the unfinished push of `plan`.
    pub fn start(progress: &Progress, journal: Journal, plan: String) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (stop, progress) = (stop.clone(), progress.clone());
            std::thread::spawn(move || watch(&progress, &journal, &plan, &stop))
        };
        Self {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for PushWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            // A watcher that panicked only lost its display.
            let _ = t.join();
        }
    }
}

fn watch(progress: &Progress, journal: &Journal, plan: &str, stop: &AtomicBool) {
    // Pushes up to this one were there before: not this run's.
    let mut floor = journal.latest_id(plan).ok().flatten();
    let mut shown: Option<(usize, usize)> = None;
    // Shows how far push `r` got, unless that is on screen already.
    let show = |shown: &mut Option<(usize, usize)>, r: &pi_engine::journal::PushRecord| {
        let now = (r.ops.len() - r.open_ops(), r.ops.len());
        if *shown != Some(now) {
            progress.count("Pushing", now.0 as u64, now.1 as u64);
            *shown = Some(now);
        }
    };
    let mut seen: Option<i64> = None;
    loop {
        let stopping = stop.load(Ordering::Relaxed);
        match journal.unfinished(plan).ok().flatten() {
            Some(r) => {
                seen = Some(r.id);
                show(&mut shown, &r);
            }
            None => {
                // A push that ended between two looks still shows its last count.
                let newest = journal
                    .latest_id(plan)
                    .ok()
                    .flatten()
                    .filter(|id| Some(*id) > floor);
                if let Some(id) = seen.or(newest) {
                    if let Ok(r) = journal.push(id) {
                        show(&mut shown, &r);
                    }
                    progress.phase("Updating the plan and the operation log…");
                    floor = Some(id);
                    seen = None;
                    shown = None;
                }
            }
        }
        if stopping {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Watches the push journal of `ws` unless progress is quiet. The journal is opened (created on
/// first use) under the repository lock, so two processes never write its schema at once; while
/// another process holds the lock, says so and waits.
pub fn watch_push(
    progress: &Progress,
    ws: &pi_engine::Workspace,
) -> anyhow::Result<Option<PushWatch>> {
    if matches!(progress.mode, Mode::Quiet) {
        return Ok(None);
    }
    let path = ws.local_dir()?.join("journal.sqlite");
    let journal = {
        let _lock = match RepoLock::acquire(&ws.repo, Duration::ZERO) {
            Ok(lock) => lock,
            Err(GitError::Locked { pid, .. }) => {
                let who = pid.map_or_else(|| "another process".to_owned(), |p| format!("pid {p}"));
                progress.phase(&format!(
                    "Waiting for another tpcli ({who}) to finish with this repository…"
                ));
                RepoLock::acquire(&ws.repo, pi_engine::workspace::LOCK_WAIT)?
            }
            Err(e) => return Err(e.into()),
        };
        Journal::open(&path)?
    };
    Ok(Some(PushWatch::start(
        progress,
        journal,
        ws.names.plan_slug(),
    )))
}
