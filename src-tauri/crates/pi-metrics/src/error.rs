//! What can go wrong with the metrics database.

use std::path::PathBuf;

/// A refusal of the metrics store: the database could not be opened, is from a newer version,
/// or holds a value this version cannot read.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// SQLite refused (the file is not a database, the disk is full, ...).
    #[error("metrics database {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// The database was written by a newer PI Planner with tables this one does not know.
    #[error(
        "metrics database {path} is at schema version {found}, newer than this version of PI Planner knows ({known}); update PI Planner, or move the file away to start a new one"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// A stored value that does not read back (edited by hand, or damaged).
    #[error("metrics database {path}: unreadable {what} {value:?}")]
    Unreadable {
        path: PathBuf,
        what: &'static str,
        value: String,
    },
}
