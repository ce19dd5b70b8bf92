//! Executing push operations against Targetprocess: each [`Op`] becomes client calls, with
//! owners resolved to user ids and new features linked to their (possibly just created)
//! objective.
//!
//! A failure is classified for the journal ([`OpError`]): Targetprocess (or the plan's own data)
//! refusing one operation closes that operation as refused and the push goes on; only trouble
//! that may pass (throttling, a 5xx, a dropped connection) leaves the operation open for resume.

use std::collections::HashMap;

use pi_model::changeset::{FieldChange as Change, Op};
use pi_model::merge::FieldValue;
use pi_model::{EntityId, Field};
use pi_targetprocess::{FieldChange, IdempotencyMarker, Kind, Placement, User};

use crate::error::EngineError;
use crate::tracker::Tracker;

/// Why one operation was not applied.
#[derive(Debug)]
pub enum OpError {
    /// Targetprocess refused this operation's data (400/403/404/409/422, an unknown owner or
    /// state, an item whose parent was not created): closed as refused with the reason; the
    /// change stays in the plan file for the planner to fix or discard, and the next push is
    /// computed from the plan as it is then.
    Refused(String),
    /// Targetprocess refused the credentials (401): this operation is closed as refused and
    /// nothing else of the push is sent.
    RefusedAll(String),
    /// Trouble that may pass, or an outcome that is not known: the operation stays open and
    /// resume sends it again.
    Interrupted(EngineError),
}

impl From<pi_targetprocess::TpError> for OpError {
    fn from(e: pi_targetprocess::TpError) -> Self {
        use pi_targetprocess::TpError as E;
        match &e {
            // The account refuses every request, or answers as no Targetprocess should: the
            // push stops here.
            E::Auth { status: 401, .. } | E::Redirected { .. } | E::LimitExceeded { .. } => {
                OpError::RefusedAll(e.to_string())
            }
            E::Auth { .. }
            | E::NotFound { .. }
            | E::Validation { .. }
            | E::UnknownState { .. }
            | E::Decode { .. } => OpError::Refused(e.to_string()),
            E::RateLimited { .. } | E::Server { .. } | E::Network { .. } => {
                OpError::Interrupted(e.into())
            }
        }
    }
}

type Result<T, E = OpError> = std::result::Result<T, E>;

/// What applying one operation produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// A create: the TP id it got (and whether it was recovered by its marker).
    Created {
        id: i64,
        recovered: bool,
    },
}

/// Everything an operation needs besides itself.
pub struct Target<'a> {
    pub tp: &'a dyn Tracker,
    pub placement: Placement,
    pub users: &'a [User],
    /// Local ids already created in TP (this push and earlier ones).
    pub created: &'a HashMap<EntityId, i64>,
    /// Counts what is sent, for the caller's progress.
    pub tally: &'a crate::sending::Tally<'a>,
}

/// Sends one operation; a failure says whether it was refused or may be sent again.
pub async fn apply(t: &Target<'_>, op: &Op, marker: &str) -> Result<Applied> {
    match op {
        Op::CreateObjective { name, fields, .. } => {
            let changes = changes(t, name, fields)?;
            create(t, Kind::TeamObjective, &changes, marker).await
        }
        Op::CreateFeature {
            name,
            fields,
            objective,
            ..
        } => {
            let mut changes = changes(t, name, fields)?;
            changes.push(FieldChange::Objectives(vec![tp_id(t, objective)?]));
            create(t, Kind::Feature, &changes, marker).await
        }
        Op::UpdateObjective {
            id,
            name,
            changes: c,
        } => {
            let changes = changes(t, name, c)?;
            t.tp.update(Kind::TeamObjective, tp_id(t, id)?, &changes)
                .await?;
            Ok(Applied::Done)
        }
        Op::UpdateFeature {
            id,
            name,
            changes: c,
        } => {
            let changes = changes(t, name, c)?;
            t.tp.update(Kind::Feature, tp_id(t, id)?, &changes).await?;
            Ok(Applied::Done)
        }
        Op::RelinkFeature { id, from, to, .. } => {
            let feature = tp_id(t, id)?;
            let link = [FieldChange::Objectives(vec![tp_id(t, to)?])];
            t.tp.update(Kind::Feature, feature, &link).await?;
            t.tp.unlink_objective(feature, tp_id(t, from)?).await?;
            Ok(Applied::Done)
        }
        Op::DeleteObjective { id, .. } => delete(t, Kind::TeamObjective, tp_id(t, id)?).await,
        Op::DeleteFeature { id, .. } => delete(t, Kind::Feature, tp_id(t, id)?).await,
    }
}

