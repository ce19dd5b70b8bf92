//! The client's public records beyond pi-model: sync versions, the fetched team plan, picker
//! items, field changes for writes and the idempotency marker of creates.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pi_model::{Criterion, Effort, Plan};

/// What the optimistic lock compares: TP's `ModifyDate` and `EntityVersion` of one entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncVersion {
    pub modify_date: Option<DateTime<Utc>>,
    pub entity_version: Option<i64>,
}

/// One team's plan for one release as TP has it, with what the sync engine needs beside it.
#[derive(Clone, Debug, PartialEq)]
pub struct RemotePlan {
    pub plan: Plan,
    /// TP id → version, for every team objective and feature in `plan`.
    pub versions: BTreeMap<i64, SyncVersion>,
    /// Feature id → every objective of this team it is linked to, in plan order. The feature
    /// appears in `plan` only under the first of them.
    pub feature_links: BTreeMap<i64, Vec<i64>>,
    /// Features linked to more than one of the team's objectives (subset of `feature_links`).
    pub multi_linked: Vec<i64>,
    /// TP id → display name (`FullName`, else first and last name, else login) of the user who
    /// last changed it (TP's `LastEditor`), for every team objective and feature in `plan` whose
    /// `LastEditor` is set. Lets the sync attribute pulled changes to the people who made them.
    pub editors: BTreeMap<i64, String>,
    /// Requests the fetch put on the wire (retries included).
    pub requests: u64,
    /// What the inbound boundary had to change beyond its normal form, in words: values cut to
    /// their length bound, descriptions whose HTML was too deep or too large to convert with
    /// their structure. For the caller to show; the plan is usable as it is.
    pub warnings: Vec<String>,
    /// What the read could not place or map (features linked to no objective, a plan without
    /// features while the release has some, unnamed states and owners, configured fields no
    /// entity carries), with the likely cause. For the caller to show.
    pub notices: Vec<crate::Notice>,
}

/// An item of a picker (ART, release, team).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub id: i64,
    pub name: String,
}

/// A release (PI) with its dates, as a train picks its current PI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleasePeriod {
    pub release: Summary,
    /// `StartDate`, when set.
    pub start: Option<DateTime<Utc>>,
    /// `EndDate`, when set.
    pub end: Option<DateTime<Utc>>,
    /// Targetprocess's own `IsCurrent` flag.
    pub is_current: bool,
}

/// A team iteration (`TeamIteration`) with its dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamIteration {
    pub iteration: Summary,
    /// The team's id, when the iteration names one.
    pub team: Option<i64>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Which TP entity type a write addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    TeamObjective,
    Feature,
}

/// One field to write. Text fields take markdown; the client converts to TP's HTML.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldChange {
    Name(String),
    Description(String),
    /// State name, resolved to the `EntityState` id of the entity type.
    Status(String),
    Effort(Option<Effort>),
    /// TP user id.
    Owner(Option<i64>),
    Committed(bool),
    BusinessValue(Option<u32>),
    ActualBusinessValue(Option<u32>),
    /// Program objective TP id (team objectives only).
    ProgramObjective(Option<i64>),
    AcceptanceCriteria(Vec<Criterion>),
    JiraKey(Option<String>),
    /// Team objectives a feature delivers (adds these links).
    Objectives(Vec<i64>),
}

/// Where a new entity goes: its team and release (TP requires them on objectives).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    pub team: i64,
    pub release: i64,
}

/// A unique tag written on a created entity so that an ambiguous create (timeout, 5xx, dropped
/// connection) can be checked by re-query instead of being blindly sent again.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdempotencyMarker(String);

impl IdempotencyMarker {
    /// `pi-planner-<op>`; `op` is the caller's operation id (journal key), kept to
    /// `[A-Za-z0-9-]`, other characters become `-`.
    pub fn for_operation(op: &str) -> Self {
        let clean: String = op
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        Self(format!("pi-planner-{clean}"))
    }

    /// The tag text as written to TP's `Tags`.
    pub fn tag(&self) -> &str {
        &self.0
    }
}

/// The result of a create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    pub id: i64,
    pub version: SyncVersion,
    /// True when the first POST failed ambiguously and the entity was found by its marker.
    pub recovered: bool,
}

/// Per-item outcome of a bulk update.
#[derive(Clone, Debug, PartialEq)]
pub struct BulkItem {
    pub id: i64,
    pub result: Result<SyncVersion, crate::TpError>,
    /// The entity as the write's answer carried it, whole and mapped as a read of the plan maps
    /// it (the inbound boundary included); `None` when the answer did not carry it whole (or the
    /// item was sent again on its own), or when mapping it had to cut or flatten a value.
    pub written: Option<Written>,
}

/// An entity as Targetprocess held it right after a write: every field a read of the plan
/// takes, at the version in [`BulkItem::result`].
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    pub entity: WrittenEntity,
    /// The version the write gave it.
    pub version: SyncVersion,
    /// Display name of the entity's `LastEditor`, if set.
    pub editor: Option<String>,
}

/// The entity of a [`Written`]: a team objective (without its features), or a feature with
/// the ids of every team objective it is linked to (any team's).
#[derive(Clone, Debug, PartialEq)]
pub enum WrittenEntity {
    Objective(pi_model::TeamObjective),
    Feature {
        feature: pi_model::Feature,
        objectives: Vec<i64>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_is_a_clean_tag() {
        assert_eq!(
            IdempotencyMarker::for_operation("op 7/a").tag(),
            "pi-planner-op-7-a"
        );
    }
}
