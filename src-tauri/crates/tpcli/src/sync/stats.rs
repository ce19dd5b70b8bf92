//! `tpcli plan stats`: sync health from the clone's metrics database.

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use pi_metrics::{Filter, Stats, Store};

use super::RepoArgs;
use crate::exit;

/// How healthy sync is: syncs per week and success rate per team (and since when a plan keeps
/// failing), conflicts per week and their trend, how long conflicts stay open, the fields that
/// change and conflict most, errors, requests and throttling.
///
/// Read from this clone's metrics (`.git/pi-planner/metrics.sqlite`), which every init, pull,
/// push, resume, rollback and resolve run from this clone (each plan's of sync-all too, and the
/// app's pulls and pushes) adds to; `[metrics] retention_days` in pi-planner.toml says how long
/// they are kept (default 180 days). `[alerts]` says when one of them raises an alert.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan stats
  tpcli plan stats --art \"Rocket ART\" --since 2026-01-01
  tpcli plan stats --markdown > sync-health.md
  tpcli plan stats --json

Exit codes: 0 no plan is failing now, 1 a plan's latest operation failed, 2 error.")]
pub struct StatsArgs {
    /// Only plans of this ART (as the plan's front matter names it).
    #[arg(long, value_name = "NAME")]
    art: Option<String>,
    /// Only operations from this day on (YYYY-MM-DD, UTC) or this instant (RFC 3339).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the stats as JSON.
    #[arg(long, conflicts_with = "markdown")]
    json: bool,
    /// Print the stats as a markdown report.
    #[arg(long)]
    markdown: bool,
}

pub fn run(args: StatsArgs) -> Result<u8> {
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    let path = super::meter::store_path(&ws);
    let store = Store::open(&path)?;
    let stats = store.stats(&Filter {
        art: args.art.clone(),
        since,
        now: Utc::now(),
    })?;
    if args.json {
        crate::output::print(&stats)?;
    } else {
        let text = render(&stats, args.markdown);
        print!("{text}");
    }
    Ok(if stats.teams.iter().any(|t| t.failure_streak > 0) {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

fn parse_since(text: &str) -> Result<DateTime<Utc>> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).context("midnight")?.and_utc());
    }
    match DateTime::parse_from_rfc3339(text) {
        Ok(at) => Ok(at.with_timezone(&Utc)),
        Err(_) => bail!(
            "--since {text:?} is not a date: write YYYY-MM-DD (e.g. 2026-01-31) or an RFC 3339 instant"
        ),
    }
}

/// The stats as text, or as markdown with `markdown`.
fn render(s: &Stats, markdown: bool) -> String {
    let mut out = Vec::new();
    let h = |title: &str| {
        if markdown {
            format!("\n## {title}\n")
        } else {
            format!("\n{title}:")
        }
    };
    let row = |cells: &[String]| {
        if markdown {
            format!("| {} |", cells.join(" | "))
        } else {
            format!("  {}", cells.join("  "))
        }
    };
    if markdown {
        out.push("# Sync health".to_owned());
    }
    out.push(format!(
        "{} operation(s) from {} to {}.",
        s.operations,
        s.since.as_deref().unwrap_or("the first one kept"),
        s.until
    ));
    out.push(h("Teams"));
    let head = [
        "plan",
        "syncs/week",
        "success",
        "failed",
        "last success",
        "failing since",
    ];
    out.extend(table(
        markdown,
        &head,
        s.teams.iter().map(|t| {
            vec![
                format!("{} / {} / {}", t.plan.art, t.plan.release, t.plan.team),
                format!("{:.1}", t.syncs_per_week),
                format!("{:.0}%", t.success_rate * 100.0),
                t.failed.to_string(),
                t.last_success.clone().unwrap_or_else(|| "never".into()),
                t.failing_since.clone().map_or_else(
                    || "-".into(),
                    |f| format!("{f} ({} failed)", t.failure_streak),
                ),
            ]
        }),
        &row,
    ));
    out.push(h("Conflicts per week"));
    out.extend(table(
        markdown,
        &["week", "pulls", "conflicts", "per pull"],
        s.weeks.iter().map(|w| {
            vec![
                w.week.clone(),
                w.pulls.to_string(),
                w.conflicts_found.to_string(),
                format!("{:.2}", w.conflict_rate),
            ]
        }),
        &row,
    ));
    out.push(format!(
        "Trend: {:?} ({:+.2} conflicts per pull a week). Found {}, resolved {}, open {}; mean time to resolve: {}.",
        s.conflict_trend.direction,
        s.conflict_trend.slope_per_week,
        s.conflicts_found,
        s.conflicts_resolved,
        s.conflicts_open,
        s.mean_time_to_resolve_secs.map_or_else(|| "-".into(), duration)
    ).to_lowercase().replacen("trend: ", "Trend: ", 1));
    out.push(h("Fields"));
    let fields = s
        .changes_by_field
        .iter()
        .map(|c| vec![c.field.clone(), "changed".into(), c.count.to_string()]);
    let conflicted = s
        .conflicts_by_field
        .iter()
        .map(|c| vec![c.field.clone(), "conflicted".into(), c.count.to_string()]);
    out.extend(table(
        markdown,
        &["field", "what", "count"],
        fields.chain(conflicted),
        &row,
    ));
    out.push(h("Errors"));
    out.extend(table(
        markdown,
        &["code", "count"],
        s.errors
            .iter()
            .map(|e| vec![e.code.clone(), e.count.to_string()]),
        &row,
    ));
    out.push(h("Requests"));
    out.extend(table(
        markdown,
        &[
            "service",
            "requests",
            "retries",
            "throttled",
            "waited",
            "quota left",
        ],
        s.traffic.iter().map(|t| {
            let quota = t
                .latest_quota
                .as_ref()
                .and_then(|q| Some(format!("{} of {}", q.remaining?, q.limit?)));
            vec![
                t.service.clone(),
                t.requests.to_string(),
                t.retries.to_string(),
                t.throttled.to_string(),
                duration(t.waited_throttled_ms as f64 / 1000.0),
                quota.unwrap_or_else(|| "-".into()),
            ]
        }),
        &row,
    ));
    out.extend(watch_cycles(&s.watch, markdown, &h, &row));
    out.join("\n") + "\n"
}

