//! The journal's schema: the tables a push is recorded in, created in a new file and upgraded
//! in place in a file an earlier version wrote (`PRAGMA user_version` counts the migrations
//! applied), and the durability settings every connection runs with.

use rusqlite::Connection;

use super::JournalError;

/// Schema versions, applied in order (`PRAGMA user_version` holds how many are applied).
pub(super) const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE pushes (
        id INTEGER PRIMARY KEY,
        plan TEXT NOT NULL,
        base_commit TEXT NOT NULL,
        started_at TEXT NOT NULL,
        actor TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE TABLE ops (
        push_id INTEGER NOT NULL REFERENCES pushes(id),
        seq INTEGER NOT NULL,
        op TEXT NOT NULL,
        marker TEXT NOT NULL,
        state TEXT NOT NULL,
        tp_id INTEGER,
        error TEXT,
        PRIMARY KEY (push_id, seq)
    );
",
    "ALTER TABLE pushes ADD COLUMN rollback_of TEXT;",
    "
    CREATE TABLE planned_versions (
        push_id INTEGER NOT NULL REFERENCES pushes(id),
        tp_id INTEGER NOT NULL,
        modify_date TEXT,
        entity_version INTEGER,
        PRIMARY KEY (push_id, tp_id)
    );
",
];

/// Sets the connection's durability and brings the schema up to date; refuses a file written
/// by a newer version.
pub(super) fn prepare(conn: &Connection) -> Result<(), JournalError> {
    // FULL: a row we wrote survives a power cut before we send the request it describes.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let version = usize::try_from(version).unwrap_or(usize::MAX);
    if version > MIGRATIONS.len() {
        return Err(JournalError::Corrupt(format!(
            "written by a newer PI Planner (schema {version})"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(
            None,
            "user_version",
            i64::try_from(i + 1).unwrap_or(i64::MAX),
        )?;
        tx.commit()?;
    }
    Ok(())
}
