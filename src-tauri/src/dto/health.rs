//! The sync health dashboard's data: the clone's metrics (`pi-metrics`, the numbers `tpcli plan
//! stats` prints) over the last weeks, in the shapes the charts draw and with the words the
//! screen shows.
//!
//! Wording only: what is counted and how is pi-metrics' business.

use pi_metrics::{Stats, TrendDirection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One ISO week of the dashboard's charts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HealthWeekDto {
    /// `2026-W05`.
    pub week: String,
    /// Pulls, pushes and resumes.
    pub syncs: u32,
    /// Operations of any kind that failed.
    pub failed: u32,
    pub pulls: u32,
    pub conflicts_found: u32,
    /// Conflicts found per pull.
    pub conflict_rate: f64,
}

/// One team's plan: its activity and health.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HealthTeamDto {
    pub team: String,
    pub release: String,
    pub syncs: u32,
    pub syncs_per_week: f64,
    pub operations: u32,
    pub failed: u32,
    /// 0 to 1.
    pub success_rate: f64,
    pub last_success: Option<String>,
    pub failure_streak: u32,
    pub failing_since: Option<String>,
}

/// A field and how often.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HealthCountDto {
    pub name: String,
    pub count: u32,
}

/// Requests to one service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HealthTrafficDto {
    /// `targetprocess`, `jira`.
    pub service: String,
    pub requests: u32,
    pub retries: u32,
    /// 429 and 503 answers.
    pub throttled: u32,
    /// The quota left in the newest rate-limit headers, in words; `None` when none were sent.
    pub quota: Option<String>,
}

/// The sync health dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncHealthDto {
    /// False when nothing was measured in this plan's folder yet.
    pub recorded: bool,
    /// `healthy`, `failing` or `none` (nothing measured).
    pub state: String,
    /// One sentence: is sync healthy, and since when not.
    pub headline: String,
    /// The window's start (RFC 3339).
    pub since: String,
    pub operations: u32,
    pub weeks: Vec<HealthWeekDto>,
    pub teams: Vec<HealthTeamDto>,
    /// `rising`, `falling` or `flat`.
    pub trend: String,
    /// The conflict trend in words.
    pub trend_words: String,
    pub conflicts_found: u32,
    pub conflicts_resolved: u32,
    pub conflicts_open: u32,
    /// Mean time to resolve a conflict, in words; `None` when none was resolved.
    pub mean_time_to_resolve: Option<String>,
    pub conflicts_by_field: Vec<HealthCountDto>,
    pub changes_by_field: Vec<HealthCountDto>,
    pub errors: Vec<HealthCountDto>,
    pub traffic: Vec<HealthTrafficDto>,
}

const NOTHING_MEASURED: &str = "Nothing measured yet: syncs run with tpcli or the watch service in this plan's folder are counted here.";
const STEADY: &str = "Conflicts per pull are steady.";

