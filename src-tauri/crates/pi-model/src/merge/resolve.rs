//! Applying a conflict resolution to a merged plan.

use serde::{Deserialize, Serialize};

use super::{Conflict, EntityKind, FieldValue, feature_set, objective_set};
use crate::{Criterion, Plan};

/// How to settle one conflict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "strategy", content = "value", rename_all = "snake_case")]
pub enum Resolution {
    KeepLocal,
    KeepRemote,
    /// Text: local then remote, as two paragraphs. Criteria: local items, then remote items the
    /// local list lacks. Only for text and list fields.
    KeepBoth,
    /// A value typed by hand.
    Edit(FieldValue),
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResolveError {
    #[error("{0} is no longer in the plan")]
    EntityGone(String),
    #[error("\"keep both\" applies to text and list fields only, not to {0}")]
    NotMergeable(String),
    #[error("that value does not fit the field {0}")]
    WrongShape(String),
}

/// Applies `resolution` to the entity and field of `conflict` in `plan`.
pub fn resolve(
    plan: &mut Plan,
    conflict: &Conflict,
    resolution: &Resolution,
) -> Result<(), ResolveError> {
    let what = conflict.field.map_or_else(
        || conflict.name.clone(),
        |f| format!("{} of {:?}", f, conflict.name),
    );
    let value = match resolution {
        Resolution::KeepLocal => conflict.local.clone(),
        Resolution::KeepRemote => conflict.remote.clone(),
        Resolution::Edit(v) => v.clone(),
        Resolution::KeepBoth => both(&conflict.local, &conflict.remote)
            .ok_or_else(|| ResolveError::NotMergeable(what.clone()))?,
    };
    let Some(field) = conflict.field else {
        return resolve_existence(plan, conflict, &value);
    };
    if field == crate::Field::Objective {
        return move_feature(plan, conflict, &value, &what);
    }
    let applied = match conflict.kind {
        EntityKind::Objective => plan
            .objectives
            .iter_mut()
            .find(|o| o.id == conflict.entity)
            .map(|o| objective_set(o, field, value)),
        EntityKind::Feature => plan
            .objectives
            .iter_mut()
            .flat_map(|o| o.features.iter_mut())
            .find(|f| f.id == conflict.entity)
            .map(|f| feature_set(f, field, value)),
    };
    match applied {
        None => Err(ResolveError::EntityGone(what)),
        Some(false) => Err(ResolveError::WrongShape(what)),
        Some(true) => Ok(()),
    }
}

fn both(local: &FieldValue, remote: &FieldValue) -> Option<FieldValue> {
    match (local, remote) {
        (FieldValue::Text(l), FieldValue::Text(r)) => {
            let joined = match (l.trim().is_empty(), r.trim().is_empty()) {
                (true, _) => r.clone(),
                (_, true) => l.clone(),
                _ => format!("{}\n\n{}", l.trim_end(), r.trim_start()),
            };
            Some(FieldValue::Text(joined))
        }
        (FieldValue::Criteria(l), FieldValue::Criteria(r)) => {
            let mut items: Vec<Criterion> = l.clone();
            items.extend(r.iter().filter(|c| !l.contains(c)).cloned());
            Some(FieldValue::Criteria(items))
        }
        _ => None,
    }
}

/// Edited on one side, deleted on the other: keeping the deleting side removes the entity.
fn resolve_existence(
    plan: &mut Plan,
    conflict: &Conflict,
    value: &FieldValue,
) -> Result<(), ResolveError> {
    if *value != FieldValue::Missing {
        return Ok(()); // the merged plan already holds the edited entity
    }
    // An entity the file no longer holds (deleted there again) is fine: the delete holds.
    match conflict.kind {
        EntityKind::Objective => plan.objectives.retain(|o| o.id != conflict.entity),
        EntityKind::Feature => {
            for o in &mut plan.objectives {
                o.features.retain(|f| f.id != conflict.entity);
            }
        }
    }
    Ok(())
}

fn move_feature(
    plan: &mut Plan,
    conflict: &Conflict,
    value: &FieldValue,
    what: &str,
) -> Result<(), ResolveError> {
    let FieldValue::Link(Some(target)) = value else {
        return Err(ResolveError::WrongShape(what.to_owned()));
    };
    if !plan.objectives.iter().any(|o| &o.id == target) {
        return Err(ResolveError::EntityGone(target.to_string()));
    }
    let mut moved = None;
    for o in &mut plan.objectives {
        if let Some(i) = o.features.iter().position(|f| f.id == conflict.entity) {
            moved = Some(o.features.remove(i));
        }
    }
    let feature = moved.ok_or_else(|| ResolveError::EntityGone(what.to_owned()))?;
    if let Some(o) = plan.objectives.iter_mut().find(|o| &o.id == target) {
        o.features.push(feature);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EntityId, Field};

    /// Found by the chaos run (docs/chaos.md): an edit/delete conflict whose entity the planner
    /// had deleted again could not be resolved "keep mine", which left the push blocked.
    #[test]
    fn keeping_a_delete_of_an_entity_already_gone_again_holds() {
        let conflict = Conflict {
            kind: EntityKind::Feature,
            entity: EntityId::Tp(7),
            name: "Gone again".into(),
            field: None,
            base: FieldValue::Text("Gone again".into()),
            local: FieldValue::Missing,
            remote: FieldValue::Text("Gone again".into()),
        };
        let mut plan = Plan::default();
        assert_eq!(
            resolve(&mut plan, &conflict, &Resolution::KeepLocal),
            Ok(())
        );
        assert_eq!(plan, Plan::default());
        let edit = Conflict {
            field: Some(Field::Effort),
            ..conflict
        };
        assert!(matches!(
            resolve(&mut plan, &edit, &Resolution::KeepLocal),
            Err(ResolveError::EntityGone(_))
        ));
    }
}
