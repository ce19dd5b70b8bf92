//! Live sync's cycles: every step of `tpcli plan watch`, of each team's loop in
//! `tpcli plan watch --art` and every look of the desktop app's live sync — when it started, how
//! long it took, what it did (a saved edit committed, changes pulled from Targetprocess,
//! operations pushed, conflicts found, why a push waits) and why it failed — and their summary
//! per plan for `tpcli plan stats`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

use crate::record::PlanKey;
use crate::stats::Filter;
use crate::store::{from_millis, millis};
use crate::{MetricsError, Result, Store};

/// Which watch ran the cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WatchKind {
    /// `tpcli plan watch` of one plan.
    Plan,
    /// One team's loop of `tpcli plan watch --art`.
    Train,
    /// The desktop app's live sync of its open plan (its looks at Targetprocess).
    App,
}

/// What started the cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CycleStep {
    /// The watch's first step: an interrupted push completed, the file's edits committed (a
    /// train's team: its plan set up).
    Start,
    /// A look at Targetprocess (a pull when something changed), then a push as allowed.
    Look,
    /// A save of the plan file: committed, then a push as allowed.
    Save,
}

impl WatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plan => "plan",
            Self::Train => "train",
            Self::App => "app",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Plan, Self::Train, Self::App]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

impl CycleStep {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Look => "look",
            Self::Save => "save",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Start, Self::Look, Self::Save]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// One cycle of a watch, as measured by its caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchCycle {
    pub watch: WatchKind,
    pub step: CycleStep,
    pub plan: PlanKey,
    pub started_at: DateTime<Utc>,
    pub duration: Duration,
    /// A saved edit of the plan file was committed.
    pub committed: bool,
    /// Changes Targetprocess brought into the plan (0: nothing pulled).
    pub pulled: u64,
    /// Operations sent to Targetprocess (an interrupted push completed included).
    pub pushed: u64,
    /// Conflicts found that were not open before.
    pub conflicts: u64,
    /// Why a push waits, when the cycle told it.
    pub held: Option<String>,
    /// Why the cycle failed (a look refused, Targetprocess unreachable, ...).
    pub error: Option<String>,
}

/// Longest stored text of a reason or an error.
const TEXT_MAX: usize = 500;

/// One cycle as `tpcli plan stats` shows it.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CycleSeen {
    pub watch: WatchKind,
    pub step: CycleStep,
    #[serde(flatten)]
    pub plan: PlanKey,
    /// When it started (RFC 3339).
    pub started_at: String,
    pub duration_ms: u64,
    pub committed: bool,
    pub pulled: u64,
    pub pushed: u64,
    pub conflicts: u64,
    pub held: Option<String>,
    pub error: Option<String>,
}

/// One plan's watch cycles over the window.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WatchPlanStats {
    pub watch: WatchKind,
    #[serde(flatten)]
    pub plan: PlanKey,
    pub cycles: u64,
    pub failed: u64,
    /// Cycles that committed a saved edit.
    pub committed: u64,
    /// Cycles that pulled changes, and the changes they pulled.
    pub pulls: u64,
    pub changes_pulled: u64,
    /// Cycles that pushed, and the operations they sent.
    pub pushes: u64,
    pub operations_pushed: u64,
    pub conflicts: u64,
    pub mean_duration_ms: f64,
    pub max_duration_ms: u64,
    /// The latest cycle (RFC 3339).
    pub last_cycle: String,
    /// The latest failed cycle's error and when it started.
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
}

/// Watch cycles over the window: per plan, and the newest cycles that did something or failed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WatchStats {
    pub plans: Vec<WatchPlanStats>,
    /// Up to [`LATEST`] cycles that committed, pulled, pushed, found conflicts, waited or
    /// failed, newest first (a cycle that found nothing to do is only counted).
    pub latest: Vec<CycleSeen>,
}

/// How many eventful cycles the stats list.
pub const LATEST: usize = 20;

fn bounded(text: &Option<String>) -> Option<String> {
    text.as_ref().map(|t| match t.char_indices().nth(TEXT_MAX) {
        Some((end, _)) => format!("{}…", &t[..end]),
        None => t.clone(),
    })
}

