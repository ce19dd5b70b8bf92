//! Field-level three-way merge of plans: base (the last Targetprocess state we saw), local (the
//! team's file) and remote (Targetprocess now).
//!
//! Entities are matched by id, never by name or position. Per entity and per field: a change on
//! one side is taken; the same change on both sides is taken once; different changes of one field
//! are a [`Conflict`] — data, not an error — and the merged plan keeps the local value so nothing
//! the team typed is lost. Free text merges line by line (diff3), so edits of different lines
//! never conflict; acceptance criteria merge item by item (`items`), so edits of different
//! criteria never conflict and criteria both sides append are all kept, local's first. Two
//! features (or objectives) added at one place never conflict and come local's first. A feature
//! moved between objectives keeps its identity; moved on one side and deleted on the other, it
//! is an edit/delete conflict. Entities whose ids a file did not carry (derived from names by the
//! legacy importer) are matched first by [`align_derived_ids`].
//!
//! It deliberately knows nothing of files, git or Targetprocess: it maps three plans to one.

mod align;
mod diff3;
mod items;
mod order;
mod resolve;
mod value;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

pub use align::{Derived, align_derived_ids};
pub use diff3::{Merged, merge as merge_sequences, merge_text};
pub use resolve::{Resolution, ResolveError, resolve};
pub use value::{
    FEATURE_FIELDS, FieldValue, OBJECTIVE_FIELDS, feature_get, feature_set, objective_get,
    objective_set,
};

use crate::{EntityId, Feature, Field, Plan, TeamObjective};

/// Objective or feature.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Objective,
    Feature,
}

/// A field changed differently on both sides (or an entity edited on one side and deleted on the
/// other, with `field: None`).
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Conflict {
    pub kind: EntityKind,
    pub entity: EntityId,
    /// Name of the entity, for messages (local name when it has one).
    pub name: String,
    pub field: Option<Field>,
    pub base: FieldValue,
    pub local: FieldValue,
    pub remote: FieldValue,
}

/// Which side a change in the merged plan came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Made locally, not in Targetprocess yet.
    Local,
    /// Came from Targetprocess.
    Remote,
    /// Made on both sides alike, or merged from both (text, criteria).
    Both,
}

/// One difference between the base and the merged plan, with where it came from.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Change {
    pub kind: EntityKind,
    pub entity: EntityId,
    pub name: String,
    /// `None`: the entity was added (`from` is Missing) or removed (`to` is Missing).
    pub field: Option<Field>,
    pub origin: Origin,
    pub from: FieldValue,
    pub to: FieldValue,
}

/// The merged plan, the conflicts left in it, and what changed relative to the base.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeOutcome {
    pub merged: Plan,
    pub conflicts: Vec<Conflict>,
    pub changes: Vec<Change>,
}

/// Merges `local` and `remote` against their common `base`.
pub fn merge(base: &Plan, local: &Plan, remote: &Plan) -> MergeOutcome {
    let mut m = Merger::default();
    let mut objectives = m.objectives(base, local, remote);
    let features = m.features(base, local, remote, &objectives);
    let index: HashMap<EntityId, usize> = objectives
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.clone(), i))
        .collect();
    for (parent, feature) in features {
        if let Some(&i) = index.get(&parent) {
            objectives[i].features.push(feature);
        }
    }
    let merged = Plan {
        art: remote.art.clone(),
        release: remote.release.clone(),
        team: remote.team.clone(),
        meta: remote.meta.clone(),
        program_objectives: remote.program_objectives.clone(),
        objectives,
        notes: local.notes.clone(),
    };
    MergeOutcome {
        merged,
        conflicts: m.conflicts,
        changes: m.changes,
    }
}

#[derive(Default)]
struct Merger {
    conflicts: Vec<Conflict>,
    changes: Vec<Change>,
}

/// The three sides of one entity.
struct Sides<'a, E> {
    base: Option<&'a E>,
    local: Option<&'a E>,
    remote: Option<&'a E>,
}

/// How to read and write the fields of one kind of entity.
struct Access<E> {
    kind: EntityKind,
    fields: &'static [Field],
    get: fn(&E, Field) -> FieldValue,
    set: fn(&mut E, Field, FieldValue) -> bool,
    name: fn(&E) -> &str,
    /// The entity's own fields, without what the merge handles separately (an objective's
    /// features are merged on their own and attached afterwards).
    own: fn(&E) -> E,
    /// Whether two versions have the same own fields (as `own` keeps them).
    same_own: fn(&E, &E) -> bool,
}

