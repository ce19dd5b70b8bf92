//! The push plan: the list of Targetprocess operations that turn the base (the last TP state we
//! saw) into the team's local plan. A pure function of (base, local); the preview (`--dry-run`,
//! the app's push preview) shows exactly what apply will execute, and approvals are bound to it.
//!
//! It deliberately does not talk to Targetprocess and does not decide whether a delete is
//! allowed: it lists what would have to happen.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::merge::{FEATURE_FIELDS, FieldValue, OBJECTIVE_FIELDS, feature_get, objective_get};
use crate::{EntityId, Feature, Field, Plan, TeamObjective};

/// One field going from one value to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FieldChange {
    pub field: Field,
    pub from: FieldValue,
    pub to: FieldValue,
}

/// One operation against Targetprocess.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// A new objective; `id` is its local id until TP assigns one.
    CreateObjective {
        id: EntityId,
        name: String,
        fields: Vec<FieldChange>,
    },
    UpdateObjective {
        id: EntityId,
        name: String,
        changes: Vec<FieldChange>,
    },
    DeleteObjective {
        id: EntityId,
        name: String,
    },
    /// A new feature under `objective` (which may itself be new).
    CreateFeature {
        id: EntityId,
        objective: EntityId,
        name: String,
        fields: Vec<FieldChange>,
    },
    UpdateFeature {
        id: EntityId,
        name: String,
        changes: Vec<FieldChange>,
    },
    /// A feature moved from one objective to another.
    RelinkFeature {
        id: EntityId,
        name: String,
        from: EntityId,
        to: EntityId,
    },
    DeleteFeature {
        id: EntityId,
        name: String,
    },
}

/// A problem that stops a push plan from being computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangesetError {
    #[error(
        "{0} \"{1}\" has a Targetprocess id that is not in the last pulled state; pull first, or give it a new local id"
    )]
    UnknownTpId(EntityId, String),
}

/// Every operation needed to make TP match `local`, given that TP was at `base`. Order: creates
/// of objectives first (features may need their ids), then updates, relinks, feature creates, and
/// deletes last.
pub fn push_plan(base: &Plan, local: &Plan) -> Result<Vec<Op>, ChangesetError> {
    let base_objectives: HashMap<&EntityId, &TeamObjective> =
        base.objectives.iter().map(|o| (&o.id, o)).collect();
    let base_features: HashMap<&EntityId, (&EntityId, &Feature)> = base
        .objectives
        .iter()
        .flat_map(|o| o.features.iter().map(move |f| (&f.id, (&o.id, f))))
        .collect();
    let (mut creates, mut updates, mut feature_creates, mut deletes) =
        (vec![], vec![], vec![], vec![]);
    for o in &local.objectives {
        match base_objectives.get(&o.id) {
            None if o.id.is_local() => creates.push(Op::CreateObjective {
                id: o.id.clone(),
                name: o.name.clone(),
                fields: set_fields(&OBJECTIVE_FIELDS, |f| objective_get(o, f)),
            }),
            None => return Err(ChangesetError::UnknownTpId(o.id.clone(), o.name.clone())),
            Some(b) => {
                let changes = diff_fields(
                    &OBJECTIVE_FIELDS,
                    |f| objective_get(b, f),
                    |f| objective_get(o, f),
                );
                if !changes.is_empty() {
                    updates.push(Op::UpdateObjective {
                        id: o.id.clone(),
                        name: o.name.clone(),
                        changes,
                    });
                }
            }
        }
        for f in &o.features {
            match base_features.get(&f.id) {
                None if f.id.is_local() => feature_creates.push(Op::CreateFeature {
                    id: f.id.clone(),
                    objective: o.id.clone(),
                    name: f.name.clone(),
                    fields: set_fields(&FEATURE_FIELDS, |x| feature_get(f, x)),
                }),
                None => return Err(ChangesetError::UnknownTpId(f.id.clone(), f.name.clone())),
                Some((parent, bf)) => {
                    let changes = diff_fields(
                        &FEATURE_FIELDS,
                        |x| feature_get(bf, x),
                        |x| feature_get(f, x),
                    );
                    if !changes.is_empty() {
                        updates.push(Op::UpdateFeature {
                            id: f.id.clone(),
                            name: f.name.clone(),
                            changes,
                        });
                    }
                    if *parent != &o.id {
                        updates.push(Op::RelinkFeature {
                            id: f.id.clone(),
                            name: f.name.clone(),
                            from: (*parent).clone(),
                            to: o.id.clone(),
                        });
                    }
                }
            }
        }
    }
    let local_features: std::collections::HashSet<&EntityId> =
        local.features().map(|(_, f)| &f.id).collect();
    for (_, f) in base.features() {
        if !local_features.contains(&f.id) {
            deletes.push(Op::DeleteFeature {
                id: f.id.clone(),
                name: f.name.clone(),
            });
        }
    }
    for b in &base.objectives {
        if !local.objectives.iter().any(|o| o.id == b.id) {
            deletes.push(Op::DeleteObjective {
                id: b.id.clone(),
                name: b.name.clone(),
            });
        }
    }
    Ok([creates, updates, feature_creates, deletes].concat())
}