async fn create(
    t: &Target<'_>,
    kind: Kind,
    changes: &[FieldChange],
    marker: &str,
) -> Result<Applied> {
    let marker = IdempotencyMarker::for_operation(marker);
    let created = t.tp.create(kind, t.placement, changes, &marker).await?;
    Ok(Applied::Created {
        id: created.id,
        recovered: created.recovered,
    })
}

async fn delete(t: &Target<'_>, kind: Kind, id: i64) -> Result<Applied> {
    match t.tp.delete(kind, id).await {
        // Already gone (e.g. a resumed push whose first delete went through): the goal holds.
        Ok(()) | Err(pi_targetprocess::TpError::NotFound { .. }) => Ok(Applied::Done),
        Err(e) => Err(e.into()),
    }
}

/// The TP id of an entity: its own, or the one a create gave its local id.
fn tp_id(t: &Target<'_>, id: &EntityId) -> Result<i64> {
    id.tp()
        .or_else(|| t.created.get(id).copied())
        .ok_or_else(|| {
            OpError::Refused(format!(
                "{id} is not in Targetprocess yet: its create was refused or not sent"
            ))
        })
}

/// Plan field changes as client field changes.
pub(crate) fn changes(t: &Target<'_>, entity: &str, fields: &[Change]) -> Result<Vec<FieldChange>> {
    fields
        .iter()
        .filter_map(|c| field(t, entity, c).transpose())
        .collect()
}

fn field(t: &Target<'_>, entity: &str, c: &Change) -> Result<Option<FieldChange>> {
    let value = c.to.clone();
    Ok(Some(match (c.field, value) {
        (Field::Name, FieldValue::Text(v)) => FieldChange::Name(v),
        (Field::Description, FieldValue::Text(v)) => FieldChange::Description(v),
        (Field::Status, FieldValue::OptText(Some(v))) => FieldChange::Status(v),
        (Field::Effort, FieldValue::Effort(v)) => FieldChange::Effort(v),
        (Field::Owner, FieldValue::OptText(v)) => {
            let id = v
                .map(|name| pi_targetprocess::find_owner(t.users, &name))
                .transpose()
                .map_err(|source| {
                    OpError::Refused(
                        EngineError::Owner {
                            entity: entity.to_owned(),
                            source,
                        }
                        .to_string(),
                    )
                })?;
            FieldChange::Owner(id)
        }
        (Field::Committed, FieldValue::Flag(v)) => FieldChange::Committed(v),
        (Field::BusinessValue, FieldValue::Number(v)) => FieldChange::BusinessValue(v),
        (Field::ActualBusinessValue, FieldValue::Number(v)) => FieldChange::ActualBusinessValue(v),
        (Field::ProgramObjective, FieldValue::Link(v)) => {
            let id = v.map(|id| {
                id.tp().ok_or_else(|| {
                    OpError::Refused(format!(
                        "objective {entity:?} links program objective {id}, which is not in Targetprocess"
                    ))
                })
            });
            FieldChange::ProgramObjective(id.transpose()?)
        }
        (Field::AcceptanceCriteria, FieldValue::Criteria(v)) => FieldChange::AcceptanceCriteria(v),
        (Field::Jira, FieldValue::Jira(v)) => FieldChange::JiraKey(v.map(|j| j.key)),
        // A status cannot be cleared in Targetprocess (every entity has a state).
        (Field::Status, FieldValue::OptText(None)) => return Ok(None),
        (field, value) => {
            return Err(OpError::Refused(format!(
                "cannot write {field} = {value} of {entity:?} to Targetprocess"
            )));
        }
    }))
}
