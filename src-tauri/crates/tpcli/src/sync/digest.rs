//! `tpcli plan digest`: the team's plan changes over a period — the plan on the working branch
//! as it was at the start and as it is now, compared as before/after tables (`pi-notify`'s
//! `Digest`) — printed, or sent to the channels `digest` is routed to in `[notify]`, at most
//! once a day per team (`.git/pi-planner/digest-sent.json`).

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use pi_engine::Workspace;
use pi_model::{NotifyEvent, Plan};
use pi_notify::{Digest, DigestRecord, Event, Notifier, Row, Side};
use serde::Serialize;

use super::RepoArgs;
use crate::exit;

/// The team's plan changes since a date, as before/after tables of objectives and features
/// with their effort and status: printed, or sent with --send to the channels `digest` is
/// routed to under [notify.events] in pi-planner.toml.
///
/// The plan before is the last commit of the working branch at the start of the period (its
/// first version when it is younger); the plan after is the working branch now. With --send the
/// digest goes out at most once a day per team: a second send the same day sends nothing.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan digest                       # the last 24 hours
  tpcli plan digest --since 2026-03-02    # since the start of that day (UTC)
  tpcli plan digest --send                # to Slack and e-mail as [notify] routes `digest`

Exit codes: 0 printed, sent, already sent today or nothing changed; 1 the digest was not
delivered to any channel; 2 error (no `digest` route in [notify.events] with --send, ...).")]
pub struct DigestArgs {
    /// Start of the period: a date (YYYY-MM-DD, from 00:00 UTC) or an RFC 3339 time.
    /// Default: 24 hours ago.
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Send the digest to the channels [notify] routes `digest` to (once a day per team).
    #[arg(long)]
    send: bool,
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// `tpcli plan digest --json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DigestView {
    pub art: String,
    pub release: String,
    pub team: String,
    /// The plan's slug (`<release>/<team>`).
    pub plan: String,
    /// Start of the period (RFC 3339).
    pub since: String,
    /// The working-branch commit the plan before was read from.
    pub before_commit: String,
    pub objectives: Vec<RowView>,
    pub features: Vec<RowView>,
    /// Total objective effort before and after.
    pub total_before: f64,
    pub total_after: f64,
    /// What became of the digest.
    pub sent: Sending,
    /// With --send: why a channel did not get it (`slack: ...`, `email: ...`).
    pub failures: Vec<String>,
}

/// What `tpcli plan digest` did with the digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sending {
    /// Printed only (no --send).
    NotRequested,
    /// Delivered to at least one channel, and recorded for today.
    Sent,
    /// This team's digest was already sent today: nothing sent.
    AlreadySentToday,
    /// Nothing changed in the period: nothing sent.
    NothingChanged,
    /// No channel took it (see `failures`); not recorded, a later send tries again.
    NotDelivered,
}

/// One row of a before/after table.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RowView {
    pub objective: String,
    /// The feature's name; `null` in the objectives table.
    pub feature: Option<String>,
    /// `added`, `removed` or `changed`.
    pub change: String,
    pub before: Option<SideView>,
    pub after: Option<SideView>,
}

/// An item's values on one side.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SideView {
    pub name: String,
    /// Effort in points.
    pub effort: Option<f64>,
    pub status: Option<String>,
    /// Objectives only.
    pub committed: bool,
}

