//! What a train's watch knows of itself, for `/healthz` and `/metrics`: per team the cycles by
//! outcome, the failure streak, the last success and the conflicts; for the one Targetprocess
//! client, its requests, retries, 429/503 answers and the quota it was last told. Fixed size:
//! one entry per team, counters only.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One team's numbers.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TeamHealth {
    pub team: String,
    /// The team's folder name (its slug): the `team` label of every metric.
    pub slug: String,
    pub succeeded: u64,
    pub failed: u64,
    /// Cycles failed in a row since the last success.
    pub failure_streak: u32,
    pub last_success: Option<DateTime<Utc>>,
    /// The last failure's error, until a cycle succeeds.
    pub last_error: Option<String>,
    pub conflicts_open: u64,
    /// Conflicts found since the watch started (each told once).
    pub conflicts_found: u64,
    pub pushes: u64,
    pub pulls: u64,
    /// Whether the team's plan is set up and its first step taken; until then `last_error`
    /// says why not.
    pub set_up: bool,
}

/// The Targetprocess client's counters (summed over the clients a reload replaced).
#[derive(Debug, Clone, Copy, Default)]
pub struct Traffic {
    pub requests: u64,
    pub retries: u64,
    pub throttled: u64,
    pub waited_throttled_secs: f64,
    pub quota_limit: Option<u64>,
    pub quota_remaining: Option<u64>,
}

#[derive(Debug, Default)]
struct Inner {
    teams: Vec<TeamHealth>,
    traffic: Traffic,
    reloads: u64,
    reload_failures: u64,
}

/// Shared between the team loops and the HTTP server.
#[derive(Debug, Clone, Default)]
pub struct Board {
    inner: Arc<Mutex<Inner>>,
    /// A team failing this many cycles in a row makes `/healthz` answer 503.
    pub unhealthy_after: u32,
}

/// The health document and whether it is healthy.
#[derive(Debug, Serialize)]
pub struct Health {
    pub healthy: bool,
    pub unhealthy_after: u32,
    pub teams: Vec<TeamHealth>,
}

