//! Sync health metrics: every operation's numbers (outcome, duration, requests, retries, time
//! waited on 429/503, conflicts found and resolved, changes pushed by field, errors by code, the
//! quota headers the servers sent) kept in a local SQLite database beside the plan's journal,
//! with retention, and the stats an operator reads from them (`tpcli plan stats`).
//!
//! It deliberately knows nothing of the engine, git or HTTP: its callers (tpcli, the app) measure
//! around an engine call and hand it plain values; it reads no environment, prints nothing and
//! takes the clock as a parameter. It is not the team's shared record: outcomes and conflicts
//! also go into the op log in git, and this database is one clone's detailed view.

mod alerts;
mod error;
mod record;
mod schema;
mod stats;
mod store;
mod watch;

pub use alerts::{Alert, AlertKind, Thresholds};
pub use error::MetricsError;
pub use record::{
    ConflictKey, FieldCount, Operation, OperationKind, Outcome, PlanKey, QuotaSeen, Traffic,
};
pub use stats::{
    ErrorCount, Filter, ServiceTraffic, Stats, TeamStats, Trend, TrendDirection, WeekStats,
};
pub use store::{DEFAULT_RETENTION_DAYS, FILE_NAME, Store};
pub use watch::{CycleSeen, CycleStep, LATEST, WatchCycle, WatchKind, WatchPlanStats, WatchStats};

/// A result of this crate.
pub type Result<T, E = MetricsError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests;
