//! The operation log: every mutation (init, pull, push, resolve, rollback) as an attributed
//! entry with the before and after value of every Targetprocess field it wrote. Kept in git under
//! `refs/pi/oplog/<plan>` so the whole team shares it; never rewritten.

use pi_git::{PlanRepo, Stamp};
use pi_model::merge::{Conflict, FieldValue};
use pi_model::{EntityId, Field};
use serde::{Deserialize, Serialize};

use crate::error::{EngineError, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    Init,
    Pull,
    Push,
    /// A push that ended with an error before it completed: no field is listed as written.
    PushFailed,
    Resolve,
    Rollback,
    /// A push let through with validation errors; the summary names them and ends with the
    /// reason given (see `push::override_reason`).
    ValidationOverride,
    /// The plan proposed for review as a pull request (`tpcli plan propose`); the summary holds
    /// the pull request's URL. Writes nothing to Targetprocess.
    Proposed,
}

/// Who an entry is attributed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// A person, by git identity.
    Person { name: String, email: String },
    /// Targetprocess (the state a pull brought in), with the TP users who last edited.
    Targetprocess { editors: Vec<String> },
    /// An unattended sync.
    AutoSync,
}

impl Actor {
    /// Who acts in `ctx`: the person, or an unattended sync.
    pub fn of(ctx: &crate::context::Context<'_>) -> Self {
        if ctx.auto_sync {
            Actor::AutoSync
        } else {
            Actor::Person {
                name: ctx.me.name.clone(),
                email: ctx.me.email.clone(),
            }
        }
    }
}

/// One field written to (or, for a pull, received from) Targetprocess.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FieldWrite {
    pub entity: EntityId,
    pub name: String,
    /// `None`: the entity itself was created (before Missing) or deleted (after Missing).
    pub field: Option<Field>,
    pub before: FieldValue,
    pub after: FieldValue,
}

/// One entry of the operation log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OpEntry {
    /// Unique, sortable: `<kind>-<unix seconds>-<plan commit prefix>`.
    pub id: String,
    pub kind: OpKind,
    pub actor: Actor,
    /// RFC 3339.
    pub at: String,
    pub summary: String,
    pub writes: Vec<FieldWrite>,
    /// Local ids replaced by the TP ids a push created.
    #[serde(default)]
    pub created: Vec<(EntityId, i64)>,
    /// The conflicts a pull left open, as data (entries of other kinds, and of older versions,
    /// have none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<ConflictRecord>,
}

/// A conflict as the op log keeps it, so every clone reads the same: the entity and field, the
/// value at the last pull and each side's, and who made each side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConflictRecord {
    #[serde(flatten)]
    pub conflict: Conflict,
    /// The planner whose clone pulled (git identity, `Name <email>`): the plan's side.
    pub local_by: Option<String>,
    /// The Targetprocess user who last edited the entity: Targetprocess's side.
    pub remote_by: Option<String>,
}

/// Appends `entry`, retrying when a concurrent writer moved the log ref.
pub fn append(repo: &PlanRepo, log_ref: &str, entry: &OpEntry, stamp: &Stamp) -> Result<()> {
    let data = serde_json::to_vec_pretty(entry).map_err(|e| EngineError::State {
        path: log_ref.to_owned(),
        message: e.to_string(),
    })?;
    let mut attempts = 0;
    loop {
        match repo.append_entry(log_ref, &data, stamp) {
            Ok(_) => return Ok(()),
            Err(pi_git::GitError::RefMoved { .. }) if attempts < 5 => attempts += 1,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Records a push that ended with `error` before it completed, so that the audit trail and the
/// plan's history show the attempt (a push that completed, refused changes included, is logged
/// by the push itself). Best effort: a failure to record is traced, never put in the place of the
/// push's own error.
pub(crate) fn record_failed_push(
    ctx: &crate::context::Context<'_>,
    ws: &crate::workspace::Workspace,
    error: &EngineError,
) {
    let entry = OpEntry {
        id: format!("push-failed-{}", ctx.now.timestamp_millis()),
        kind: OpKind::PushFailed,
        actor: Actor::of(ctx),
        at: ctx.at(),
        summary: format!("Push failed: {error}"),
        writes: Vec::new(),
        created: Vec::new(),
        conflicts: Vec::new(),
    };
    if let Err(e) = append(&ws.repo, &ws.names.oplog_ref(), &entry, &ctx.stamp()) {
        tracing::warn!(error = %e, "the failed push could not be recorded in the operation log");
    }
}

/// Every entry, oldest first.
pub fn entries(repo: &PlanRepo, log_ref: &str) -> Result<Vec<OpEntry>> {
    if repo.ref_target(log_ref)?.is_none() {
        return Ok(Vec::new());
    }
    repo.entries(log_ref)?
        .into_iter()
        .map(|e| {
            serde_json::from_slice(&e.data).map_err(|err| EngineError::State {
                path: format!("{log_ref} entry {}", e.seq),
                message: format!("unreadable operation log entry: {err}"),
            })
        })
        .collect()
}

impl OpEntry {
    /// Whether the entry touched the objective or feature `id`.
    pub fn touches(&self, id: &EntityId) -> bool {
        self.writes.iter().any(|w| &w.entity == id)
            || self.conflicts.iter().any(|c| &c.conflict.entity == id)
            || self
                .created
                .iter()
                .any(|(local, tp)| local == id || id.tp() == Some(*tp))
    }
}
