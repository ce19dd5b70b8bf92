//! The stats an operator reads: sync frequency and success per team, conflicts per week and
//! their trend, time to resolve, changes and conflicts by field, errors, requests and throttling.

use chrono::{DateTime, Datelike, Utc};
use rusqlite::params;
use serde::Serialize;

use crate::record::{FieldCount, OperationKind, Outcome, PlanKey, QuotaSeen};
use crate::store::{from_millis, millis};
use crate::{MetricsError, Result, Store};

/// Which operations the stats read.
#[derive(Clone, Debug)]
pub struct Filter {
    /// Only plans of this ART (as the front matter names it).
    pub art: Option<String>,
    /// Only operations started at or after this.
    pub since: Option<DateTime<Utc>>,
    /// The end of the window (the clock of the caller).
    pub now: DateTime<Utc>,
}

/// Sync health over the window.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Stats {
    /// The window's start (RFC 3339), when one was asked for.
    pub since: Option<String>,
    /// The window's end (RFC 3339).
    pub until: String,
    /// Operations in the window, every kind.
    pub operations: u64,
    pub teams: Vec<TeamStats>,
    /// ISO weeks with at least one operation, oldest first.
    pub weeks: Vec<WeekStats>,
    /// How conflicts per pull move from week to week.
    pub conflict_trend: Trend,
    pub conflicts_found: u64,
    pub conflicts_resolved: u64,
    /// Conflicts found and not resolved yet (whenever they were found).
    pub conflicts_open: u64,
    /// Mean time from a conflict found to resolved, in seconds, over those resolved in the window.
    pub mean_time_to_resolve_secs: Option<f64>,
    /// Field changes written to Targetprocess, most first.
    pub changes_by_field: Vec<FieldCount>,
    /// Conflicts found per field, most first.
    pub conflicts_by_field: Vec<FieldCount>,
    /// Failed operations by error code, most first.
    pub errors: Vec<ErrorCount>,
    /// Requests and throttling per service.
    pub traffic: Vec<ServiceTraffic>,
    /// Live sync's cycles (`plan watch`, `plan watch --art`).
    pub watch: crate::WatchStats,
}

/// One team's plan.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TeamStats {
    #[serde(flatten)]
    pub plan: PlanKey,
    /// Pulls, pushes and resumes.
    pub syncs: u64,
    /// Syncs per week over the window (from its start, or the plan's first operation).
    pub syncs_per_week: f64,
    pub operations: u64,
    pub succeeded: u64,
    /// Ran, and left something to act on (conflicts, Targetprocess changed, ...).
    pub findings: u64,
    pub failed: u64,
    /// Share of operations that did not fail (0 to 1).
    pub success_rate: f64,
    /// The last operation that did not fail (RFC 3339).
    pub last_success: Option<String>,
    /// Failed operations since the last one that did not fail.
    pub failure_streak: u64,
    /// When the current failure streak began (RFC 3339).
    pub failing_since: Option<String>,
}

/// One ISO week.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WeekStats {
    /// `2026-W05`.
    pub week: String,
    pub syncs: u64,
    pub pulls: u64,
    pub failed: u64,
    pub conflicts_found: u64,
    /// Conflicts found per pull (0 when the week had no pull).
    pub conflict_rate: f64,
}

/// Whether conflicts per pull rise or fall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrendDirection {
    Rising,
    Falling,
    /// Moving less than 0.05 conflicts per pull a week, or fewer than two weeks with pulls.
    Flat,
}

/// The least-squares slope of the weekly conflict rate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Trend {
    pub direction: TrendDirection,
    /// Change of conflicts per pull, per week.
    pub slope_per_week: f64,
}

/// Failed operations with one error code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ErrorCount {
    pub code: String,
    pub count: u64,
}

/// Requests to one service and how much it throttled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ServiceTraffic {
    pub service: String,
    pub requests: u64,
    pub retries: u64,
    /// 429 and 503 answers.
    pub throttled: u64,
    /// Milliseconds waited after 429 and 503 answers.
    pub waited_throttled_ms: u64,
    /// The rate-limit headers of the newest operation that saw some.
    pub latest_quota: Option<QuotaSeen>,
}