impl Store {
    /// Records one watch cycle; returns its row id.
    pub fn record_cycle(&mut self, c: &WatchCycle) -> Result<i64> {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.conn
            .execute(
                "INSERT INTO watch_cycles (watch, step, art, release, team, started_ms,
                     duration_ms, committed, pulled, pushed, conflicts, held, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    c.watch.as_str(),
                    c.step.as_str(),
                    c.plan.art,
                    c.plan.release,
                    c.plan.team,
                    millis(c.started_at),
                    i64::try_from(c.duration.as_millis()).unwrap_or(i64::MAX),
                    c.committed,
                    n(c.pulled),
                    n(c.pushed),
                    n(c.conflicts),
                    bounded(&c.held),
                    bounded(&c.error),
                ],
            )
            .map_err(|e| self.sqlite(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The watch cycles `filter` selects.
    pub fn watch_stats(&self, filter: &Filter) -> Result<WatchStats> {
        Ok(WatchStats {
            plans: self.watch_plans(filter)?,
            latest: self.latest_cycles(filter)?,
        })
    }

    fn watch_plans(&self, filter: &Filter) -> Result<Vec<WatchPlanStats>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT watch, art, release, team, COUNT(*),
                        SUM(error IS NOT NULL), SUM(committed), SUM(pulled > 0), SUM(pulled),
                        SUM(pushed > 0), SUM(pushed), SUM(conflicts), AVG(duration_ms),
                        MAX(duration_ms), MAX(started_ms)
                 FROM watch_cycles WHERE started_ms >= ?1 AND (?2 IS NULL OR art = ?2)
                 GROUP BY watch, art, release, team ORDER BY art, release, team, watch",
            )
            .map_err(|e| self.sqlite(e))?;
        let rows = stmt
            .query_map(params![since_ms(filter), filter.art], |r| {
                let n = |i| r.get::<_, i64>(i).map(|v| u64::try_from(v).unwrap_or(0));
                Ok((
                    r.get::<_, String>(0)?,
                    PlanKey {
                        art: r.get(1)?,
                        release: r.get(2)?,
                        team: r.get(3)?,
                    },
                    [n(4)?, n(5)?, n(6)?, n(7)?, n(8)?, n(9)?, n(10)?, n(11)?],
                    r.get::<_, f64>(12)?,
                    n(13)?,
                    r.get::<_, i64>(14)?,
                ))
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| self.sqlite(e))?;
        rows.into_iter()
            .map(|(watch, plan, counts, mean, max, last)| {
                let watch = WatchKind::parse(&watch)
                    .ok_or_else(|| self.unreadable_cycle("watch", watch))?;
                let (last_error, last_error_at) = self.last_error(watch, &plan, filter)?;
                let [
                    cycles,
                    failed,
                    committed,
                    pulls,
                    pulled,
                    pushes,
                    pushed,
                    conflicts,
                ] = counts;
                Ok(WatchPlanStats {
                    watch,
                    plan,
                    cycles,
                    failed,
                    committed,
                    pulls,
                    changes_pulled: pulled,
                    pushes,
                    operations_pushed: pushed,
                    conflicts,
                    mean_duration_ms: mean,
                    max_duration_ms: max,
                    last_cycle: from_millis(last).to_rfc3339(),
                    last_error,
                    last_error_at,
                })
            })
            .collect()
    }

    fn last_error(
        &self,
        watch: WatchKind,
        plan: &PlanKey,
        filter: &Filter,
    ) -> Result<(Option<String>, Option<String>)> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row(
                "SELECT error, started_ms FROM watch_cycles
                 WHERE error IS NOT NULL AND started_ms >= ?1 AND watch = ?2 AND art = ?3
                     AND release = ?4 AND team = ?5
                 ORDER BY started_ms DESC, id DESC LIMIT 1",
                params![
                    since_ms(filter),
                    watch.as_str(),
                    plan.art,
                    plan.release,
                    plan.team
                ],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()
            .map(|found| match found {
                Some((error, at)) => (Some(error), Some(from_millis(at).to_rfc3339())),
                None => (None, None),
            })
            .map_err(|e| self.sqlite(e))
    }

    fn latest_cycles(&self, filter: &Filter) -> Result<Vec<CycleSeen>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT watch, step, art, release, team, started_ms, duration_ms, committed,
                        pulled, pushed, conflicts, held, error
                 FROM watch_cycles
                 WHERE started_ms >= ?1 AND (?2 IS NULL OR art = ?2)
                     AND (committed OR pulled > 0 OR pushed > 0 OR conflicts > 0
                          OR held IS NOT NULL OR error IS NOT NULL)
                 ORDER BY started_ms DESC, id DESC LIMIT ?3",
            )
            .map_err(|e| self.sqlite(e))?;
        let limit = i64::try_from(LATEST).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![since_ms(filter), filter.art, limit], |r| {
                let n = |i| r.get::<_, i64>(i).map(|v| u64::try_from(v).unwrap_or(0));
                Ok((
                    (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                    PlanKey {
                        art: r.get(2)?,
                        release: r.get(3)?,
                        team: r.get(4)?,
                    },
                    (r.get::<_, i64>(5)?, n(6)?, r.get::<_, bool>(7)?),
                    [n(8)?, n(9)?, n(10)?],
                    (r.get(11)?, r.get(12)?),
                ))
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| self.sqlite(e))?;
        rows.into_iter()
            .map(
                |((watch, step), plan, (started, duration_ms, committed), counts, texts)| {
                    let [pulled, pushed, conflicts] = counts;
                    let (held, error) = texts;
                    Ok(CycleSeen {
                        watch: WatchKind::parse(&watch)
                            .ok_or_else(|| self.unreadable_cycle("watch", watch))?,
                        step: CycleStep::parse(&step)
                            .ok_or_else(|| self.unreadable_cycle("watch step", step))?,
                        plan,
                        started_at: from_millis(started).to_rfc3339(),
                        duration_ms,
                        committed,
                        pulled,
                        pushed,
                        conflicts,
                        held,
                        error,
                    })
                },
            )
            .collect()
    }

    fn unreadable_cycle(&self, what: &'static str, value: String) -> MetricsError {
        MetricsError::Unreadable {
            path: self.path.clone(),
            what,
            value,
        }
    }
}

fn since_ms(filter: &Filter) -> i64 {
    filter.since.map_or(i64::MIN, millis)
}

#[cfg(test)]
#[path = "watch_tests.rs"]
mod tests;
