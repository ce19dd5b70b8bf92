//! The compensating operations of one push: from the before/after values its op-log entry
//! recorded and Targetprocess's plan now, which writes can be set back (Targetprocess still holds
//! the value we pushed) and which cannot (changed since: a conflict; a deletion: irreversible).
//!
//! It is pure: it neither reads nor writes anything, and it does not decide whether the
//! operations run.

use pi_model::changeset::{FieldChange, Op};
use pi_model::merge::{FieldValue, feature_get, objective_get};
use pi_model::{EntityId, Feature, Field, Plan, TeamObjective};

use super::{Irreversible, RollbackConflict, RollbackPlan};
use crate::oplog::{FieldWrite, OpEntry};
use crate::sending::complete::same;

/// An objective or feature as Targetprocess holds it now.
enum Found<'a> {
    Objective(&'a TeamObjective),
    Feature(&'a TeamObjective, &'a Feature),
}

impl Found<'_> {
    fn get(&self, field: Field) -> FieldValue {
        match self {
            Found::Objective(o) => objective_get(o, field),
            Found::Feature(o, _) if field == Field::Objective => {
                FieldValue::Link(Some(o.id.clone()))
            }
            Found::Feature(_, f) => feature_get(f, field),
        }
    }

    fn name(&self) -> &str {
        match self {
            Found::Objective(o) => &o.name,
            Found::Feature(_, f) => &f.name,
        }
    }
}

fn find<'a>(plan: &'a Plan, id: &EntityId) -> Option<Found<'a>> {
    plan.objectives.iter().find_map(|o| {
        if &o.id == id {
            return Some(Found::Objective(o));
        }
        o.features
            .iter()
            .find(|f| &f.id == id)
            .map(|f| Found::Feature(o, f))
    })
}

/// The operations undoing the writes of `entry`, in a safe order (updates, relinks, feature
/// deletes, objective deletes), with every write that cannot be undone.
pub(crate) fn compensate(entry: &OpEntry, remote: &Plan) -> RollbackPlan {
    let mut acc = Acc::default();
    for group in by_entity(&entry.writes) {
        acc.entity(&group, remote);
    }
    acc.keep_parents(remote);
    let Acc {
        updates,
        relinks,
        feature_deletes,
        objective_deletes,
        conflicts,
        irreversible,
    } = acc;
    RollbackPlan {
        op_id: entry.id.clone(),
        ops: [updates, relinks, feature_deletes, objective_deletes].concat(),
        conflicts,
        irreversible,
    }
}

/// The writes of each entity, entities in the order the push first wrote them.
fn by_entity(writes: &[FieldWrite]) -> Vec<Vec<&FieldWrite>> {
    let mut groups: Vec<Vec<&FieldWrite>> = Vec::new();
    for w in writes {
        match groups.iter_mut().find(|g| g[0].entity == w.entity) {
            Some(g) => g.push(w),
            None => groups.push(vec![w]),
        }
    }
    groups
}

#[derive(Default)]
struct Acc {
    updates: Vec<Op>,
    relinks: Vec<Op>,
    feature_deletes: Vec<Op>,
    objective_deletes: Vec<Op>,
    conflicts: Vec<RollbackConflict>,
    irreversible: Vec<Irreversible>,
}

impl Acc {
    /// All writes of the push to one entity (`group` is never empty).
    fn entity(&mut self, group: &[&FieldWrite], remote: &Plan) {
        let (id, name) = (&group[0].entity, &group[0].name);
        let whole = group.iter().find(|w| w.field.is_none());
        if whole.is_some_and(|w| w.after == FieldValue::Missing) {
            self.irreversible.push(Irreversible {
                entity: id.clone(),
                name: name.clone(),
                field: None,
            });
            return;
        }
        let Some(found) = find(remote, id) else {
            self.conflict(
                group[0],
                None,
                FieldValue::Text(name.clone()),
                FieldValue::Missing,
            );
            return;
        };
        let before = self.conflicts.len();
        let unchanged = self.unchanged_fields(group, &found);
        if whole.is_some() {
            self.delete_if_unchanged(group, &found, before);
        } else {
            self.restore(group[0], &found, unchanged);
        }
    }