/// An operation row as the stats read it.
struct Row {
    kind: OperationKind,
    plan: PlanKey,
    started: DateTime<Utc>,
    outcome: Outcome,
    conflicts_found: u64,
}

/// The slope under which the trend is flat.
const FLAT: f64 = 0.05;

impl Store {
    /// The stats of the operations `filter` selects.
    pub fn stats(&self, filter: &Filter) -> Result<Stats> {
        let rows = self.rows(filter)?;
        let weeks = weeks(&rows);
        let (resolved, mean) = self.resolution(filter)?;
        Ok(Stats {
            since: filter.since.map(|s| s.to_rfc3339()),
            until: filter.now.to_rfc3339(),
            operations: rows.len() as u64,
            teams: teams(&rows, filter),
            conflict_trend: trend(&weeks),
            weeks,
            conflicts_found: rows.iter().map(|r| r.conflicts_found).sum(),
            conflicts_resolved: resolved,
            conflicts_open: self.count(
                "SELECT COUNT(*) FROM conflicts WHERE resolved_ms IS NULL AND (?2 IS NULL OR art = ?2) AND ?1 = ?1",
                filter,
            )?,
            mean_time_to_resolve_secs: mean,
            changes_by_field: self.field_counts(
                "SELECT c.field, SUM(c.changes) AS n FROM changed_fields c
                 JOIN operations o ON o.id = c.operation
                 WHERE o.started_ms >= ?1 AND (?2 IS NULL OR o.art = ?2)
                 GROUP BY c.field ORDER BY n DESC, c.field",
                filter,
            )?,
            conflicts_by_field: self.field_counts(
                "SELECT field, COUNT(*) AS n FROM conflicts
                 WHERE opened_ms >= ?1 AND (?2 IS NULL OR art = ?2)
                 GROUP BY field ORDER BY n DESC, field",
                filter,
            )?,
            errors: self.errors(filter)?,
            traffic: self.traffic(filter)?,
            watch: self.watch_stats(filter)?,
        })
    }

    fn rows(&self, filter: &Filter) -> Result<Vec<Row>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT kind, art, release, team, started_ms, outcome, conflicts_found
                 FROM operations WHERE started_ms >= ?1 AND (?2 IS NULL OR art = ?2)
                 ORDER BY started_ms, id",
            )
            .map_err(|e| self.sqlite(e))?;
        let raw = stmt
            .query_map(params![since_ms(filter), filter.art], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    PlanKey {
                        art: r.get(1)?,
                        release: r.get(2)?,
                        team: r.get(3)?,
                    },
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                ))
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| self.sqlite(e))?;
        raw.into_iter()
            .map(|(kind, plan, started, outcome, found)| {
                Ok(Row {
                    kind: OperationKind::parse(&kind)
                        .ok_or_else(|| self.unreadable("operation kind", kind))?,
                    outcome: Outcome::parse(&outcome)
                        .ok_or_else(|| self.unreadable("outcome", outcome))?,
                    plan,
                    started: from_millis(started),
                    conflicts_found: u64::try_from(found).unwrap_or(0),
                })
            })
            .collect()
    }

    fn unreadable(&self, what: &'static str, value: String) -> MetricsError {
        MetricsError::Unreadable {
            path: self.path.clone(),
            what,
            value,
        }
    }

    fn count(&self, sql: &str, filter: &Filter) -> Result<u64> {
        self.conn
            .query_row(sql, params![since_ms(filter), filter.art], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(|e| self.sqlite(e))
    }

    /// Conflicts resolved in the window and the mean time they stayed open.
    fn resolution(&self, filter: &Filter) -> Result<(u64, Option<f64>)> {
        self.conn
            .query_row(
                "SELECT COUNT(*), AVG(resolved_ms - opened_ms) FROM conflicts
                 WHERE resolved_ms IS NOT NULL AND resolved_ms >= ?1 AND (?2 IS NULL OR art = ?2)",
                params![since_ms(filter), filter.art],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<f64>>(1)?)),
            )
            .map(|(n, avg)| (u64::try_from(n).unwrap_or(0), avg.map(|ms| ms / 1000.0)))
            .map_err(|e| self.sqlite(e))
    }

    fn field_counts(&self, sql: &str, filter: &Filter) -> Result<Vec<FieldCount>> {
        self.pairs(sql, filter).map(|pairs| {
            pairs
                .into_iter()
                .map(|(field, count)| FieldCount { field, count })
                .collect()
        })
    }

    fn errors(&self, filter: &Filter) -> Result<Vec<ErrorCount>> {
        let sql = "SELECT COALESCE(error_code, 'unknown'), COUNT(*) AS n FROM operations
                   WHERE outcome = 'failed' AND started_ms >= ?1 AND (?2 IS NULL OR art = ?2)
                   GROUP BY 1 ORDER BY n DESC, 1";
        self.pairs(sql, filter).map(|pairs| {
            pairs
                .into_iter()
                .map(|(code, count)| ErrorCount { code, count })
                .collect()
        })
    }

    /// `(text, count)` rows of a query over the window.
    fn pairs(&self, sql: &str, filter: &Filter) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.sqlite(e))?;
        stmt.query_map(params![since_ms(filter), filter.art], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
        .map(|rows| {
            rows.into_iter()
                .map(|(t, n)| (t, u64::try_from(n).unwrap_or(0)))
                .collect()
        })
        .map_err(|e| self.sqlite(e))
    }
}