pub fn run(args: DigestArgs) -> Result<u8> {
    let ws = Workspace::open(&args.repo.repo)?;
    let now = Utc::now();
    let since = match &args.since {
        Some(text) => parse_since(text)?,
        None => now - chrono::Duration::hours(24),
    };
    let (before_commit, before) = plan_at(&ws, since)?;
    let head = ws.repo.resolve(&ws.names.working())?;
    let after = pi_reports::history::plan_at(&ws, head)?;
    let mut digest = Digest::between(&before, &after, since.date_naive(), now.date_naive());
    digest.plan = super::notify::plan_ref(&ws);
    let (sent, failures) = if args.send {
        send(&ws, &digest, now.date_naive())?
    } else {
        (Sending::NotRequested, Vec::new())
    };
    if args.json {
        let view = view(&digest, since, before_commit, sent, failures);
        crate::output::print_pretty(&view)?;
    } else {
        print_text(&digest, sent, &failures);
    }
    Ok(if sent == Sending::NotDelivered {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

/// `YYYY-MM-DD` (its start, UTC) or an RFC 3339 time.
fn parse_since(text: &str) -> Result<DateTime<Utc>> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("--since {text:?}: not a date (YYYY-MM-DD) or an RFC 3339 time"))
}

/// The plan on the working branch at `since`: its last commit then, else its first version.
fn plan_at(ws: &Workspace, since: DateTime<Utc>) -> Result<(String, Plan)> {
    let versions = ws
        .repo
        .history(&ws.names.working(), &ws.plan_file(), None)?;
    let then = versions
        .iter()
        .find(|c| c.commit_time.seconds <= since.timestamp())
        .or(versions.last())
        .context("the working branch has no version of the plan file")?;
    Ok((
        then.id.to_string(),
        pi_reports::history::plan_at(ws, then.id)?,
    ))
}

/// Sends the digest unless it went out today or nothing changed; records a delivery.
fn send(ws: &Workspace, digest: &Digest, today: NaiveDate) -> Result<(Sending, Vec<String>)> {
    let (config, _) = crate::files::load_config(&ws.plan_path()?, None)?;
    if config.notify.channels_of(NotifyEvent::Digest).is_empty() {
        bail!(
            "the digest goes nowhere: add `digest = [\"email\"]` (or \"slack\") under [notify.events] in pi-planner.toml"
        );
    }
    let path = record_path(ws);
    let mut record = DigestRecord::load(&path)?;
    let plan = &digest.plan.plan;
    if record.sent_on(plan, today) {
        return Ok((Sending::AlreadySentToday, Vec::new()));
    }
    if digest.is_empty() {
        return Ok((Sending::NothingChanged, Vec::new()));
    }
    let event = Event::Digest(Box::new(digest.clone()));
    // The SMTP transport is made and dropped on the runtime it sends with.
    let delivery = super::block_on(async {
        let notifier = Notifier::new(&config.notify, &pi_notify::EnvAndKeychain);
        notifier.send(&event).await
    })?;
    if delivery.sent == 0 {
        return Ok((Sending::NotDelivered, delivery.failures));
    }
    record.mark_and_save(plan, today, &path)?;
    Ok((Sending::Sent, delivery.failures))
}

/// `.git/pi-planner/digest-sent.json`.
fn record_path(ws: &Workspace) -> PathBuf {
    ws.repo
        .git_dir()
        .join("pi-planner")
        .join("digest-sent.json")
}

fn print_text(digest: &Digest, sent: Sending, failures: &[String]) {
    let title = digest.plan.title();
    if digest.is_empty() {
        println!("No plan changes in {title} since {}.", digest.since);
    } else {
        println!("Plan changes of {title} since {}:\n", digest.since);
        crate::term::line(pi_notify::render::digest_text(digest).trim_end());
    }
    match sent {
        Sending::NotRequested | Sending::NothingChanged => {}
        Sending::Sent => println!("\nSent to the digest's channels."),
        Sending::AlreadySentToday => {
            println!("\nThe digest of {title} was already sent today: nothing sent.");
        }
        Sending::NotDelivered => println!("\nNot sent: no channel took the digest."),
    }
    for f in failures {
        eprintln!("warning: digest not delivered: {}", crate::term::safe(f));
    }
}

fn view(
    digest: &Digest,
    since: DateTime<Utc>,
    before_commit: String,
    sent: Sending,
    failures: Vec<String>,
) -> DigestView {
    let p = &digest.plan;
    DigestView {
        art: p.art.clone(),
        release: p.release.clone(),
        team: p.team.clone(),
        plan: p.plan.clone(),
        since: since.to_rfc3339(),
        before_commit,
        objectives: digest.objectives.iter().map(row_view).collect(),
        features: digest.features.iter().map(row_view).collect(),
        total_before: digest.total_before,
        total_after: digest.total_after,
        sent,
        failures,
    }
}

fn row_view(row: &Row) -> RowView {
    let side = |s: &Side| SideView {
        name: s.name.clone(),
        effort: s.effort.map(pi_model::Effort::points),
        status: s.status.clone(),
        committed: s.committed,
    };
    RowView {
        objective: row.objective.clone(),
        feature: row.feature.clone(),
        change: row.change().to_owned(),
        before: row.before.as_ref().map(side),
        after: row.after.as_ref().map(side),
    }
}
