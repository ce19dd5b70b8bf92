//! What one operation measured, as the caller hands it to the store.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// The engine operation measured.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    Init,
    Pull,
    Push,
    Resume,
    Rollback,
    Resolve,
}

impl OperationKind {
    pub const ALL: [OperationKind; 6] = [
        Self::Init,
        Self::Pull,
        Self::Push,
        Self::Resume,
        Self::Rollback,
        Self::Resolve,
    ];

    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Init => "init",
            Self::Pull => "pull",
            Self::Push => "push",
            Self::Resume => "resume",
            Self::Rollback => "rollback",
            Self::Resolve => "resolve",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Whether the operation exchanges the plan with Targetprocess (what "a sync" counts).
    pub fn is_sync(self) -> bool {
        matches!(self, Self::Pull | Self::Push | Self::Resume)
    }
}

/// How an operation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done, nothing left to act on.
    Succeeded,
    /// Done, with something for the planner to act on (conflicts, Targetprocess changed,
    /// deletions to confirm, approvals missing, refused operations): the run itself worked.
    Findings,
    /// Ended with an error (Targetprocess or git unreachable, a token refused, ...).
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Findings => "findings",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Succeeded, Self::Findings, Self::Failed]
            .into_iter()
            .find(|o| o.as_str() == text)
    }
}

/// Which plan: the ART, release and team names of its front matter.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct PlanKey {
    pub art: String,
    pub release: String,
    pub team: String,
}

/// One conflict: the entity (`tp:123`, `new:…`) and the field (its label; empty for a conflict
/// on the entity as a whole, such as an edit against a delete).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConflictKey {
    pub entity: String,
    pub field: String,
}

/// The requests an operation made to one service (`targetprocess`, `jira`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    pub service: String,
    /// Requests put on the wire, retries included.
    pub requests: u64,
    pub retries: u64,
    /// Answers that were 429 or 503.
    pub throttled: u64,
    /// Time waited between attempts.
    pub waited: Duration,
    /// The part of `waited` that followed a 429 or 503.
    pub waited_throttled: Duration,
}

/// The last rate-limit headers a service sent during the operation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct QuotaSeen {
    pub service: String,
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// The window's reset as the server wrote it.
    pub reset: Option<String>,
    /// The server said less than a fifth of its budget is left.
    pub near_limit: bool,
}

/// Changes of one field (its label) an operation sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FieldCount {
    pub field: String,
    pub count: u64,
}

/// Everything measured around one operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub kind: OperationKind,
    pub plan: PlanKey,
    pub started_at: DateTime<Utc>,
    pub duration: Duration,
    pub outcome: Outcome,
    /// For a failed operation, the error's code (e.g. `targetprocess_unauthorized`).
    pub error_code: Option<String>,
    pub traffic: Vec<Traffic>,
    pub quota: Vec<QuotaSeen>,
    /// Conflicts stored by the operation that were not stored before it.
    pub conflicts_found: Vec<ConflictKey>,
    /// Stored conflicts the operation closed.
    pub conflicts_resolved: Vec<ConflictKey>,
    /// Field changes written to Targetprocess, per field.
    pub changes: Vec<FieldCount>,
}

impl Operation {
    /// When the operation ended.
    pub fn ended_at(&self) -> DateTime<Utc> {
        self.started_at + chrono::Duration::from_std(self.duration).unwrap_or_default()
    }
}
