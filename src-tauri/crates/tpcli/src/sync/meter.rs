//! The metrics of every sync operation tpcli runs (pull, push, resume, rollback, resolve),
//! measured around the engine call and kept in the clone's metrics database
//! (`.git/pi-planner/metrics.sqlite`, `pi-metrics`): outcome, duration, error code, the
//! Targetprocess client's requests, retries, waits and quota headers, the conflicts the
//! operation opened and closed, and the field changes it wrote (read from the op log entries it
//! appended). Measuring never changes an operation's result: a metrics failure is a warning.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use pi_engine::Workspace;
use pi_engine::oplog::{self, OpKind};
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
    seen.traffic.push(Traffic {
        service: service.clone(),
        requests: c.requests,
        retries: c.retries,
        throttled: c.throttled,
        waited: c.waited,
        waited_throttled: c.waited_throttled,
    });
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
        plan,
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
    let days = retention_days(&ws);
    store.prune(Utc::now() - chrono::Duration::days(i64::from(days)))?;
    Ok(())
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

/// `[metrics] retention_days` of the repository's `pi-planner.toml`, else the default.
fn retention_days(ws: &Workspace) -> u32 {
    ws.plan_path()
        .context("the plan file")
        .and_then(|plan| crate::files::load_config(&plan, None))
        .map_or(pi_metrics::DEFAULT_RETENTION_DAYS, |(config, _)| {
            config.metrics.retention_days
        })
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