/// Live sync's cycles: per plan and watch, then the newest cycles that did something or failed.
fn watch_cycles(
    w: &pi_metrics::WatchStats,
    markdown: bool,
    h: &dyn Fn(&str) -> String,
    row: &dyn Fn(&[String]) -> String,
) -> Vec<String> {
    let ms = |v: f64| format!("{v:.0} ms");
    // A reason or an error may hold a `|`, which would end a markdown cell.
    let cell = |t: String| if markdown { t.replace('|', "\\|") } else { t };
    let mut out = vec![h("Live sync (plan watch cycles)")];
    out.extend(table(
        markdown,
        &[
            "plan",
            "watch",
            "cycles",
            "failed",
            "committed",
            "pulled",
            "pushed",
            "mean",
            "max",
            "last cycle",
            "last error",
        ],
        w.plans.iter().map(|p| {
            vec![
                format!("{} / {} / {}", p.plan.art, p.plan.release, p.plan.team),
                p.watch.as_str().to_owned(),
                p.cycles.to_string(),
                p.failed.to_string(),
                p.committed.to_string(),
                format!("{} in {} cycle(s)", p.changes_pulled, p.pulls),
                format!("{} in {} cycle(s)", p.operations_pushed, p.pushes),
                ms(p.mean_duration_ms),
                ms(p.max_duration_ms as f64),
                p.last_cycle.clone(),
                p.last_error.as_ref().map_or_else(
                    || "-".into(),
                    |e| {
                        cell(format!(
                            "{e} ({})",
                            p.last_error_at.as_deref().unwrap_or("?")
                        ))
                    },
                ),
            ]
        }),
        row,
    ));
    out.push(h("Latest watch cycles that did something"));
    out.extend(table(
        markdown,
        &["started", "plan", "watch", "step", "took", "what"],
        w.latest.iter().map(|c| {
            vec![
                c.started_at.clone(),
                format!("{} / {} / {}", c.plan.art, c.plan.release, c.plan.team),
                c.watch.as_str().to_owned(),
                c.step.as_str().to_owned(),
                ms(c.duration_ms as f64),
                cell(cycle_words(c)),
            ]
        }),
        row,
    ));
    out
}

/// What a cycle did, in words: `committed a saved edit; pulled 2 changes; failed: …`.
fn cycle_words(c: &pi_metrics::CycleSeen) -> String {
    let mut what = Vec::new();
    if c.committed {
        what.push("committed a saved edit".to_owned());
    }
    if c.pulled > 0 {
        what.push(format!("pulled {} change(s)", c.pulled));
    }
    if c.pushed > 0 {
        what.push(format!("pushed {} operation(s)", c.pushed));
    }
    if c.conflicts > 0 {
        what.push(format!("{} new conflict(s)", c.conflicts));
    }
    if let Some(held) = &c.held {
        what.push(format!("not pushing: {held}"));
    }
    if let Some(error) = &c.error {
        what.push(format!("failed: {error}"));
    }
    what.join("; ")
}

fn table(
    markdown: bool,
    head: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    row: &dyn Fn(&[String]) -> String,
) -> Vec<String> {
    let rows: Vec<String> = rows.map(|r| row(&r)).collect();
    if rows.is_empty() {
        return vec![if markdown {
            "None.".into()
        } else {
            "  none".into()
        }];
    }
    let head: Vec<String> = head.iter().map(|s| (*s).to_owned()).collect();
    let mut lines = vec![row(&head)];
    if markdown {
        lines.push(row(&vec!["---".to_owned(); head.len()]));
    }
    lines.extend(rows);
    lines
}

/// `secs` in the largest unit that reads well.
fn duration(secs: f64) -> String {
    match secs {
        s if s < 120.0 => format!("{s:.0}s"),
        s if s < 7200.0 => format!("{:.0}min", s / 60.0),
        s if s < 172_800.0 => format!("{:.1}h", s / 3600.0),
        s => format!("{:.1}d", s / 86_400.0),
    }
}
