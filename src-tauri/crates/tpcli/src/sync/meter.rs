//! The metrics of every sync operation tpcli runs (init, pull, push, resume, rollback,
//! resolve, and each plan's pull and push of `sync-all`),
//! measured around the engine call and kept in the clone's metrics database
//! (`.git/pi-planner/metrics.sqlite`, `pi-metrics`): outcome, duration, error code, the
//! Targetprocess and Jira clients' requests, retries, waits and quota headers, the conflicts the
//! operation opened and closed, and the field changes it wrote (read from the op log entries it
//! appended). Measuring never changes an operation's result: a metrics failure is a warning.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use pi_engine::oplog::{self, OpKind};
use pi_engine::{PlanSync, Workspace};
use pi_metrics::{
    ConflictKey, FieldCount, Operation, OperationKind, Outcome, PlanKey, QuotaSeen, Store, Traffic,
};

use crate::exit;

/// What the running operation opened and used.
#[derive(Debug, Default)]
struct Seen {
    /// The plan repository's working folder.
    dir: Option<PathBuf>,
    /// Op log entries before the operation.
    oplog_len: usize,
    traffic: Vec<Traffic>,
    quota: Vec<QuotaSeen>,
}

static SEEN: Mutex<Option<Seen>> = Mutex::new(None);

fn seen() -> MutexGuard<'static, Option<Seen>> {
    SEEN.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The operation works on the plan of `ws`.
pub fn opened(ws: &Workspace) {
    let oplog_len = oplog::entries(&ws.repo, &ws.names.oplog_ref()).map_or(0, |e| e.len());
    let mut seen = seen();
    let seen = seen.get_or_insert_with(Seen::default);
    seen.dir = ws.repo.workdir().map(Path::to_path_buf);
    seen.oplog_len = oplog_len;
}

/// The operation is done with its Targetprocess client: its counters and last quota headers.
pub fn tp_used(tp: &pi_targetprocess::TpClient) {
    let (c, q) = (tp.counters(), tp.quota());
    let service = "targetprocess".to_owned();
    let mut seen = seen();
    let seen = seen.get_or_insert_with(Seen::default);
    add_traffic(&mut seen.traffic, &service, &c);
    if q.limit.is_some() || q.remaining.is_some() || q.near_limit {
        seen.quota.push(QuotaSeen {
            service,
            limit: q.limit,
            remaining: q.remaining,
            reset: q.reset,
            near_limit: q.near_limit,
        });
    }
}

/// The operation is done with its Jira client (`[jira]` set and credentials found): its
/// counters and last quota headers, filed as the service `jira`.
pub fn jira_used(access: &super::jira::Access) {
    let super::jira::Access::Client(jira) = access else {
        return;
    };
    let (c, q) = (jira.counters(), jira.quota());
    let mut seen = seen();
    let seen = seen.get_or_insert_with(Seen::default);
    add_traffic(&mut seen.traffic, "jira", &c);
    if q.limit.is_some() || q.remaining.is_some() || q.near_limit {
        seen.quota.push(QuotaSeen {
            service: "jira".to_owned(),
            limit: q.limit,
            remaining: q.remaining,
            reset: q.reset,
            near_limit: q.near_limit,
        });
    }
}

/// Adds a client's counters to the traffic of `service` (a train's several Jira clients add up).
fn add_traffic(traffic: &mut Vec<Traffic>, service: &str, c: &pi_http::Counters) {
    let at = match traffic.iter().position(|t| t.service == service) {
        Some(at) => at,
        None => {
            traffic.push(Traffic {
                service: service.to_owned(),
                ..Traffic::default()
            });
            traffic.len() - 1
        }
    };
    let t = &mut traffic[at];
    t.requests += c.requests;
    t.retries += c.retries;
    t.throttled += c.throttled;
    t.waited += c.waited;
    t.waited_throttled += c.waited_throttled;
}

/// Files the clients' counters when it goes out of scope, however the command ends (an init
/// or a pull's Jira access, which no `Session` holds).
pub struct Used<'a> {
    pub tp: Option<&'a pi_targetprocess::TpClient>,
    pub jira: &'a [super::jira::Access],
}

impl Drop for Used<'_> {
    fn drop(&mut self) {
        if let Some(tp) = self.tp {
            tp_used(tp);
        }
        for access in self.jira {
            jira_used(access);
        }
    }
}