const OBJECTIVE: Access<TeamObjective> = Access {
    kind: EntityKind::Objective,
    fields: &OBJECTIVE_FIELDS,
    get: objective_get,
    set: objective_set,
    name: |o| &o.name,
    own: objective_without_features,
    same_own: same_objective_fields,
};

const FEATURE: Access<Feature> = Access {
    kind: EntityKind::Feature,
    fields: &FEATURE_FIELDS,
    get: feature_get,
    set: feature_set,
    name: |f| &f.name,
    own: Feature::clone,
    same_own: Feature::eq,
};

/// Whether two objectives have the same fields, their features aside (the merge compares those
/// one by one).
fn same_objective_fields(a: &TeamObjective, b: &TeamObjective) -> bool {
    // Destructured, so a field added to `TeamObjective` cannot be forgotten here.
    let TeamObjective {
        id,
        name,
        description,
        status,
        effort,
        owner,
        committed,
        business_value,
        actual_business_value,
        program_objective,
        features: _,
    } = a;
    *id == b.id
        && *effort == b.effort
        && *committed == b.committed
        && *business_value == b.business_value
        && *actual_business_value == b.actual_business_value
        && *program_objective == b.program_objective
        && *status == b.status
        && *owner == b.owner
        && *name == b.name
        && *description == b.description
}

/// An objective's fields without its features (not cloned only to be dropped).
fn objective_without_features(o: &TeamObjective) -> TeamObjective {
    TeamObjective {
        id: o.id.clone(),
        name: o.name.clone(),
        description: o.description.clone(),
        status: o.status.clone(),
        effort: o.effort,
        owner: o.owner.clone(),
        committed: o.committed,
        business_value: o.business_value,
        actual_business_value: o.actual_business_value,
        program_objective: o.program_objective.clone(),
        // Room for the merged features, attached afterwards.
        features: Vec::with_capacity(o.features.len()),
    }
}

impl Merger {
    fn objectives(&mut self, base: &Plan, local: &Plan, remote: &Plan) -> Vec<TeamObjective> {
        let ids = |p: &Plan| {
            p.objectives
                .iter()
                .map(|o| o.id.clone())
                .collect::<Vec<_>>()
        };
        let (bo, lo, ro) = (index(base), index(local), index(remote));
        let mut out = Vec::with_capacity(local.objectives.len());
        for id in order::union(&ids(base), &ids(local), &ids(remote)) {
            // Whole objectives are compared (features included): an objective counts as
            // unchanged only if its features are too, so deleting it on one side never drops
            // work done under it on the other.
            let sides = Sides {
                base: bo.get(&id).copied(),
                local: lo.get(&id).copied(),
                remote: ro.get(&id).copied(),
            };
            if let Some(o) = self.entity(&id, &sides, &OBJECTIVE) {
                out.push(o);
            }
        }
        out
    }

    /// Merges every feature of the plan by id (wherever it sits) and returns each with the id of
    /// the objective it belongs to in the merged plan, in merged order.
    fn features(
        &mut self,
        base: &Plan,
        local: &Plan,
        remote: &Plan,
        objectives: &[TeamObjective],
    ) -> Vec<(EntityId, Feature)> {
        let (bf, lf, rf) = (by_id(base), by_id(local), by_id(remote));
        let order = |p: &Plan| p.features().map(|(_, f)| f.id.clone()).collect::<Vec<_>>();
        let merged: HashSet<&EntityId> = objectives.iter().map(|o| &o.id).collect();
        let mut out = Vec::with_capacity(lf.len());
        for id in order::union(&order(base), &order(local), &order(remote)) {
            let (b, l, r) = (bf.get(&id), lf.get(&id), rf.get(&id));
            let sides = Sides {
                base: b.map(|x| x.1),
                local: l.map(|x| x.1),
                remote: r.map(|x| x.1),
            };
            let kept = self.moved_and_deleted(&id, b, l, r);
            let Some(feature) = kept.or_else(|| self.entity(&id, &sides, &FEATURE)) else {
                continue;
            };
            let parent = self.parent(&feature, b, l, r, &merged);
            if let Some(parent) = parent {
                out.push((parent, feature));
            }
        }
        out
    }