/// The fields a new entity sets (everything that is not empty).
fn set_fields(fields: &[Field], get: impl Fn(Field) -> FieldValue) -> Vec<FieldChange> {
    fields
        .iter()
        .filter_map(|&field| {
            let to = get(field);
            let empty = matches!(
                &to,
                FieldValue::OptText(None)
                    | FieldValue::Effort(None)
                    | FieldValue::Number(None)
                    | FieldValue::Link(None)
                    | FieldValue::Jira(None)
                    | FieldValue::Flag(false)
            ) || matches!(&to, FieldValue::Text(s) if s.is_empty())
                || matches!(&to, FieldValue::Criteria(c) if c.is_empty());
            (!empty).then_some(FieldChange {
                field,
                from: FieldValue::Missing,
                to,
            })
        })
        .collect()
}

fn diff_fields(
    fields: &[Field],
    before: impl Fn(Field) -> FieldValue,
    after: impl Fn(Field) -> FieldValue,
) -> Vec<FieldChange> {
    fields
        .iter()
        .filter_map(|&field| {
            let (from, to) = (before(field), after(field));
            (from != to).then_some(FieldChange { field, from, to })
        })
        .collect()
}

impl Op {
    /// The entity the operation is about.
    pub fn entity(&self) -> &EntityId {
        match self {
            Op::CreateObjective { id, .. }
            | Op::UpdateObjective { id, .. }
            | Op::DeleteObjective { id, .. }
            | Op::CreateFeature { id, .. }
            | Op::UpdateFeature { id, .. }
            | Op::RelinkFeature { id, .. }
            | Op::DeleteFeature { id, .. } => id,
        }
    }

    pub fn is_delete(&self) -> bool {
        matches!(self, Op::DeleteObjective { .. } | Op::DeleteFeature { .. })
    }
}

/// Short text for long values in one-line descriptions.
fn short(v: &FieldValue) -> String {
    let s = v.to_string().replace('\n', " ");
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(39).collect::<String>())
    } else {
        s
    }
}

impl fmt::Display for Op {
    /// Planner words, one line per field: `Effort 13 → 21 on "Platform governance"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let changes = |f: &mut fmt::Formatter<'_>, name: &str, cs: &[FieldChange]| {
            for (i, c) in cs.iter().enumerate() {
                if i > 0 {
                    writeln!(f)?;
                }
                let from = match &c.from {
                    FieldValue::Effort(Some(e)) => e.to_string(),
                    other => short(other),
                };
                write!(f, "{} {from} → {} on \"{name}\"", c.field, short(&c.to))?;
            }
            Ok(())
        };
        match self {
            Op::CreateObjective { name, .. } => write!(f, "Create objective \"{name}\""),
            Op::CreateFeature { name, .. } => write!(f, "Create feature \"{name}\""),
            Op::UpdateObjective {
                name, changes: c, ..
            }
            | Op::UpdateFeature {
                name, changes: c, ..
            } => changes(f, name, c),
            Op::RelinkFeature { name, from, to, .. } => {
                write!(f, "Move feature \"{name}\" from objective {from} to {to}")
            }
            Op::DeleteObjective { name, .. } => write!(f, "Delete objective \"{name}\""),
            Op::DeleteFeature { name, .. } => write!(f, "Delete feature \"{name}\""),
        }
    }
}

#[cfg(test)]
mod tests;
