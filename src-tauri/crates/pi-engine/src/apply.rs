//! Executing push operations against Targetprocess: each [`Op`] becomes client calls, with
//! owners resolved to user ids and new features linked to their (possibly just created)
//! objective.

use std::collections::HashMap;

use pi_model::changeset::{FieldChange as Change, Op};
use pi_model::merge::FieldValue;
use pi_model::{EntityId, Field};
use pi_targetprocess::{FieldChange, IdempotencyMarker, Kind, Placement, TpClient, User};

use crate::error::{EngineError, Result};

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
    pub tp: &'a TpClient,
    pub placement: Placement,
    pub users: &'a [User],
    /// Local ids already created in TP (this push and earlier ones).
    pub created: &'a HashMap<EntityId, i64>,
}

/// Sends one operation. A TP refusal (validation) is returned as the error of that operation.
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
            EngineError::NoPlan(format!(
                "{id} has no Targetprocess id yet (its create did not run)"
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
                .map_err(|source| EngineError::Owner {
                    entity: entity.to_owned(),
                    source,
                })?;
            FieldChange::Owner(id)
        }
        (Field::Committed, FieldValue::Flag(v)) => FieldChange::Committed(v),
        (Field::BusinessValue, FieldValue::Number(v)) => FieldChange::BusinessValue(v),
        (Field::ActualBusinessValue, FieldValue::Number(v)) => FieldChange::ActualBusinessValue(v),
        (Field::ProgramObjective, FieldValue::Link(v)) => {
            let id = v.map(|id| {
                id.tp().ok_or_else(|| {
                    EngineError::NoPlan(format!(
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
            return Err(EngineError::NoPlan(format!(
                "cannot write {field} = {value} of {entity:?} to Targetprocess"
            )));
        }
    }))
}
