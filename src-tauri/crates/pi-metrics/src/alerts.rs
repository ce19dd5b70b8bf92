//! Alerts without Prometheus: after an operation or a watch cycle is recorded, whether its
//! plan's failure streak or the conflicts found lately crossed a threshold (`[alerts]` in
//! pi-planner.toml). Operations (init, pull, push, ...) and live sync's cycles (`plan watch`,
//! each team's loop of `plan watch --art`) are one sequence per plan, in the order they started:
//! a failed operation or cycle lengthens the streak, any other ends it, and the conflicts a cycle
//! found count with the operations' ones. Each alert is raised when its count reaches the
//! threshold, by the operation or cycle that makes it reach it; a streak that goes on, or more
//! conflicts in the same window, raise nothing more until the count has fallen below the
//! threshold and reaches it again.

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;

use crate::record::PlanKey;
use crate::store::{from_millis, millis};
use crate::{Result, Store};

/// When to raise an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// Failed operations of a plan in a row.
    pub failure_streak: u32,
    /// Conflicts found in a plan within `conflict_window`.
    pub conflict_spike: u32,
    pub conflict_window: chrono::Duration,
}

/// What crossed its threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    FailureStreak,
    ConflictSpike,
}

/// One alert about one plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Alert {
    pub kind: AlertKind,
    #[serde(flatten)]
    pub plan: PlanKey,
    /// Failed operations in a row, or conflicts found in the window.
    pub count: u64,
    pub threshold: u32,
    /// When the streak began, or the window's start (RFC 3339).
    pub since: String,
    /// The error code of the latest failure (a failure streak).
    pub error_code: Option<String>,
}

impl Alert {
    /// One line in plain words.
    pub fn message(&self) -> String {
        match self.kind {
            AlertKind::FailureStreak => format!(
                "{} ({}): the last {} sync operations failed, since {}{}. Run `tpcli doctor` in the plan's folder.",
                self.plan.team,
                self.plan.release,
                self.count,
                self.since,
                self.error_code
                    .as_deref()
                    .map(|c| format!(" (latest error: {c})"))
                    .unwrap_or_default()
            ),
            AlertKind::ConflictSpike => format!(
                "{} ({}): {} {} found since {} (the alert is at {}). Resolve them with `tpcli plan resolve`, and agree who edits what in Targetprocess.",
                self.plan.team,
                self.plan.release,
                self.count,
                if self.count == 1 {
                    "conflict"
                } else {
                    "conflicts"
                },
                self.since,
                self.threshold
            ),
        }
    }
}

impl Store {
    /// The alerts the latest recorded operation or watch cycle of `plan` raises, at `now`.
    pub fn alerts(
        &self,
        plan: &PlanKey,
        thresholds: &Thresholds,
        now: DateTime<Utc>,
    ) -> Result<Vec<Alert>> {
        let mut alerts = Vec::new();
        let Some(conflicts_found) = self.latest_found(plan)? else {
            return Ok(alerts);
        };
        let (streak, since, code) = self.failure_streak(plan)?;
        if thresholds.failure_streak > 0 && streak == u64::from(thresholds.failure_streak) {
            alerts.push(Alert {
                kind: AlertKind::FailureStreak,
                plan: plan.clone(),
                count: streak,
                threshold: thresholds.failure_streak,
                since: since.map(|s| s.to_rfc3339()).unwrap_or_default(),
                error_code: code,
            });
        }
        let start = now - thresholds.conflict_window;
        let found = self.conflicts_since(plan, start)?;
        let limit = u64::from(thresholds.conflict_spike);
        if limit > 0 && found >= limit && found.saturating_sub(conflicts_found) < limit {
            alerts.push(Alert {
                kind: AlertKind::ConflictSpike,
                plan: plan.clone(),
                count: found,
                threshold: thresholds.conflict_spike,
                since: start.to_rfc3339(),
                error_code: None,
            });
        }
        Ok(alerts)
    }