/// Runs the command `run` of the operation `kind` and records its metrics.
pub fn measure(
    kind: OperationKind,
    run: impl FnOnce() -> anyhow::Result<u8>,
) -> anyhow::Result<u8> {
    *seen() = None;
    let started_at = Utc::now();
    let clock = Instant::now();
    let result = run();
    let duration = clock.elapsed();
    let Some(seen) = seen().take() else {
        return result;
    };
    if let Some(dir) = &seen.dir {
        let outcome = outcome_of(&result);
        if let Err(e) = record(dir, kind, &seen, started_at, duration, outcome) {
            tracing::warn!(error = %format!("{e:#}"), "the operation's metrics were not recorded");
        }
    }
    result
}

/// The length of the op log of the plan in `dir` before a train's sync (0 for a folder the
/// sync sets up itself).
pub fn oplog_len(dir: &Path) -> usize {
    Workspace::open(dir)
        .ok()
        .and_then(|ws| oplog::entries(&ws.repo, &ws.names.oplog_ref()).ok())
        .map_or(0, |e| e.len())
}

/// One plan of a train's sync: its folder, its op log's length before, what the sync did.
pub type TrainPlan<'a> = (&'a Path, usize, &'a PlanSync);

/// Records each plan's pull and push of a train's sync (`plan sync-all`) as the plan's own
/// operations, each with the train's wall clock as its duration (the plans ran side by side).
/// The shared clients' requests are filed once, under the first plan's pull, so that the
/// totals per service stay true.
pub fn train_synced(
    plans: &[TrainPlan<'_>],
    tp: &pi_targetprocess::TpClient,
    jira: &[super::jira::Access],
    started_at: DateTime<Utc>,
    duration: Duration,
) {
    *seen() = None;
    tp_used(tp);
    for access in jira {
        jira_used(access);
    }
    let shared = seen().take().unwrap_or_default();
    for (i, (dir, before, sync)) in plans.iter().enumerate() {
        let pull = Seen {
            dir: Some(dir.to_path_buf()),
            // The pull writes nothing to Targetprocess: the push's entries are the push's.
            oplog_len: usize::MAX,
            traffic: if i == 0 {
                shared.traffic.clone()
            } else {
                Vec::new()
            },
            quota: if i == 0 {
                shared.quota.clone()
            } else {
                Vec::new()
            },
        };
        let outcome = match &sync.pull {
            Ok(p) if p.conflicts.is_empty() => (Outcome::Succeeded, None),
            Ok(_) => (Outcome::Findings, None),
            Err(e) => engine_outcome(e),
        };
        let mut runs = vec![(OperationKind::Pull, pull, outcome)];
        if let Some(push) = &sync.push {
            let outcome = match push {
                Ok(o) if super::push::code(o) == exit::OK => (Outcome::Succeeded, None),
                Ok(_) => (Outcome::Findings, None),
                Err(e) => engine_outcome(e),
            };
            let seen = Seen {
                dir: Some(dir.to_path_buf()),
                oplog_len: *before,
                ..Seen::default()
            };
            runs.push((OperationKind::Push, seen, outcome));
        }
        for (kind, seen, outcome) in runs {
            if let Err(e) = record(dir, kind, &seen, started_at, duration, outcome) {
                tracing::warn!(error = %format!("{e:#}"), plan = %dir.display(), "the operation's metrics were not recorded");
            }
        }
    }
}

/// A train's plan ended with `e`: a finding (a teammate's push, one to resume) or a failure.
fn engine_outcome(e: &pi_engine::EngineError) -> (Outcome, Option<String>) {
    let code = crate::errors::engine_code(e);
    match crate::errors::find(code) {
        Some(c) if c.exit == exit::FINDINGS => (Outcome::Findings, None),
        _ => (Outcome::Failed, Some(code.to_owned())),
    }
}

fn outcome_of(result: &anyhow::Result<u8>) -> (Outcome, Option<String>) {
    match result {
        Ok(code) if *code == exit::OK => (Outcome::Succeeded, None),
        Ok(_) => (Outcome::Findings, None),
        Err(e) if crate::errors::triage(e).0 == exit::FINDINGS => (Outcome::Findings, None),
        Err(e) => (Outcome::Failed, Some(error_code(e))),
    }
}

/// A stable code for an error: its entry in `errors::CODES` (docs/operations/troubleshooting.md).
fn error_code(err: &anyhow::Error) -> String {
    crate::errors::code_of(err).to_owned()
}

fn record(
    dir: &Path,
    kind: OperationKind,
    seen: &Seen,
    started_at: DateTime<Utc>,
    duration: Duration,
    (outcome, error_code): (Outcome, Option<String>),
) -> anyhow::Result<()> {
    let ws = Workspace::open(dir)?;
    let plan = plan_key(&ws);
    let mut store = Store::open(&store_path(&ws))?;
    let stored: BTreeSet<ConflictKey> = pi_engine::state::load_conflicts(&ws.local_dir()?)?
        .iter()
        .map(|c| ConflictKey {
            entity: c.entity.to_string(),
            field: c.field.map(|f| f.to_string()).unwrap_or_default(),
        })
        .collect();
    let open: BTreeSet<ConflictKey> = store
        .open_conflicts(&plan)?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    store.record(&Operation {
        kind,
        plan: plan.clone(),
        started_at,
        duration,
        outcome,
        error_code,
        traffic: seen.traffic.clone(),
        quota: seen.quota.clone(),
        conflicts_found: stored.difference(&open).cloned().collect(),
        conflicts_resolved: open.difference(&stored).cloned().collect(),
        changes: changes_written(&ws, seen.oplog_len)?,
    })?;
    let config = repo_config(&ws);
    let alerts = raised(&store, &plan, &thresholds(&config))?;
    if !alerts.is_empty() {
        super::notify::alerts(&ws, &alerts);
    }
    let days = config.metrics.retention_days;
    store.prune(Utc::now() - chrono::Duration::days(i64::from(days)))?;
    Ok(())
}

/// The alerts (`[alerts]`) the plan's latest operation or watch cycle, just recorded in
/// `store`, raised, each told in an `alert:` line; the caller sends them to the `alert` event's
/// channels.
pub fn raised(
    store: &Store,
    plan: &PlanKey,
    thresholds: &pi_metrics::Thresholds,
) -> anyhow::Result<Vec<pi_metrics::Alert>> {
    let alerts = store.alerts(plan, thresholds, Utc::now())?;
    for a in &alerts {
        eprintln!("alert: {}", crate::term::safe(&a.message()));
    }
    Ok(alerts)
}

/// `[alerts]` as the metrics store takes it.
pub fn thresholds(config: &pi_model::RepoConfig) -> pi_metrics::Thresholds {
    let alerts = &config.alerts;
    pi_metrics::Thresholds {
        failure_streak: alerts.failure_streak,
        conflict_spike: alerts.conflict_spike,
        conflict_window: chrono::Duration::hours(i64::from(alerts.conflict_window_hours)),
    }
}

/// The clone's metrics database, beside the plans' journals.
pub fn store_path(ws: &Workspace) -> PathBuf {
    ws.repo
        .git_dir()
        .join("pi-planner")
        .join(pi_metrics::FILE_NAME)
}

/// The plan's ART, release and team names, or the branch's slugs when the snapshot's front
/// matter does not read.
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

/// Field changes in the push and rollback entries the operation appended to the op log.
fn changes_written(ws: &Workspace, before: usize) -> anyhow::Result<Vec<FieldCount>> {
    let entries = oplog::entries(&ws.repo, &ws.names.oplog_ref())?;
    let mut by_field: BTreeMap<String, u64> = BTreeMap::new();
    for entry in entries.iter().skip(before) {
        if matches!(entry.kind, OpKind::Push | OpKind::Rollback) {
            for w in &entry.writes {
                let field = w
                    .field
                    .map_or_else(|| "(whole item)".to_owned(), |f| f.to_string());
                *by_field.entry(field).or_default() += 1;
            }
        }
    }
    Ok(by_field
        .into_iter()
        .map(|(field, count)| FieldCount { field, count })
        .collect())
}

/// The repository's `pi-planner.toml` (`[metrics]`, `[alerts]`), else the defaults.
pub fn repo_config(ws: &Workspace) -> pi_model::RepoConfig {
    ws.plan_path()
        .context("the plan file")
        .and_then(|plan| crate::files::load_config(&plan, None))
        .map_or_else(|_| pi_model::RepoConfig::default(), |(config, _)| config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_name_the_variant_and_none_of_its_values() {
        let auth = anyhow::Error::from(pi_engine::EngineError::Tp(
            pi_targetprocess::TpError::Auth {
                method: "GET".into(),
                path: "/api/v1/Teams?access_token=secret".into(),
                status: 401,
            },
        ));
        assert_eq!(error_code(&auth), "targetprocess_auth");
        let engine = anyhow::Error::from(pi_engine::EngineError::NoTargetprocessIds);
        assert_eq!(error_code(&engine), "no_targetprocess_ids");
        assert_eq!(error_code(&anyhow::anyhow!("no URL")), "other");
        assert_eq!(outcome_of(&Err(engine)).0, Outcome::Failed);
        assert_eq!(outcome_of(&Ok(exit::FINDINGS)).0, Outcome::Findings);
    }
}