impl Board {
    pub fn new(unhealthy_after: u32) -> Self {
        Self {
            inner: Arc::default(),
            unhealthy_after,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a team; its index for [`Board::team`].
    pub fn add(&self, team: &str, slug: &str) -> usize {
        let mut inner = self.lock();
        inner.teams.push(TeamHealth {
            team: team.to_owned(),
            slug: slug.to_owned(),
            ..TeamHealth::default()
        });
        inner.teams.len() - 1
    }

    /// Changes team `i`'s numbers.
    pub fn team(&self, i: usize, change: impl FnOnce(&mut TeamHealth)) {
        if let Some(t) = self.lock().teams.get_mut(i) {
            change(t);
        }
    }

    /// A cycle of team `i` succeeded at `at`.
    pub fn succeeded(&self, i: usize, at: DateTime<Utc>) {
        self.team(i, |t| {
            t.succeeded += 1;
            t.failure_streak = 0;
            t.last_success = Some(at);
            t.last_error = None;
        });
    }

    /// A cycle of team `i` failed with `error`.
    pub fn failed(&self, i: usize, error: String) {
        self.team(i, |t| {
            t.failed += 1;
            t.failure_streak = t.failure_streak.saturating_add(1);
            t.last_error = Some(error);
        });
    }

    pub fn set_traffic(&self, traffic: Traffic) {
        self.lock().traffic = traffic;
    }

    pub fn reloaded(&self, ok: bool) {
        let mut inner = self.lock();
        if ok {
            inner.reloads += 1;
        } else {
            inner.reload_failures += 1;
        }
    }

    pub fn health(&self) -> Health {
        let teams = self.lock().teams.clone();
        Health {
            healthy: teams
                .iter()
                .all(|t| t.failure_streak < self.unhealthy_after),
            unhealthy_after: self.unhealthy_after,
            teams,
        }
    }

    /// The OpenMetrics text exposition of every number (ends with `# EOF`).
    pub fn metrics(&self) -> String {
        let inner = self.lock();
        let mut out = String::new();
        write_teams(&mut out, &inner.teams);
        write_traffic(&mut out, &inner.traffic);
        family(
            &mut out,
            "pi_watch_config_reloads",
            "counter",
            "SIGHUP reloads of pi-planner.toml by result.",
        );
        sample(
            &mut out,
            "pi_watch_config_reloads_total",
            "result=\"ok\"",
            inner.reloads as f64,
        );
        sample(
            &mut out,
            "pi_watch_config_reloads_total",
            "result=\"failed\"",
            inner.reload_failures as f64,
        );
        out.push_str("# EOF\n");
        out
    }
}

/// A family of one value per team: name, help, the value.
type PerTeam<T> = (&'static str, &'static str, fn(&TeamHealth) -> T);

fn write_teams(out: &mut String, teams: &[TeamHealth]) {
    let label = |t: &TeamHealth| format!("team=\"{}\"", escape(&t.slug));
    family(
        out,
        "pi_watch_syncs",
        "counter",
        "Watch cycles of each team by outcome.",
    );
    for t in teams {
        let l = label(t);
        sample(
            out,
            "pi_watch_syncs_total",
            &format!("{l},outcome=\"succeeded\""),
            t.succeeded as f64,
        );
        sample(
            out,
            "pi_watch_syncs_total",
            &format!("{l},outcome=\"failed\""),
            t.failed as f64,
        );
    }
    let gauges: [PerTeam<f64>; 2] = [
        (
            "pi_watch_failure_streak",
            "Cycles failed in a row since the last success.",
            |t| f64::from(t.failure_streak),
        ),
        (
            "pi_watch_conflicts_open",
            "Conflicts stored by the plan's last pull.",
            |t| t.conflicts_open as f64,
        ),
    ];
    for (name, help, value) in gauges {
        family(out, name, "gauge", help);
        for t in teams {
            sample(out, name, &label(t), value(t));
        }
    }
    let name = "pi_watch_last_success_timestamp_seconds";
    family(
        out,
        name,
        "gauge",
        "Unix time of the team's last successful cycle.",
    );
    for t in teams {
        if let Some(at) = t.last_success {
            sample(out, name, &label(t), at.timestamp_millis() as f64 / 1000.0);
        }
    }
    let counters: [PerTeam<u64>; 3] = [
        (
            "pi_watch_conflicts_found",
            "Conflicts found by the team's pulls.",
            |t| t.conflicts_found,
        ),
        (
            "pi_watch_pulls",
            "Pulls that merged a Targetprocess change.",
            |t| t.pulls,
        ),
        (
            "pi_watch_pushes",
            "Pushes sent (completed interrupted ones included).",
            |t| t.pushes,
        ),
    ];
    for (name, help, value) in counters {
        family(out, name, "counter", help);
        for t in teams {
            sample(out, &format!("{name}_total"), &label(t), value(t) as f64);
        }
    }
}

fn write_traffic(out: &mut String, t: &Traffic) {
    let service = "service=\"targetprocess\"";
    let counters: [(&str, &str, f64); 4] = [
        (
            "pi_tp_requests",
            "Requests put on the wire (every attempt).",
            t.requests as f64,
        ),
        (
            "pi_tp_retries",
            "Attempts that retried an earlier one.",
            t.retries as f64,
        ),
        ("pi_tp_throttled", "Answers 429 or 503.", t.throttled as f64),
        (
            "pi_tp_throttled_wait_seconds",
            "Time waited after 429 or 503.",
            t.waited_throttled_secs,
        ),
    ];
    for (name, help, value) in counters {
        family(out, name, "counter", help);
        sample(out, &format!("{name}_total"), service, value);
    }
    let gauges = [
        (
            "pi_tp_quota_limit",
            "Requests allowed in the window, as the server last said.",
            t.quota_limit,
        ),
        (
            "pi_tp_quota_remaining",
            "Requests left in the window, as the server last said.",
            t.quota_remaining,
        ),
    ];
    for (name, help, value) in gauges {
        family(out, name, "gauge", help);
        if let Some(v) = value {
            sample(out, name, service, v as f64);
        }
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# TYPE {name} {kind}\n# HELP {name} {help}");
}

fn sample(out: &mut String, name: &str, labels: &str, value: f64) {
    let _ = writeln!(out, "{name}{{{labels}}} {value}");
}

/// A label value as OpenMetrics writes it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
#[path = "board_tests.rs"]
mod tests;