    /// The conflicts the plan's latest operation or watch cycle found (`None`: neither yet).
    fn latest_found(&self, plan: &PlanKey) -> Result<Option<u64>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT found FROM ({SEQUENCE}) ORDER BY started_ms DESC, seq DESC, id DESC LIMIT 1"
            ))
            .map_err(|e| self.sqlite(e))?;
        let mut rows = stmt
            .query_map(params![plan.release, plan.team], |r| r.get::<_, i64>(0))
            .map_err(|e| self.sqlite(e))?;
        match rows.next() {
            Some(found) => Ok(Some(
                u64::try_from(found.map_err(|e| self.sqlite(e))?).unwrap_or(0),
            )),
            None => Ok(None),
        }
    }

    /// Failed operations and cycles of the plan since its last one that did not fail: how many,
    /// when the first of them started, the latest one's error code (a cycle's error).
    fn failure_streak(
        &self,
        plan: &PlanKey,
    ) -> Result<(u64, Option<DateTime<Utc>>, Option<String>)> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT failed, started_ms, error FROM ({SEQUENCE})
                 ORDER BY started_ms DESC, seq DESC, id DESC"
            ))
            .map_err(|e| self.sqlite(e))?;
        let rows = stmt
            .query_map(params![plan.release, plan.team], |r| {
                Ok((
                    r.get::<_, bool>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })
            .map_err(|e| self.sqlite(e))?;
        let (mut streak, mut since, mut code) = (0, None, None);
        for row in rows {
            let (failed, started, error) = row.map_err(|e| self.sqlite(e))?;
            if !failed {
                break;
            }
            if streak == 0 {
                code = error;
            }
            streak += 1;
            since = Some(from_millis(started));
        }
        Ok((streak, since, code))
    }

    /// Conflicts of the plan found at or after `start`: the operations' ones and those the
    /// watch cycles found.
    fn conflicts_since(&self, plan: &PlanKey, start: DateTime<Utc>) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM conflicts
                         WHERE release = ?1 AND team = ?2 AND opened_ms >= ?3)
                      + (SELECT COALESCE(SUM(conflicts), 0) FROM watch_cycles
                         WHERE release = ?1 AND team = ?2 AND started_ms >= ?3)",
                params![plan.release, plan.team, millis(start)],
                |r| r.get(0),
            )
            .map_err(|e| self.sqlite(e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// A plan's operations and watch cycles as one sequence (`?1` release, `?2` team): whether each
/// failed, when it started, its error, the conflicts it found; `seq` and `id` order the ones
/// that started in the same millisecond.
const SEQUENCE: &str = "
    SELECT outcome = 'failed' AS failed, started_ms, error_code AS error,
           conflicts_found AS found, 0 AS seq, id
    FROM operations WHERE release = ?1 AND team = ?2
    UNION ALL
    SELECT error IS NOT NULL, started_ms, error, conflicts, 1, id
    FROM watch_cycles WHERE release = ?1 AND team = ?2";

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::{DateTime, TimeZone, Utc};

    use crate::*;

    fn plan() -> PlanKey {
        PlanKey {
            art: "ART".into(),
            release: "PI-1".into(),
            team: "Apollo".into(),
        }
    }

    fn op(minute: u32, outcome: Outcome, conflicts: &[&str]) -> Operation {
        Operation {
            kind: OperationKind::Pull,
            plan: plan(),
            started_at: Utc
                .with_ymd_and_hms(2026, 3, 2, 9, minute, 0)
                .single()
                .expect("a valid date"),
            duration: Duration::from_secs(1),
            outcome,
            error_code: (outcome == Outcome::Failed).then(|| "targetprocess_server".to_owned()),
            traffic: vec![],
            quota: vec![],
            conflicts_found: conflicts
                .iter()
                .map(|e| ConflictKey {
                    entity: (*e).to_owned(),
                    field: "Effort".into(),
                })
                .collect(),
            conflicts_resolved: vec![],
            changes: vec![],
        }
    }

    const T: Thresholds = Thresholds {
        failure_streak: 3,
        conflict_spike: 3,
        conflict_window: chrono::Duration::hours(24),
    };

    /// Records `op` and returns the kinds of alert it raised.
    fn after(store: &mut Store, op: Operation) -> Vec<AlertKind> {
        let now = op.ended_at();
        store.record(&op).expect("recorded");
        kinds_at(store, now)
    }

    /// The kinds of alert the plan's record raises at `now`.
    fn kinds_at(store: &Store, now: DateTime<Utc>) -> Vec<AlertKind> {
        store
            .alerts(&plan(), &T, now)
            .expect("alerts read")
            .into_iter()
            .map(|a| a.kind)
            .collect()
    }

    #[test]
    fn a_failure_streak_alerts_once_when_it_reaches_the_threshold_and_again_after_a_success() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join(FILE_NAME)).expect("opens");
        assert!(after(&mut store, op(0, Outcome::Succeeded, &[])).is_empty());
        assert!(after(&mut store, op(1, Outcome::Failed, &[])).is_empty());
        assert!(after(&mut store, op(2, Outcome::Failed, &[])).is_empty());
        let third = op(3, Outcome::Failed, &[]);
        store.record(&third).expect("recorded");
        let alerts = store.alerts(&plan(), &T, third.ended_at()).expect("read");
        assert_eq!(alerts.len(), 1);
        let a = &alerts[0];
        assert_eq!(
            (a.kind, a.count, a.threshold),
            (AlertKind::FailureStreak, 3, 3)
        );
        assert!(a.since.starts_with("2026-03-02T09:01:00"), "{}", a.since);
        assert_eq!(a.error_code.as_deref(), Some("targetprocess_server"));
        assert!(
            a.message().contains("the last 3 sync operations failed"),
            "{}",
            a.message()
        );
        // The streak goes on: no second alert.
        assert!(after(&mut store, op(4, Outcome::Failed, &[])).is_empty());
        // A findings outcome ends the streak; three more failures alert again.
        assert!(after(&mut store, op(5, Outcome::Findings, &[])).is_empty());
        assert!(after(&mut store, op(6, Outcome::Failed, &[])).is_empty());
        assert!(after(&mut store, op(7, Outcome::Failed, &[])).is_empty());
        assert_eq!(
            after(&mut store, op(8, Outcome::Failed, &[])),
            vec![AlertKind::FailureStreak]
        );
    }

    #[test]
    fn a_conflict_spike_alerts_when_the_window_reaches_the_threshold() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join(FILE_NAME)).expect("opens");
        assert!(after(&mut store, op(0, Outcome::Findings, &["tp:1", "tp:2"])).is_empty());
        // The same conflict still open is not found again.
        assert!(after(&mut store, op(1, Outcome::Findings, &["tp:2"])).is_empty());
        assert_eq!(
            after(&mut store, op(2, Outcome::Findings, &["tp:3", "tp:4"])),
            vec![AlertKind::ConflictSpike]
        );
        // More conflicts in the same window: already alerted.
        assert!(after(&mut store, op(3, Outcome::Findings, &["tp:5"])).is_empty());
        // An operation that found none raises nothing.
        assert!(after(&mut store, op(4, Outcome::Succeeded, &[])).is_empty());
        // Off at 0.
        let off = Thresholds {
            failure_streak: 0,
            conflict_spike: 0,
            ..T
        };
        let now = op(5, Outcome::Succeeded, &[]).ended_at();
        assert!(store.alerts(&plan(), &off, now).expect("read").is_empty());
    }

    fn cycle(minute: u32, error: Option<&str>, conflicts: u64) -> WatchCycle {
        WatchCycle {
            watch: WatchKind::Plan,
            step: CycleStep::Look,
            plan: plan(),
            started_at: Utc
                .with_ymd_and_hms(2026, 3, 2, 9, minute, 30)
                .single()
                .expect("a valid date"),
            duration: Duration::from_millis(200),
            committed: false,
            pulled: 0,
            pushed: 0,
            conflicts,
            held: None,
            error: error.map(str::to_owned),
        }
    }

    /// Records `c` and returns the kinds of alert it raised.
    fn after_cycle(store: &mut Store, c: WatchCycle) -> Vec<AlertKind> {
        let now = c.started_at + c.duration;
        store.record_cycle(&c).expect("recorded");
        kinds_at(store, now)
    }

    #[test]
    fn watch_cycles_and_operations_make_one_streak_and_one_conflict_count() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join(FILE_NAME)).expect("opens");
        assert!(after_cycle(&mut store, cycle(0, None, 0)).is_empty());
        // A failed pull, then two failed looks of the watch: the third failure in a row.
        assert!(after(&mut store, op(1, Outcome::Failed, &[])).is_empty());
        assert!(after_cycle(&mut store, cycle(1, Some("503"), 0)).is_empty());
        let third = cycle(2, Some("Targetprocess answered 503"), 0);
        store.record_cycle(&third).expect("recorded");
        let alerts = store.alerts(&plan(), &T, third.started_at).expect("read");
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(
            (alerts[0].kind, alerts[0].count),
            (AlertKind::FailureStreak, 3)
        );
        assert!(
            alerts[0].since.starts_with("2026-03-02T09:01:00"),
            "{:?}",
            alerts[0]
        );
        assert_eq!(
            alerts[0].error_code.as_deref(),
            Some("Targetprocess answered 503")
        );
        // More failed looks: the same streak, no second alert; a look that worked ends it.
        assert!(after_cycle(&mut store, cycle(3, Some("503"), 0)).is_empty());
        assert!(after_cycle(&mut store, cycle(4, None, 0)).is_empty());
        assert!(after_cycle(&mut store, cycle(5, Some("503"), 0)).is_empty());
        assert!(after_cycle(&mut store, cycle(6, Some("503"), 0)).is_empty());
        assert_eq!(
            after_cycle(&mut store, cycle(7, Some("503"), 0)),
            vec![AlertKind::FailureStreak]
        );
        // Conflicts a pull found and those the watch's looks found add up to the spike.
        assert!(after(&mut store, op(8, Outcome::Findings, &["tp:1"])).is_empty());
        assert!(after_cycle(&mut store, cycle(8, None, 1)).is_empty());
        assert_eq!(
            after_cycle(&mut store, cycle(9, None, 1)),
            vec![AlertKind::ConflictSpike]
        );
        assert!(after_cycle(&mut store, cycle(10, None, 2)).is_empty());
    }
}