    /// The fields still holding the pushed value (as `(field, now, before)`); the others become
    /// conflicts.
    fn unchanged_fields(
        &mut self,
        group: &[&FieldWrite],
        found: &Found<'_>,
    ) -> Vec<(Field, FieldValue, FieldValue)> {
        let mut out = Vec::new();
        for w in group {
            let Some(field) = w.field else { continue };
            let now = found.get(field);
            if same(&w.after, &now) {
                out.push((field, now, w.before.clone()));
            } else {
                self.conflict(w, Some(field), w.after.clone(), now);
            }
        }
        out
    }

    /// An entity the push created goes only if nothing about it changed since: its name and every
    /// field pushed. (An objective must also lose all its features: see `keep_parents`.)
    fn delete_if_unchanged(
        &mut self,
        group: &[&FieldWrite],
        found: &Found<'_>,
        conflicts_before: usize,
    ) {
        let w = group[0];
        let name_pushed = group.iter().any(|w| w.field == Some(Field::Name));
        if !name_pushed && found.name() != w.name {
            let now = FieldValue::Text(found.name().to_owned());
            self.conflict(w, Some(Field::Name), FieldValue::Text(w.name.clone()), now);
        }
        if self.conflicts.len() > conflicts_before {
            return;
        }
        let (id, name) = (w.entity.clone(), found.name().to_owned());
        match found {
            Found::Objective(_) => self
                .objective_deletes
                .push(Op::DeleteObjective { id, name }),
            Found::Feature(..) => self.feature_deletes.push(Op::DeleteFeature { id, name }),
        }
    }

    /// Writes the before-values of the unchanged fields of an entity that existed before the push.
    fn restore(
        &mut self,
        w: &FieldWrite,
        found: &Found<'_>,
        unchanged: Vec<(Field, FieldValue, FieldValue)>,
    ) {
        let (id, name) = (w.entity.clone(), found.name().to_owned());
        let mut changes = Vec::new();
        for (field, now, before) in unchanged {
            if field != Field::Objective {
                changes.push(FieldChange {
                    field,
                    from: now,
                    to: before,
                });
                continue;
            }
            match (now, before) {
                (FieldValue::Link(Some(from)), FieldValue::Link(Some(to))) => {
                    self.relinks.push(Op::RelinkFeature {
                        id: id.clone(),
                        name: name.clone(),
                        from,
                        to,
                    });
                }
                _ => self.irreversible.push(Irreversible {
                    entity: id.clone(),
                    name: name.clone(),
                    field: Some(field),
                }),
            }
        }
        if changes.is_empty() {
            return;
        }
        self.updates.push(match found {
            Found::Objective(_) => Op::UpdateObjective { id, name, changes },
            Found::Feature(..) => Op::UpdateFeature { id, name, changes },
        });
    }

    /// A created objective stays when a feature under it stays (added or changed since): deleting
    /// the objective would take the feature's link with it.
    fn keep_parents(&mut self, remote: &Plan) {
        let deleted: Vec<EntityId> = self
            .feature_deletes
            .iter()
            .map(|o| o.entity().clone())
            .collect();
        let mut kept = Vec::new();
        for op in std::mem::take(&mut self.objective_deletes) {
            let Some(Found::Objective(o)) = find(remote, op.entity()) else {
                continue;
            };
            let staying: Vec<&str> = o
                .features
                .iter()
                .filter(|f| !deleted.contains(&f.id))
                .map(|f| f.name.as_str())
                .collect();
            if staying.is_empty() {
                kept.push(op);
                continue;
            }
            self.conflicts.push(RollbackConflict {
                entity: o.id.clone(),
                name: o.name.clone(),
                field: None,
                pushed: FieldValue::Text(o.name.clone()),
                current: FieldValue::Text(format!("with feature(s) {}", staying.join(", "))),
            });
        }
        self.objective_deletes = kept;
    }

    fn conflict(
        &mut self,
        w: &FieldWrite,
        field: Option<Field>,
        pushed: FieldValue,
        current: FieldValue,
    ) {
        self.conflicts.push(RollbackConflict {
            entity: w.entity.clone(),
            name: w.name.clone(),
            field,
            pushed,
            current,
        });
    }
}

#[cfg(test)]
mod tests;
