//! `pi-targetprocess`: the Targetprocess REST API v1 client PI Planner syncs plans with.
//!
//! A typed client over reqwest ([`TpClient`]): reads every page, maps TP's wire JSON to
//! `pi-model` at the edge (wire structs stay private), converts rich text HTML ↔ markdown,
//! parses TP dates, resolves state names and writes with idempotency markers and
//! optimistic-lock versions. Every call goes through the shared HTTP layer (`pi-http`: bounded
//! concurrency, a client-side rate limit, retries with back-off for requests safe to repeat,
//! `Retry-After`, quota and counters, a tracing span per request); what is TP's own is here: the
//! token in the query, `format=json`, TP's error `Message` and `Next`-link paging. Credentials
//! never appear in errors, logs or `Debug` output.
//!
//! It deliberately does not decide what to write (that is the sync engine), keep state across
//! runs, read the environment, or install a tracing subscriber.

mod body;
mod changes;
mod client;
pub mod config;
pub mod criteria;
pub mod dates;
mod discover;
pub mod error;
mod http;
mod links;
mod mapping;
mod model;
mod notices;
mod pages_ahead;
mod paging;
mod probe;
pub mod query;
pub mod redact;
mod releases;
mod shared;
pub mod text;
mod users;
mod wire;
mod write;

pub use changes::Changed;
pub use client::TpClient;
pub use config::{Credentials, Limits, RetryPolicy, TpConfig};
pub use discover::{
    Discovery, Finding as DiscoveryFinding, FindingSource, SchemaCheck, SchemaConflict,
    SchemaMerge, SchemaMergeError,
};
pub use error::{ConfigError, TpError};
pub use mapping::plan_from_answers;
pub use model::{
    BulkItem, Created, FieldChange, IdempotencyMarker, Kind, Placement, ReleasePeriod, RemotePlan,
    Summary, SyncVersion, TeamIteration, Written, WrittenEntity,
};
pub use notices::{Notice, NoticeKind};
pub use shared::ReadMember;
pub use users::{OwnerError, User, find_owner};

/// `TeamPIObjectives` → `TeamPIObjective` (TP's `EntityType.Name` is the singular).
pub(crate) fn query_type_name(resource: &str) -> String {
    if let Some(stem) = resource.strip_suffix("ies") {
        format!("{stem}y")
    } else {
        resource.strip_suffix('s').unwrap_or(resource).to_owned()
    }
}