fn since_ms(filter: &Filter) -> i64 {
    filter.since.map_or(i64::MIN, millis)
}

fn teams(rows: &[Row], filter: &Filter) -> Vec<TeamStats> {
    let mut plans: Vec<&PlanKey> = rows.iter().map(|r| &r.plan).collect();
    plans.sort();
    plans.dedup();
    plans
        .into_iter()
        .map(|plan| {
            team(
                plan,
                rows.iter().filter(|r| &r.plan == plan).collect(),
                filter,
            )
        })
        .collect()
}

fn team(plan: &PlanKey, rows: Vec<&Row>, filter: &Filter) -> TeamStats {
    let n = |o: Outcome| rows.iter().filter(|r| r.outcome == o).count() as u64;
    let (succeeded, findings, failed) = (
        n(Outcome::Succeeded),
        n(Outcome::Findings),
        n(Outcome::Failed),
    );
    let syncs = rows.iter().filter(|r| r.kind.is_sync()).count() as u64;
    let start = filter
        .since
        .or_else(|| rows.first().map(|r| r.started))
        .unwrap_or(filter.now);
    let weeks = ((filter.now - start).num_seconds().max(0) as f64 / (7.0 * 86_400.0)).max(1.0);
    let last_ok = rows.iter().rposition(|r| r.outcome != Outcome::Failed);
    let streak = &rows[last_ok.map_or(0, |i| i + 1)..];
    TeamStats {
        plan: plan.clone(),
        syncs,
        syncs_per_week: syncs as f64 / weeks,
        operations: rows.len() as u64,
        succeeded,
        findings,
        failed,
        success_rate: if rows.is_empty() {
            0.0
        } else {
            (succeeded + findings) as f64 / rows.len() as f64
        },
        last_success: last_ok.map(|i| rows[i].started.to_rfc3339()),
        failure_streak: streak.len() as u64,
        failing_since: streak.first().map(|r| r.started.to_rfc3339()),
    }
}

