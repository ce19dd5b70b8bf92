//! Live sync's loop, run by the app shell (and by the bridge) for as long as it runs: it
//! watches the open plan file and hands each change, once the file has been quiet, to the
//! session, which commits a change made by another program; and it has the session look at
//! Targetprocess every `poll_seconds` (the setting), waiting longer after failed looks.
//! A look that pulled changes or found new conflicts is announced (an OS notification in the
//! app).
//!
//! It deliberately holds no sync logic (that is the session over pi-engine's watch) and follows
//! the open plan: opening another plan moves the file watch to it, and the next look is at once.
//! Editors that save by rename replace the file, so its folder is watched, not the file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::dto::SyncEventDto;
use crate::session::Session;

/// How long the plan file must be quiet before a change is taken (several saves in a row are
/// one change).
pub const QUIET: Duration = Duration::from_millis(300);

/// How often the loop checks which plan is open and the setting.
const RECHECK: Duration = Duration::from_secs(1);

/// Longest wait between two looks after failed ones.
const MAX_WAIT: Duration = Duration::from_secs(600);

/// What the loop needs from where it runs.
pub trait LiveHost: Send + Sync + 'static {
    fn session(&self) -> &Session;
    /// Tells the planner (an OS notification and the window's sync event, in the app).
    fn announce(&self, event: &SyncEventDto);
}

type FileWatch = Debouncer<RecommendedWatcher, RecommendedCache>;

/// Runs until the task is dropped.
pub async fn run<H: LiveHost>(host: H, quiet: Duration) {
    let (tx, mut saved) = mpsc::channel::<()>(1);
    let mut watching: Option<PathBuf> = None;
    let mut _file_watch: Option<FileWatch> = None;
    let mut next_look = Instant::now();
    let mut failures = 0u32;
    loop {
        let (path, seconds) = host.session().live_target().await;
        if path != watching {
            _file_watch = path.as_deref().and_then(|p| {
                watch_file(p, quiet, tx.clone())
                    .inspect_err(|e| tracing::warn!("the plan file is not watched: {e}"))
                    .ok()
            });
            watching = path;
            next_look = Instant::now();
            failures = 0;
        }
        let looking = seconds > 0 && watching.is_some();
        tokio::select! {
            Some(()) = saved.recv() => match host.session().plan_file_changed().await {
                Ok(true) => tracing::info!("the plan file was changed outside the app; committed"),
                Ok(false) => {}
                Err(e) => tracing::info!("a change of the plan file was not taken: {}", e.message),
            },
            () = tokio::time::sleep_until(next_look), if looking => {
                let poll = Duration::from_secs(seconds.into());
                match host.session().live_look().await {
                    Ok(look) => {
                        failures = 0;
                        next_look = Instant::now() + look.wait;
                        let message = look.pulled.as_ref().and_then(|p| crate::notify::pull_message(p, true));
                        if let Some(m) = message {
                            host.announce(&m);
                        }
                    }
                    Err(e) => {
                        failures = failures.saturating_add(1);
                        next_look = Instant::now() + backoff(poll, failures);
                        tracing::info!("live look failed: {}", e.message);
                    }
                }
            }
            () = tokio::time::sleep(RECHECK) => {}
        }
    }
}

/// The wait after `failures` failed looks in a row: the poll, doubled each time, at most
/// [`MAX_WAIT`].
fn backoff(poll: Duration, failures: u32) -> Duration {
    poll.saturating_mul(1 << failures.min(16))
        .min(MAX_WAIT.max(poll))
}

/// Watches the plan file's folder and sends one `()` once the file has been quiet for `quiet`.
fn watch_file(
    plan: &Path,
    quiet: Duration,
    tx: mpsc::Sender<()>,
) -> Result<FileWatch, notify_debouncer_full::notify::Error> {
    let dir = plan.parent().unwrap_or(plan).to_path_buf();
    let name = plan.file_name().map(ToOwned::to_owned);
    let mut debouncer = new_debouncer(quiet, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        // Opening or reading the file is no change: the session's own reads would call it again.
        let touched = events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.paths.iter())
            .any(|p| p.file_name() == name.as_deref());
        if touched {
            // A full channel already holds a change: the session reads the file as it is then.
            let _ = tx.try_send(());
        }
    })?;
    debouncer.watch(&dir, RecursiveMode::NonRecursive)?;
    Ok(debouncer)
}

#[cfg(test)]
#[path = "live_tests.rs"]
mod tests;