fn n(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// `45 seconds`, `12 minutes`, `3.5 hours`, `2.0 days`.
pub fn duration_words(secs: f64) -> String {
    if secs < 90.0 {
        format!("{} seconds", secs.round())
    } else if secs < 90.0 * 60.0 {
        format!("{} minutes", (secs / 60.0).round())
    } else if secs < 36.0 * 3600.0 {
        format!("{:.1} hours", secs / 3600.0)
    } else {
        format!("{:.1} days", secs / 86400.0)
    }
}

impl SyncHealthDto {
    /// Nothing measured yet, in a window from `since`.
    pub fn empty(since: String) -> Self {
        Self {
            recorded: false,
            state: "none".to_owned(),
            headline: NOTHING_MEASURED.to_owned(),
            since,
            operations: 0,
            weeks: Vec::new(),
            teams: Vec::new(),
            trend: "flat".to_owned(),
            trend_words: STEADY.to_owned(),
            conflicts_found: 0,
            conflicts_resolved: 0,
            conflicts_open: 0,
            mean_time_to_resolve: None,
            conflicts_by_field: Vec::new(),
            changes_by_field: Vec::new(),
            errors: Vec::new(),
            traffic: Vec::new(),
        }
    }

    pub fn of(stats: &Stats, recorded: bool) -> Self {
        let failing: Vec<&pi_metrics::TeamStats> = stats
            .teams
            .iter()
            .filter(|t| t.failure_streak > 0)
            .collect();
        let (state, headline) = if stats.operations == 0 {
            ("none", NOTHING_MEASURED.to_owned())
        } else if failing.is_empty() {
            let last = stats
                .teams
                .iter()
                .filter_map(|t| t.last_success.clone())
                .max()
                .unwrap_or_default();
            (
                "healthy",
                format!(
                    "Sync is healthy: the latest operation of every plan succeeded (last success {last})."
                ),
            )
        } else {
            let t = failing[0];
            (
                "failing",
                format!(
                    "Sync of {} ({}) is failing: {} failed in a row since {}.",
                    t.plan.team,
                    t.plan.release,
                    crate::words::count(t.failure_streak as usize, "operation", "operations"),
                    t.failing_since.clone().unwrap_or_default()
                ),
            )
        };
        let (trend, trend_words) = match stats.conflict_trend.direction {
            TrendDirection::Rising => (
                "rising",
                format!(
                    "Conflicts per pull are rising ({:+.2} a week).",
                    stats.conflict_trend.slope_per_week
                ),
            ),
            TrendDirection::Falling => (
                "falling",
                format!(
                    "Conflicts per pull are falling ({:+.2} a week).",
                    stats.conflict_trend.slope_per_week
                ),
            ),
            TrendDirection::Flat => ("flat", STEADY.to_owned()),
        };
        let counts = |v: &[pi_metrics::FieldCount]| {
            v.iter()
                .map(|c| HealthCountDto {
                    name: c.field.clone(),
                    count: n(c.count),
                })
                .collect()
        };
        Self {
            recorded,
            state: state.to_owned(),
            headline,
            since: stats.since.clone().unwrap_or_default(),
            operations: n(stats.operations),
            weeks: stats
                .weeks
                .iter()
                .map(|w| HealthWeekDto {
                    week: w.week.clone(),
                    syncs: n(w.syncs),
                    failed: n(w.failed),
                    pulls: n(w.pulls),
                    conflicts_found: n(w.conflicts_found),
                    conflict_rate: w.conflict_rate,
                })
                .collect(),
            teams: stats
                .teams
                .iter()
                .map(|t| HealthTeamDto {
                    team: t.plan.team.clone(),
                    release: t.plan.release.clone(),
                    syncs: n(t.syncs),
                    syncs_per_week: t.syncs_per_week,
                    operations: n(t.operations),
                    failed: n(t.failed),
                    success_rate: t.success_rate,
                    last_success: t.last_success.clone(),
                    failure_streak: n(t.failure_streak),
                    failing_since: t.failing_since.clone(),
                })
                .collect(),
            trend: trend.to_owned(),
            trend_words,
            conflicts_found: n(stats.conflicts_found),
            conflicts_resolved: n(stats.conflicts_resolved),
            conflicts_open: n(stats.conflicts_open),
            mean_time_to_resolve: stats.mean_time_to_resolve_secs.map(duration_words),
            conflicts_by_field: counts(&stats.conflicts_by_field),
            changes_by_field: counts(&stats.changes_by_field),
            errors: stats
                .errors
                .iter()
                .map(|e| HealthCountDto {
                    name: e.code.clone(),
                    count: n(e.count),
                })
                .collect(),
            traffic: stats
                .traffic
                .iter()
                .map(|t| HealthTrafficDto {
                    service: t.service.clone(),
                    requests: n(t.requests),
                    retries: n(t.retries),
                    throttled: n(t.throttled),
                    quota: t
                        .latest_quota
                        .as_ref()
                        .and_then(|q| match (q.remaining, q.limit) {
                            (Some(r), Some(l)) => Some(format!("{r} of {l} left")),
                            (Some(r), None) => Some(format!("{r} left")),
                            _ => None,
                        }),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::duration_words;

    #[test]
    fn durations_in_words() {
        assert_eq!(duration_words(42.0), "42 seconds");
        assert_eq!(duration_words(600.0), "10 minutes");
        assert_eq!(duration_words(3.0 * 3600.0), "3.0 hours");
        assert_eq!(duration_words(3.0 * 86400.0), "3.0 days");
    }
}
