//! Live sync in the session (issue 19): the open plan's [`Watch`] of pi-engine, kept between
//! looks. A look asks Targetprocess only what changed since the last one
//! (`Tracker::changed_since`) and pulls when something did; a change of the plan file made by
//! another program is committed exactly as `tpcli plan watch` commits a saved edit. Both count
//! as a change of the plan file the window reloads (or asks about, when the planner has unsaved
//! edits in a form).
//!
//! Each look is recorded in the plan folder's metrics database as a watch cycle of the app
//! (`WatchKind::App`: when, how long, what it committed and pulled, the conflicts it found, why
//! it failed), as `tpcli plan watch` records its looks, and `[alerts]` is checked after it.
//!
//! It deliberately holds no timer and no file watcher (that is the app shell's `live.rs`) and
//! never pushes: the watch runs with [`PushMode::Never`].

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use pi_engine::watch::{Event, PushMode, Watch, WatchOptions};
use pi_metrics::{CycleStep, WatchCycle, WatchKind};

use super::sync::{context, in_workspace};
use super::{Session, plan_path};
use crate::dto::{ConflictDto, LiveStateDto, LiveStatusDto, PlanChangeDto, PullResultDto};
use crate::error::UiError;

/// Longest wait between two looks after failed ones (429, 5xx, no network).
const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// The session's live state; locked only briefly, never across an await.
#[derive(Debug, Default)]
pub struct Live {
    /// The open plan's watch (its memory between looks), for that plan file and poll.
    watch: Option<(PathBuf, Duration, Watch)>,
    /// When Targetprocess last answered a look.
    checked_at: Option<DateTime<Utc>>,
    /// Why the last look failed, when it did.
    offline: Option<String>,
    revision: u32,
    last_change: Option<PlanChangeDto>,
    /// The settings as last read: the poll (seconds) and whether a plan is open.
    poll_seconds: u32,
    open: bool,
}

/// What one look found, for the app shell to announce.
#[derive(Debug, Default)]
pub struct Look {
    /// Targetprocess changes pulled into the plan; its conflicts are only the ones not told
    /// before (each is announced once).
    pub pulled: Option<PullResultDto>,
    /// When to look again: the poll, or longer after failed looks.
    pub wait: Duration,
}

impl Session {
    /// The open plan file and the seconds between two looks (0: no looks).
    pub async fn live_target(&self) -> (Option<PathBuf>, u32) {
        let inner = self.inner.lock().await;
        let seconds = inner.settings.poll_seconds;
        let path = plan_path(&inner.settings).ok();
        let mut live = self.live();
        live.poll_seconds = seconds;
        live.open = path.is_some();
        (path, seconds)
    }

    /// The live indicator. It does not wait for a pull or push under way: it shows the
    /// settings as last read then.
    pub fn live_status(&self) -> LiveStatusDto {
        let settings = self
            .inner
            .try_lock()
            .ok()
            .map(|i| (i.settings.poll_seconds, i.settings.workspace.is_some()));
        let mut live = self.live();
        if let Some((seconds, open)) = settings {
            live.poll_seconds = seconds;
            live.open = open;
        }
        let state = if !live.open || live.poll_seconds == 0 {
            LiveStateDto::Off
        } else if live.offline.is_some() {
            LiveStateDto::Offline
        } else {
            LiveStateDto::Live
        };
        LiveStatusDto {
            state,
            checked_at: live.checked_at.map(|t| t.to_rfc3339()),
            reason: live.offline.clone(),
            poll_seconds: live.poll_seconds,
            revision: live.revision,
            last_change: live.last_change,
        }
    }

    /// One look at Targetprocess for the open plan: what changed since the last look, and a
    /// pull when something did (every tenth look reads the whole plan, since a deletion shows
    /// in no change date). The plan file's unsaved-in-git edits are committed first.
    pub async fn live_look(&self) -> Result<Look, UiError> {
        let mut inner = self.inner.lock().await;
        let seconds = inner.settings.poll_seconds.max(1);
        let poll = Duration::from_secs(seconds.into());
        let path = plan_path(&inner.settings)?;
        let (client, me, dir) = self.engine(&mut inner).await?;
        let watch = self.take_watch(&path, poll);
        let (started_at, clock, folder) = (Utc::now(), Instant::now(), dir.clone());
        let mut seen = LookSeen::default();
        let outcome = in_workspace(dir, move |ws, rt| {
            let ctx = context(&client, &me, true);
            let mut watch = watch;
            let mut events = Vec::new();
            let result = rt.block_on(watch.poll(&ctx, ws, None, &mut |e| events.push(e)));
            Ok((watch, result, events))
        })
        .await;
        let (watch, result, events) = match outcome {
            Ok(done) => done,
            Err(e) => {
                self.live().offline = Some(e.message.clone());
                seen.error = Some(e.message.clone());
                let alerts = seen.record(&folder, started_at, clock).await;
                inner.alerts.extend(alerts);
                return Err(e);
            }
        };
        let looked = self.took_look((path, poll, watch), result, &events, &mut seen);
        if let Err(e) = &looked {
            seen.error = Some(e.message.clone());
        }
        let alerts = seen.record(&folder, started_at, clock).await;
        inner.alerts.extend(alerts);
        let look = looked?;
        if look.pulled.is_some() {
            inner.undo.clear();
        }
        Ok(look)
    }