    /// A feature moved to another objective on one side, unchanged there, and deleted on the
    /// other: the move is an edit, so this is an edit/delete conflict and the moved feature is
    /// kept (as for any other edit against a delete).
    fn moved_and_deleted(
        &mut self,
        id: &EntityId,
        b: Option<&(&EntityId, &Feature)>,
        l: Option<&(&EntityId, &Feature)>,
        r: Option<&(&EntityId, &Feature)>,
    ) -> Option<Feature> {
        let (base, kept) = match (b, l, r) {
            (Some(b), Some(k), None) | (Some(b), None, Some(k)) => (b, k),
            _ => return None,
        };
        if base.0 == kept.0 || base.1 != kept.1 {
            return None;
        }
        let presence = |side: Option<&(&EntityId, &Feature)>| {
            side.map_or(FieldValue::Missing, |x| FieldValue::Text(x.1.name.clone()))
        };
        self.conflicts.push(Conflict {
            kind: EntityKind::Feature,
            entity: id.clone(),
            name: kept.1.name.clone(),
            field: None,
            base: FieldValue::Text(base.1.name.clone()),
            local: presence(l),
            remote: presence(r),
        });
        Some(kept.1.clone())
    }

    /// The merged objective of a feature: a move on one side is taken; different moves conflict
    /// (local kept); a parent that no longer exists falls back to the other side's.
    fn parent(
        &mut self,
        feature: &Feature,
        b: Option<&(&EntityId, &Feature)>,
        l: Option<&(&EntityId, &Feature)>,
        r: Option<&(&EntityId, &Feature)>,
        objectives: &HashSet<&EntityId>,
    ) -> Option<EntityId> {
        let (bp, lp, rp) = (b.map(|x| x.0), l.map(|x| x.0), r.map(|x| x.0));
        let chosen = match (lp, rp) {
            (Some(lp), Some(rp)) if lp != rp => {
                if bp == Some(lp) {
                    rp
                } else if bp == Some(rp) {
                    lp
                } else {
                    self.conflicts.push(Conflict {
                        kind: EntityKind::Feature,
                        entity: feature.id.clone(),
                        name: feature.name.clone(),
                        field: Some(Field::Objective),
                        base: FieldValue::Link(bp.cloned()),
                        local: FieldValue::Link(Some(lp.clone())),
                        remote: FieldValue::Link(Some(rp.clone())),
                    });
                    lp
                }
            }
            (Some(p), _) | (None, Some(p)) => p,
            (None, None) => return None,
        };
        [Some(chosen), lp, rp]
            .into_iter()
            .flatten()
            .find(|id| objectives.contains(id))
            .cloned()
    }

    /// Three-way merge of one entity; `None` when it is gone from the merged plan.
    fn entity<E: Clone + PartialEq>(
        &mut self,
        id: &EntityId,
        s: &Sides<'_, E>,
        acc: &Access<E>,
    ) -> Option<E> {
        match (s.base, s.local, s.remote) {
            (_, Some(l), Some(r)) => Some(self.fields(id, s.base, l, r, acc)),
            (Some(b), Some(l), None) if l == b => {
                self.entity_change(id, acc, (acc.name)(b), Origin::Remote, false);
                None
            }
            (Some(b), None, Some(r)) if r == b => {
                self.entity_change(id, acc, (acc.name)(b), Origin::Local, false);
                None
            }
            // Edited on one side, deleted on the other: keep the edited one, report a conflict.
            (Some(_), Some(kept), None) | (Some(_), None, Some(kept)) => {
                self.conflicts.push(Conflict {
                    kind: acc.kind,
                    entity: id.clone(),
                    name: (acc.name)(kept).to_owned(),
                    field: None,
                    base: FieldValue::Text((acc.name)(s.base?).to_owned()),
                    local: side_presence(s.local, acc),
                    remote: side_presence(s.remote, acc),
                });
                Some((acc.own)(kept))
            }
            (None, Some(added), None) => {
                self.entity_change(id, acc, (acc.name)(added), Origin::Local, true);
                Some((acc.own)(added))
            }
            (None, None, Some(added)) => {
                self.entity_change(id, acc, (acc.name)(added), Origin::Remote, true);
                Some((acc.own)(added))
            }
            (_, None, None) => None,
        }
    }

