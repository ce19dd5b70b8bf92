//! The open plan's sync health: the metrics of the operations run in its folder (`pi-metrics`'
//! database beside the journal, `.git/pi-planner/metrics.sqlite`), over the last weeks, as the
//! dashboard shows them; and the app's own pulls, pushes, resumes and live looks measured into
//! it, with the alerts (`[alerts]`: a failure streak, a conflict spike) they raise, for the
//! desktop notification.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use pi_engine::Workspace;
use pi_metrics::{
    ConflictKey, Operation, OperationKind, Outcome, PlanKey, Store, Traffic, WatchCycle,
};
use pi_model::NotifyEvent;
use pi_targetprocess::TpClient;

use super::Session;
use super::sync::in_workspace;
use crate::dto::{SyncEventDto, SyncHealthDto};
use crate::error::{ErrorCode, UiError};

/// How many weeks the dashboard looks back.
pub const HEALTH_WEEKS: i64 = 12;

impl Session {
    /// The sync health of the open plan's folder over the last [`HEALTH_WEEKS`] weeks.
    pub async fn sync_health(&self) -> Result<SyncHealthDto, UiError> {
        let dir = {
            let inner = self.inner.lock().await;
            super::sync::workspace_dir(&inner)?
        };
        in_workspace(dir, |ws, _| {
            let path = ws
                .repo
                .git_dir()
                .join("pi-planner")
                .join(pi_metrics::FILE_NAME);
            let now = Utc::now();
            let since = now - chrono::Duration::weeks(HEALTH_WEEKS);
            if !path.is_file() {
                return Ok(SyncHealthDto::empty(since.to_rfc3339()));
            }
            let unreadable = |e: pi_metrics::MetricsError| {
                UiError::new(
                    ErrorCode::WorkspaceProblem,
                    format!("The sync metrics could not be read: {e}"),
                )
            };
            let store = pi_metrics::Store::open(&path).map_err(unreadable)?;
            let stats = store
                .stats(&pi_metrics::Filter {
                    art: None,
                    since: Some(since),
                    now,
                })
                .map_err(unreadable)?;
            Ok(SyncHealthDto::of(&stats, true))
        })
        .await
    }
}

impl Session {
    /// The alerts the app's pulls and pushes raised since last asked, as notifications.
    pub async fn take_alerts(&self) -> Vec<SyncEventDto> {
        std::mem::take(&mut self.inner.lock().await.alerts)
    }

    /// Whether `event` may become an OS notification: the open plan's `[notify.events]`
    /// decides (`crate::notify::desktop_routed`); with no plan open, it may.
    pub async fn desktop_notifies(&self, event: &SyncEventDto) -> bool {
        let Ok(path) = super::plan_path(&self.inner.lock().await.settings) else {
            return true;
        };
        crate::notify::desktop_routed(&super::repo_config(&path).notify, &event.event)
    }
}

/// A pull or push of the app being measured: when it started and the client's counters then.
pub(super) struct Measuring {
    dir: PathBuf,
    client: std::sync::Arc<TpClient>,
    started_at: DateTime<Utc>,
    clock: Instant,
    before: Traffic,
}

/// The client's counters so far, as traffic to Targetprocess.
fn counted(client: &TpClient) -> Traffic {
    let c = client.counters();
    Traffic {
        service: "targetprocess".to_owned(),
        requests: c.requests,
        retries: c.retries,
        throttled: c.throttled,
        waited: c.waited,
        waited_throttled: c.waited_throttled,
    }
}

/// How a measured operation ended: done (with something to act on when `findings`), or the
/// app's error.
pub(super) type Ended<'a> = Result<bool, &'a UiError>;

impl Measuring {
    pub(super) fn start(dir: &Path, client: &std::sync::Arc<TpClient>) -> Self {
        Self {
            dir: dir.to_owned(),
            client: client.clone(),
            started_at: Utc::now(),
            clock: Instant::now(),
            before: counted(client),
        }
    }

    /// Records the operation in the plan folder's metrics and returns the alerts it raised.
    /// Measuring never fails an operation: a metrics failure is logged.
    pub(super) async fn done(self, kind: OperationKind, ended: Ended<'_>) -> Vec<SyncEventDto> {
        let duration = self.clock.elapsed();
        let (outcome, code) = match ended {
            Ok(false) => (Outcome::Succeeded, None),
            Ok(true) => (Outcome::Findings, None),
            Err(e) if matches!(e.code, ErrorCode::Busy | ErrorCode::InterruptedPush) => {
                (Outcome::Findings, None)
            }
            Err(e) => (Outcome::Failed, Some(error_code(e.code))),
        };
        let now = counted(&self.client);
        let b = &self.before;
        let traffic = Traffic {
            service: now.service.clone(),
            requests: now.requests.saturating_sub(b.requests),
            retries: now.retries.saturating_sub(b.retries),
            throttled: now.throttled.saturating_sub(b.throttled),
            waited: now.waited.saturating_sub(b.waited),
            waited_throttled: now.waited_throttled.saturating_sub(b.waited_throttled),
        };
        let (dir, started_at) = (self.dir, self.started_at);
        let recorded = super::sync::blocking(move |_| {
            let op = |plan| Operation {
                kind,
                plan,
                started_at,
                duration,
                outcome,
                error_code: code,
                traffic: vec![traffic],
                quota: vec![],
                conflicts_found: vec![],
                conflicts_resolved: vec![],
                changes: vec![],
            };
            record(&dir, op).map_err(|e| UiError::new(ErrorCode::WorkspaceProblem, e))
        })
        .await;
        match recorded {
            Ok(alerts) => alerts,
            Err(e) => {
                tracing::warn!(error = %e.message, "the operation's metrics were not recorded");
                Vec::new()
            }
        }
    }
}