    /// Takes in what a look did: keeps its watch, says live or offline, counts the plan file's
    /// change; `seen` gets what the look's cycle records.
    fn took_look(
        &self,
        (path, poll, watch): (PathBuf, Duration, Watch),
        result: pi_engine::Result<Duration>,
        events: &[Event],
        seen: &mut LookSeen,
    ) -> Result<Look, UiError> {
        let mut look = Look {
            pulled: None,
            wait: poll,
        };
        let mut live = self.live();
        live.watch = Some((path, poll, watch));
        match result {
            Ok(wait) => look.wait = wait,
            Err(e) => {
                let e = UiError::from(e);
                live.offline = Some(e.message.clone());
                return Err(e);
            }
        }
        let mut failed = None;
        let mut fresh: Vec<ConflictDto> = Vec::new();
        for event in events {
            match event {
                Event::Committed => {
                    seen.committed = true;
                    live.changed(PlanChangeDto::Outside);
                }
                Event::Pulled(report) => {
                    seen.pulled += report.from_tp.len() as u64;
                    live.changed(PlanChangeDto::Pulled);
                    look.pulled = Some(PullResultDto::from(report.as_ref()));
                }
                Event::Conflicts(new) => {
                    seen.conflicts += new.len() as u64;
                    fresh.extend(new.iter().map(ConflictDto::from));
                }
                Event::LookFailed { error, .. } => failed = Some(error.clone()),
                Event::Pushed(_) | Event::Resumed(_) | Event::Held(_) => {}
            }
        }
        if let Some(pulled) = &mut look.pulled {
            pulled.conflicts = fresh;
        }
        match &failed {
            Some(error) => live.offline = Some(offline_reason(error)),
            None => {
                live.offline = None;
                live.checked_at = Some(Utc::now());
            }
        }
        seen.error = failed;
        Ok(look)
    }

    /// The plan file was written by another program: committed on the working branch as a save
    /// (as `tpcli plan watch` commits one) when it reads and differs from the last commit.
    /// Returns whether it was committed (the app's own saves and pulls are not: they committed
    /// what they wrote).
    pub async fn plan_file_changed(&self) -> Result<bool, UiError> {
        let mut inner = self.inner.lock().await;
        let poll = Duration::from_secs(inner.settings.poll_seconds.max(1).into());
        let path = plan_path(&inner.settings)?;
        let (client, me, dir) = self.engine(&mut inner).await?;
        let watch = self.take_watch(&path, poll);
        let (watch, result) = in_workspace(dir, move |ws, rt| {
            let ctx = context(&client, &me, true);
            let mut watch = watch;
            let mut committed = false;
            let result = rt.block_on(watch.saved(&ctx, ws, None, &mut |e| {
                committed |= matches!(e, Event::Committed);
            }));
            Ok((watch, result.map(|()| committed)))
        })
        .await?;
        let mut live = self.live();
        live.watch = Some((path, poll, watch));
        let committed = result?;
        if committed {
            live.changed(PlanChangeDto::Outside);
            drop(live);
            // Undo would put back a text from before this edit and drop it silently.
            inner.undo.clear();
        }
        Ok(committed)
    }

    fn live(&self) -> std::sync::MutexGuard<'_, Live> {
        self.live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The watch of `path` at this poll, or a new one (whose first look reads the whole plan).
    fn take_watch(&self, path: &PathBuf, poll: Duration) -> Watch {
        match self.live().watch.take() {
            Some((p, every, watch)) if &p == path && every == poll => watch,
            _ => Watch::new(WatchOptions {
                push: PushMode::Never,
                poll,
                full_every: 10,
                max_backoff: MAX_BACKOFF,
            }),
        }
    }
}

impl Live {
    fn changed(&mut self, what: PlanChangeDto) {
        self.revision = self.revision.wrapping_add(1);
        self.last_change = Some(what);
    }
}

/// A failed look in the planner's words.
fn offline_reason(error: &str) -> String {
    format!("Targetprocess could not be reached: {error}")
}

#[cfg(test)]
#[path = "session_live_tests.rs"]
mod tests;

/// What one live look did, as its watch cycle records it.
#[derive(Debug, Default)]
struct LookSeen {
    committed: bool,
    pulled: u64,
    conflicts: u64,
    error: Option<String>,
}

impl LookSeen {
    /// Records the look that began at `started_at` (`clock`) in the metrics of the plan in
    /// `dir`; returns the alerts it raised. Recording never fails a look: a failure is logged.
    async fn record(
        self,
        dir: &Path,
        started_at: DateTime<Utc>,
        clock: Instant,
    ) -> Vec<crate::dto::SyncEventDto> {
        let duration = clock.elapsed();
        let dir = dir.to_owned();
        let recorded = super::sync::blocking(move |_| {
            let cycle = |plan| WatchCycle {
                watch: WatchKind::App,
                step: CycleStep::Look,
                plan,
                started_at,
                duration,
                committed: self.committed,
                pulled: self.pulled,
                pushed: 0,
                conflicts: self.conflicts,
                held: None,
                error: self.error,
            };
            super::health::record_cycle(&dir, cycle)
                .map_err(|e| UiError::new(crate::error::ErrorCode::WorkspaceProblem, e))
        })
        .await;
        recorded.unwrap_or_else(|e| {
            tracing::warn!(error = %e.message, "the live look's metrics were not recorded");
            Vec::new()
        })
    }
}