    fn entity_change<E>(
        &mut self,
        id: &EntityId,
        acc: &Access<E>,
        name: &str,
        origin: Origin,
        added: bool,
    ) {
        let here = FieldValue::Text(name.to_owned());
        let (from, to) = if added {
            (FieldValue::Missing, here)
        } else {
            (here, FieldValue::Missing)
        };
        self.changes.push(Change {
            kind: acc.kind,
            entity: id.clone(),
            name: name.to_owned(),
            field: None,
            origin,
            from,
            to,
        });
    }

    /// Field by field merge of an entity present locally and remotely.
    fn fields<E: Clone + PartialEq>(
        &mut self,
        id: &EntityId,
        base: Option<&E>,
        local: &E,
        remote: &E,
        acc: &Access<E>,
    ) -> E {
        let mut out = (acc.own)(local);
        if base.is_some_and(|b| (acc.same_own)(b, local)) && (acc.same_own)(local, remote) {
            // Unchanged on both sides (the common case): nothing to merge or report.
            return out;
        }
        for &field in acc.fields {
            let b = base.map_or(FieldValue::Missing, |b| (acc.get)(b, field));
            let (l, r) = ((acc.get)(local, field), (acc.get)(remote, field));
            let Some((value, origin)) = merge_value(&b, &l, &r) else {
                self.conflicts.push(Conflict {
                    kind: acc.kind,
                    entity: id.clone(),
                    name: (acc.name)(local).to_owned(),
                    field: Some(field),
                    base: b,
                    local: l,
                    remote: r,
                });
                continue;
            };
            if let Some(origin) = origin.filter(|_| value != b && b != FieldValue::Missing) {
                self.changes.push(Change {
                    kind: acc.kind,
                    entity: id.clone(),
                    name: (acc.name)(local).to_owned(),
                    field: Some(field),
                    origin,
                    from: b,
                    to: value.clone(),
                });
            }
            (acc.set)(&mut out, field, value);
        }
        out
    }
}

/// The merged value of one field and where it came from; `None` for a conflict.
fn merge_value(
    b: &FieldValue,
    l: &FieldValue,
    r: &FieldValue,
) -> Option<(FieldValue, Option<Origin>)> {
    if l == r {
        let origin = (l != b).then_some(Origin::Both);
        return Some((l.clone(), origin));
    }
    if l == b {
        return Some((r.clone(), Some(Origin::Remote)));
    }
    if r == b {
        return Some((l.clone(), Some(Origin::Local)));
    }
    let merged = match (b, l, r) {
        (FieldValue::Text(b), FieldValue::Text(l), FieldValue::Text(r)) => {
            merge_text(b, l, r).map(FieldValue::Text)
        }
        (FieldValue::Criteria(b), FieldValue::Criteria(l), FieldValue::Criteria(r)) => {
            items::merge_items(&keyed(b), &keyed(l), &keyed(r), |x, y| {
                items::alike_text(&x.0, &y.0)
            })
            .map(|items| FieldValue::Criteria(unkeyed(items)))
        }
        _ => None,
    }?;
    Some((merged, Some(Origin::Both)))
}

/// Criteria as orderable, hashable items for the item-wise merge.
fn keyed(items: &[crate::Criterion]) -> Vec<(String, bool)> {
    items.iter().map(|c| (c.text.clone(), c.done)).collect()
}

fn unkeyed(items: Vec<(String, bool)>) -> Vec<crate::Criterion> {
    items
        .into_iter()
        .map(|(text, done)| crate::Criterion { text, done })
        .collect()
}

fn side_presence<E>(side: Option<&E>, acc: &Access<E>) -> FieldValue {
    side.map_or(FieldValue::Missing, |e| {
        FieldValue::Text((acc.name)(e).to_owned())
    })
}

fn index(plan: &Plan) -> HashMap<&EntityId, &TeamObjective> {
    plan.objectives.iter().map(|o| (&o.id, o)).collect()
}

/// Every feature of `plan` by id, with the id of its objective.
fn by_id(plan: &Plan) -> HashMap<&EntityId, (&EntityId, &Feature)> {
    let mut out = HashMap::with_capacity(plan.objectives.iter().map(|o| o.features.len()).sum());
    for o in &plan.objectives {
        out.extend(o.features.iter().map(|f| (&f.id, (&o.id, f))));
    }
    out
}

#[cfg(test)]
mod tests;
