//! The database's tables and the `PRAGMA user_version` migrator: each migration runs once, in
//! order, in its own transaction that also sets the version it brings the file to.

use rusqlite::Connection;

/// Migration `i` brings the database from version `i` to `i + 1`. Append only: a released
/// migration is never edited.
const MIGRATIONS: &[&str] = &[
    // 1: operations and what they measured.
    "CREATE TABLE operations (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        art TEXT NOT NULL,
        release TEXT NOT NULL,
        team TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        error_code TEXT,
        conflicts_found INTEGER NOT NULL,
        conflicts_resolved INTEGER NOT NULL,
        changes_pushed INTEGER NOT NULL
    );
    CREATE INDEX operations_started ON operations (started_ms);
    CREATE TABLE traffic (
        operation INTEGER NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
        service TEXT NOT NULL,
        requests INTEGER NOT NULL,
        retries INTEGER NOT NULL,
        throttled INTEGER NOT NULL,
        waited_ms INTEGER NOT NULL,
        waited_throttled_ms INTEGER NOT NULL
    );
    CREATE TABLE quota (
        operation INTEGER NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
        service TEXT NOT NULL,
        quota_limit INTEGER,
        remaining INTEGER,
        reset TEXT,
        near_limit INTEGER NOT NULL
    );
    CREATE TABLE changed_fields (
        operation INTEGER NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        changes INTEGER NOT NULL
    );
    CREATE TABLE conflicts (
        id INTEGER PRIMARY KEY,
        art TEXT NOT NULL,
        release TEXT NOT NULL,
        team TEXT NOT NULL,
        entity TEXT NOT NULL,
        field TEXT NOT NULL,
        opened_ms INTEGER NOT NULL,
        resolved_ms INTEGER
    );
    CREATE INDEX conflicts_open ON conflicts (release, team, entity, field, resolved_ms);",
    // 2: live sync's cycles (`plan watch`, `plan watch --art`).
    "CREATE TABLE watch_cycles (
        id INTEGER PRIMARY KEY,
        watch TEXT NOT NULL,
        step TEXT NOT NULL,
        art TEXT NOT NULL,
        release TEXT NOT NULL,
        team TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        committed INTEGER NOT NULL,
        pulled INTEGER NOT NULL,
        pushed INTEGER NOT NULL,
        conflicts INTEGER NOT NULL,
        held TEXT,
        error TEXT
    );
    CREATE INDEX watch_cycles_started ON watch_cycles (started_ms);",
];

/// The schema version this build writes.
pub(crate) fn known_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// The file's version before and after bringing it up to date; `Err(found)` when the file is
/// newer than this build (nothing is changed then).
pub(crate) fn migrate(conn: &mut Connection) -> rusqlite::Result<Result<(i64, i64), i64>> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known_version() {
        return Ok(Err(found));
    }
    let start = usize::try_from(found).unwrap_or(0);
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(start) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(
            None,
            "user_version",
            i64::try_from(i + 1).unwrap_or(i64::MAX),
        )?;
        tx.commit()?;
    }
    Ok(Ok((found, known_version())))
}
