//! Live sync's cycles in the clone's metrics database (`.git/pi-planner/metrics.sqlite`,
//! `pi-metrics`): for every step of `plan watch` and of each team's loop of `plan watch --art`,
//! when it started, how long it took, what it did (a saved edit committed, changes pulled,
//! operations pushed, conflicts found, why a push waits) and why it failed. `tpcli plan stats`
//! reads them. After each cycle, `[alerts]` is checked as after every other operation
//! (`meter::raised`: a failure streak, a conflict spike). Recording never changes what the watch
//! does: a database that cannot be opened or written is a warning, and the watch goes on without
//! it.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use pi_engine::Workspace;
use pi_engine::watch::Event;
use pi_metrics::{Alert, CycleStep, PlanKey, Store, Thresholds, WatchCycle, WatchKind};

/// Cycles between two prunes of rows past the retention (a watch also prunes when it starts).
const PRUNE_EVERY: u64 = 1000;

/// What one cycle's events said.
#[derive(Debug, Default)]
pub struct Seen {
    committed: bool,
    pulled: u64,
    pushed: u64,
    conflicts: u64,
    held: Option<String>,
    error: Option<String>,
}

impl Seen {
    /// Takes one event of the cycle.
    pub fn tell(&mut self, event: &Event) {
        match event {
            Event::Committed => self.committed = true,
            Event::Pulled(r) => self.pulled += r.from_tp.len() as u64,
            Event::Pushed(r) | Event::Resumed(r) => self.pushed += r.ops.len() as u64,
            Event::Conflicts(found) => self.conflicts += found.len() as u64,
            Event::Held(reason) => self.held = Some(super::held(reason)),
            Event::LookFailed { error, .. } => self.error = Some(error.clone()),
        }
    }

    /// The cycle ended with `error` (the step's own error, not a look the watch waits out).
    pub fn failed(&mut self, error: String) {
        self.error = Some(error);
    }
}

/// A cycle under way: when it started.
#[derive(Debug)]
pub struct Started {
    at: DateTime<Utc>,
    clock: Instant,
}

impl Started {
    pub fn now() -> Self {
        Self {
            at: Utc::now(),
            clock: Instant::now(),
        }
    }
}

/// The cycles of one plan's watch, written to its clone's metrics database.
#[derive(Debug)]
pub struct CycleLog {
    store: Store,
    plan: PlanKey,
    watch: WatchKind,
    retention_days: u32,
    /// `[alerts]` as the watch started.
    thresholds: Thresholds,
    recorded: u64,
}

impl CycleLog {
    /// The metrics database of the plan of `ws`, its rows past the retention removed; `None`
    /// (with a warning) when it cannot be opened.
    pub fn open(ws: &Workspace, watch: WatchKind) -> Option<Self> {
        let path = super::super::meter::store_path(ws);
        let store = Store::open(&path)
            .inspect_err(|e| tracing::warn!(error = %e, "the watch's cycles are not recorded"))
            .ok()?;
        let config = super::super::meter::repo_config(ws);
        let mut log = Self {
            store,
            plan: plan_key(ws),
            watch,
            retention_days: config.metrics.retention_days,
            thresholds: super::super::meter::thresholds(&config),
            recorded: 0,
        };
        log.prune();
        Some(log)
    }

    /// Records the cycle that began at `started` with what it saw; returns the alerts it raised
    /// (each told in an `alert:` line), for the `alert` event's channels.
    pub fn record(&mut self, step: CycleStep, started: Started, seen: Seen) -> Vec<Alert> {
        let took: Duration = started.clock.elapsed();
        let cycle = WatchCycle {
            watch: self.watch,
            step,
            plan: self.plan.clone(),
            started_at: started.at,
            duration: took,
            committed: seen.committed,
            pulled: seen.pulled,
            pushed: seen.pushed,
            conflicts: seen.conflicts,
            held: seen.held,
            error: seen.error,
        };
        if let Err(e) = self.store.record_cycle(&cycle) {
            tracing::warn!(error = %e, "a watch cycle was not recorded");
            return Vec::new();
        }
        self.recorded += 1;
        if self.recorded.is_multiple_of(PRUNE_EVERY) {
            self.prune();
        }
        super::super::meter::raised(&self.store, &self.plan, &self.thresholds).unwrap_or_else(|e| {
            tracing::warn!(error = %format!("{e:#}"), "the watch's alerts were not checked");
            Vec::new()
        })
    }

    fn prune(&mut self) {
        let cutoff = Utc::now() - chrono::Duration::days(i64::from(self.retention_days));
        if let Err(e) = self.store.prune(cutoff) {
            tracing::warn!(error = %e, "old metrics were not removed");
        }
    }
}

/// The plan's ART, release and team names, or the branch's slugs when the snapshot's front
/// matter does not read (as the operations' metrics name it).
fn plan_key(ws: &Workspace) -> PlanKey {
    match ws.base_header() {
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
    }
}