/// The code an app error is filed under (`unreachable`, `server_error`, ...).
fn error_code(code: ErrorCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{code:?}"))
}

/// Records the operation `op` makes for the plan in `dir`, with the conflicts it opened and
/// closed, and returns the alerts it raised as notifications.
fn record(dir: &Path, op: impl FnOnce(PlanKey) -> Operation) -> Result<Vec<SyncEventDto>, String> {
    let (ws, plan, mut store) = opened(dir)?;
    let stored: BTreeSet<ConflictKey> = ws
        .local_dir()
        .and_then(|d| pi_engine::state::load_conflicts(&d))
        .map_err(|e| e.to_string())?
        .iter()
        .map(|c| ConflictKey {
            entity: c.entity.to_string(),
            field: c.field.map(|f| f.to_string()).unwrap_or_default(),
        })
        .collect();
    let open: BTreeSet<ConflictKey> = store
        .open_conflicts(&plan)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let mut op = op(plan.clone());
    op.conflicts_found = stored.difference(&open).cloned().collect();
    op.conflicts_resolved = open.difference(&stored).cloned().collect();
    store.record(&op).map_err(|e| e.to_string())?;
    raised(&ws, &mut store, &plan)
}

/// Records the live look `cycle` makes for the plan in `dir` (a watch cycle of the app, as
/// `tpcli plan watch` records its looks) and returns the alerts it raised as notifications.
pub(super) fn record_cycle(
    dir: &Path,
    cycle: impl FnOnce(PlanKey) -> WatchCycle,
) -> Result<Vec<SyncEventDto>, String> {
    let (ws, plan, mut store) = opened(dir)?;
    store
        .record_cycle(&cycle(plan.clone()))
        .map_err(|e| e.to_string())?;
    raised(&ws, &mut store, &plan)
}

/// The plan in `dir`, its names as the metrics file them, and its clone's metrics database.
fn opened(dir: &Path) -> Result<(Workspace, PlanKey, Store), String> {
    let ws = Workspace::open(dir).map_err(|e| e.to_string())?;
    let plan = match ws.base_header() {
        Ok(h) => PlanKey {
            art: h.art.name,
            release: h.release.name,
            team: h.team.name,
        },
        Err(_) => PlanKey {
            art: String::new(),
            release: ws.names.release_slug.clone(),
            team: ws.names.team_slug.clone(),
        },
    };
    let path = ws
        .repo
        .git_dir()
        .join("pi-planner")
        .join(pi_metrics::FILE_NAME);
    let store = Store::open(&path).map_err(|e| e.to_string())?;
    Ok((ws, plan, store))
}

/// The alerts (`[alerts]`) the plan's latest operation or look, just recorded in `store`,
/// raised (pi-metrics' one evaluation, as tpcli's), as notifications; rows past the retention
/// removed.
fn raised(ws: &Workspace, store: &mut Store, plan: &PlanKey) -> Result<Vec<SyncEventDto>, String> {
    let config = ws
        .repo
        .workdir()
        .map(|w| w.join(pi_model::CONFIG_FILE_NAME))
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|text| pi_model::RepoConfig::from_toml_str(&text).ok())
        .unwrap_or_default();
    let thresholds = pi_metrics::Thresholds {
        failure_streak: config.alerts.failure_streak,
        conflict_spike: config.alerts.conflict_spike,
        conflict_window: chrono::Duration::hours(i64::from(config.alerts.conflict_window_hours)),
    };
    let alerts = store
        .alerts(plan, &thresholds, Utc::now())
        .map_err(|e| e.to_string())?;
    let days = i64::from(config.metrics.retention_days);
    store
        .prune(Utc::now() - chrono::Duration::days(days))
        .map_err(|e| e.to_string())?;
    Ok(alerts.iter().map(alert_event).collect())
}

/// An alert as the desktop notification says it; it opens Sync health.
fn alert_event(a: &pi_metrics::Alert) -> SyncEventDto {
    SyncEventDto {
        event: NotifyEvent::Alert.as_str().to_owned(),
        view: "health".to_owned(),
        title: match a.kind {
            pi_metrics::AlertKind::FailureStreak => "Sync keeps failing".to_owned(),
            pi_metrics::AlertKind::ConflictSpike => "Many conflicts lately".to_owned(),
        },
        body: a.message(),
    }
}

#[cfg(test)]
#[path = "session_health_tests.rs"]
mod tests;
