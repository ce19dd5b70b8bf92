//! The metrics database: opening (and migrating) it, recording an operation, retention.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::record::{ConflictKey, Operation, PlanKey};
use crate::{MetricsError, Result, schema};

/// The database's file name, in the repository's `.git/pi-planner/` folder (one per clone, every
/// plan of the clone in it).
pub const FILE_NAME: &str = "metrics.sqlite";

/// How long operations are kept when the configuration does not say.
pub const DEFAULT_RETENTION_DAYS: u32 = 180;

/// An open metrics database.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
}

impl Store {
    /// Opens the database at `path` (creating it and its folder when missing) and brings its
    /// tables up to date.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent() {
            // A folder that cannot be made shows as SQLite's own "unable to open" below.
            let _ = std::fs::create_dir_all(parent);
        }
        let sqlite = |source| MetricsError::Sqlite {
            path: path.to_owned(),
            source,
        };
        let mut conn = Connection::open(path).map_err(sqlite)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(sqlite)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(sqlite)?;
        if let Err(found) = schema::migrate(&mut conn).map_err(sqlite)? {
            return Err(MetricsError::TooNew {
                path: path.to_owned(),
                found,
                known: schema::known_version(),
            });
        }
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    /// The file's schema version.
    pub fn version(&self) -> Result<i64> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.sqlite(e))
    }

    pub(crate) fn sqlite(&self, source: rusqlite::Error) -> MetricsError {
        MetricsError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Records `op` and what it did to the stored conflicts: each conflict found opens (unless it
    /// is open already), each conflict resolved closes at the operation's end. Returns the
    /// operation's row id.
    pub fn record(&mut self, op: &Operation) -> Result<i64> {
        let path = self.path.clone();
        let sqlite = |source| MetricsError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sqlite)?;
        let id = insert_operation(&tx, op).map_err(sqlite)?;
        insert_details(&tx, id, op).map_err(sqlite)?;
        let ended = millis(op.ended_at());
        for c in &op.conflicts_found {
            open_conflict(&tx, &op.plan, c, ended).map_err(sqlite)?;
        }
        for c in &op.conflicts_resolved {
            close_conflict(&tx, &op.plan, c, ended).map_err(sqlite)?;
        }
        tx.commit().map_err(sqlite)?;
        Ok(id)
    }

    /// Removes operations and watch cycles that started before `cutoff`, and conflicts resolved
    /// before it.
    /// Returns how many operations went.
    pub fn prune(&mut self, cutoff: DateTime<Utc>) -> Result<usize> {
        let at = millis(cutoff);
        let path = self.path.clone();
        let sqlite = |source| MetricsError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sqlite)?;
        let gone = tx
            .execute("DELETE FROM operations WHERE started_ms < ?1", [at])
            .map_err(sqlite)?;
        tx.execute(
            "DELETE FROM conflicts WHERE resolved_ms IS NOT NULL AND resolved_ms < ?1",
            [at],
        )
        .map_err(sqlite)?;
        tx.execute("DELETE FROM watch_cycles WHERE started_ms < ?1", [at])
            .map_err(sqlite)?;
        tx.commit().map_err(sqlite)?;
        Ok(gone)
    }

    /// The conflicts still open for `plan`, with when each was found.
    pub fn open_conflicts(&self, plan: &PlanKey) -> Result<Vec<(ConflictKey, DateTime<Utc>)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT entity, field, opened_ms FROM conflicts
                 WHERE release = ?1 AND team = ?2 AND resolved_ms IS NULL ORDER BY opened_ms",
            )
            .map_err(|e| self.sqlite(e))?;
        let rows = stmt
            .query_map(params![plan.release, plan.team], |r| {
                Ok((
                    ConflictKey {
                        entity: r.get(0)?,
                        field: r.get(1)?,
                    },
                    r.get::<_, i64>(2)?,
                ))
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| self.sqlite(e))?;
        Ok(rows
            .into_iter()
            .map(|(k, ms)| (k, from_millis(ms)))
            .collect())
    }
}

fn insert_operation(tx: &Transaction<'_>, op: &Operation) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO operations (kind, art, release, team, started_ms, duration_ms, outcome,
             error_code, conflicts_found, conflicts_resolved, changes_pushed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            op.kind.as_str(),
            op.plan.art,
            op.plan.release,
            op.plan.team,
            millis(op.started_at),
            duration_ms(op.duration),
            op.outcome.as_str(),
            op.error_code,
            count(op.conflicts_found.len()),
            count(op.conflicts_resolved.len()),
            int(op.changes.iter().map(|c| c.count).sum::<u64>()),
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_details(tx: &Transaction<'_>, id: i64, op: &Operation) -> rusqlite::Result<()> {
    for t in &op.traffic {
        tx.execute(
            "INSERT INTO traffic (operation, service, requests, retries, throttled, waited_ms,
                 waited_throttled_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                t.service,
                int(t.requests),
                int(t.retries),
                int(t.throttled),
                duration_ms(t.waited),
                duration_ms(t.waited_throttled)
            ],
        )?;
    }
    for q in &op.quota {
        tx.execute(
            "INSERT INTO quota (operation, service, quota_limit, remaining, reset, near_limit)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                q.service,
                q.limit.map(int),
                q.remaining.map(int),
                q.reset,
                q.near_limit
            ],
        )?;
    }
    for c in &op.changes {
        tx.execute(
            "INSERT INTO changed_fields (operation, field, changes) VALUES (?1, ?2, ?3)",
            params![id, c.field, int(c.count)],
        )?;
    }
    Ok(())
}

fn open_conflict(
    tx: &Transaction<'_>,
    plan: &PlanKey,
    c: &ConflictKey,
    at: i64,
) -> rusqlite::Result<()> {
    let open: Option<i64> = tx
        .query_row(
            "SELECT id FROM conflicts WHERE release = ?1 AND team = ?2 AND entity = ?3
                 AND field = ?4 AND resolved_ms IS NULL",
            params![plan.release, plan.team, c.entity, c.field],
            |r| r.get(0),
        )
        .optional()?;
    if open.is_none() {
        tx.execute(
            "INSERT INTO conflicts (art, release, team, entity, field, opened_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![plan.art, plan.release, plan.team, c.entity, c.field, at],
        )?;
    }
    Ok(())
}

fn close_conflict(
    tx: &Transaction<'_>,
    plan: &PlanKey,
    c: &ConflictKey,
    at: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE conflicts SET resolved_ms = ?5 WHERE release = ?1 AND team = ?2 AND entity = ?3
             AND field = ?4 AND resolved_ms IS NULL",
        params![plan.release, plan.team, c.entity, c.field, at],
    )?;
    Ok(())
}

pub(crate) fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn duration_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// SQLite integers are signed; counts beyond `i64::MAX` do not occur and are capped.
fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