fn weeks(rows: &[Row]) -> Vec<WeekStats> {
    let mut weeks: Vec<WeekStats> = Vec::new();
    for r in rows {
        let iso = r.started.iso_week();
        let name = format!("{}-W{:02}", iso.year(), iso.week());
        if weeks.last().is_none_or(|w| w.week != name) {
            weeks.push(WeekStats {
                week: name,
                syncs: 0,
                pulls: 0,
                failed: 0,
                conflicts_found: 0,
                conflict_rate: 0.0,
            });
        }
        let Some(w) = weeks.last_mut() else { continue };
        w.syncs += u64::from(r.kind.is_sync());
        w.pulls += u64::from(r.kind == OperationKind::Pull);
        w.failed += u64::from(r.outcome == Outcome::Failed);
        w.conflicts_found += r.conflicts_found;
    }
    for w in &mut weeks {
        if w.pulls > 0 {
            w.conflict_rate = w.conflicts_found as f64 / w.pulls as f64;
        }
    }
    weeks
}

/// The least-squares slope of the conflict rate over the weeks that had pulls, with the weeks
/// numbered by their distance from the first (a week without operations is a gap, not a zero).
fn trend(weeks: &[WeekStats]) -> Trend {
    let points: Vec<(f64, f64)> = weeks
        .iter()
        .filter(|w| w.pulls > 0)
        .filter_map(|w| Some((week_number(&w.week)?, w.conflict_rate)))
        .collect();
    let flat = Trend {
        direction: TrendDirection::Flat,
        slope_per_week: 0.0,
    };
    if points.len() < 2 {
        return flat;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx == 0.0 {
        return flat;
    }
    let slope = sxy / sxx;
    let direction = if slope >= FLAT {
        TrendDirection::Rising
    } else if slope <= -FLAT {
        TrendDirection::Falling
    } else {
        TrendDirection::Flat
    };
    Trend {
        direction,
        slope_per_week: slope,
    }
}

/// Weeks since 1970 of the Monday of `2026-W05`.
fn week_number(week: &str) -> Option<f64> {
    let (year, w) = week.split_once("-W")?;
    let monday = chrono::NaiveDate::from_isoywd_opt(
        year.parse().ok()?,
        w.parse().ok()?,
        chrono::Weekday::Mon,
    )?;
    Some((monday - chrono::NaiveDate::default()).num_days() as f64 / 7.0)
}

impl Store {
    fn traffic(&self, filter: &Filter) -> Result<Vec<ServiceTraffic>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT t.service, SUM(t.requests), SUM(t.retries), SUM(t.throttled),
                        SUM(t.waited_throttled_ms)
                 FROM traffic t JOIN operations o ON o.id = t.operation
                 WHERE o.started_ms >= ?1 AND (?2 IS NULL OR o.art = ?2)
                 GROUP BY t.service ORDER BY t.service",
            )
            .map_err(|e| self.sqlite(e))?;
        let sums = stmt
            .query_map(params![since_ms(filter), filter.art], |r| {
                let n = |i| r.get::<_, i64>(i).map(|v| u64::try_from(v).unwrap_or(0));
                Ok(ServiceTraffic {
                    service: r.get(0)?,
                    requests: n(1)?,
                    retries: n(2)?,
                    throttled: n(3)?,
                    waited_throttled_ms: n(4)?,
                    latest_quota: None,
                })
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| self.sqlite(e))?;
        sums.into_iter()
            .map(|mut s| {
                s.latest_quota = self.latest_quota(&s.service, filter)?;
                Ok(s)
            })
            .collect()
    }

    fn latest_quota(&self, service: &str, filter: &Filter) -> Result<Option<QuotaSeen>> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row(
                "SELECT q.quota_limit, q.remaining, q.reset, q.near_limit
                 FROM quota q JOIN operations o ON o.id = q.operation
                 WHERE q.service = ?3 AND o.started_ms >= ?1 AND (?2 IS NULL OR o.art = ?2)
                 ORDER BY o.started_ms DESC, o.id DESC LIMIT 1",
                params![since_ms(filter), filter.art, service],
                |r| {
                    Ok(QuotaSeen {
                        service: service.to_owned(),
                        limit: r
                            .get::<_, Option<i64>>(0)?
                            .and_then(|v| u64::try_from(v).ok()),
                        remaining: r
                            .get::<_, Option<i64>>(1)?
                            .and_then(|v| u64::try_from(v).ok()),
                        reset: r.get(2)?,
                        near_limit: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.sqlite(e))
    }
}
