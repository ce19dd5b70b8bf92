//! The reference model of a chaos scenario: a ledger of every edit made on either side and every
//! conflict the engine reported, and the check of the final Targetprocess state against it.
//!
//! Entities are named by their *handle*: the Targetprocess id of a seeded entity, the local id
//! (`new:…`) of one created in the plan file (its Targetprocess id is learned from the journal).
//! For each (entity, field) only the last local edit and the last Targetprocess edit matter:
//!
//! * no edit: the field keeps its initial value;
//! * only one side edited: that side's value;
//! * both, same value: that value;
//! * Targetprocess first, local later: the local value; if the pull had not brought the
//!   Targetprocess edit in before the local edit was made, the engine must have reported a
//!   conflict (the planner overwrote an edit they never saw);
//! * local first, Targetprocess later: if the local value had reached Targetprocess before the
//!   Targetprocess edit, either value may win (taking the later edit is a pull; keeping the
//!   local one needs a reported conflict); if it had not, the engine must have reported a
//!   conflict and the local value wins (conflicts are always resolved "keep mine").
//!
//! A feature deleted locally must be gone, unless the engine reported the delete as a conflict
//! (edited in Targetprocess, deleted locally: the merge keeps the edited entity) or the planner
//! edited it again afterwards; a Targetprocess edit of it that the planner had not seen before
//! deleting it must have been reported as a conflict.

use std::collections::{BTreeMap, BTreeSet};

use pi_model::merge::{FieldValue, feature_get, objective_get};
use pi_model::{EntityId, Field, Plan};

/// A field of an entity, or the entity's existence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    Field(Field),
    Presence,
}

/// The fields the model follows (the generator edits these).
pub const OBJECTIVE_SLOTS: [Field; 5] = [
    Field::Name,
    Field::Description,
    Field::Status,
    Field::Effort,
    Field::Owner,
];
pub const FEATURE_SLOTS: [Field; 6] = [
    Field::Name,
    Field::Description,
    Field::Status,
    Field::Effort,
    Field::Owner,
    Field::AcceptanceCriteria,
];

pub type Key = (EntityId, Slot);

#[derive(Clone, Debug, PartialEq)]
pub struct LocalEdit {
    pub step: usize,
    pub value: FieldValue,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TpEdit {
    pub step: usize,
    /// Targetprocess's value just before the edit.
    pub before: FieldValue,
    pub value: FieldValue,
}

/// A conflict (pull, resolve, push completion) or a stale field (push preflight) the engine
/// reported.
#[derive(Clone, Debug, PartialEq)]
pub struct Reported {
    pub step: usize,
    pub entity: EntityId,
    pub slot: Slot,
    pub remote: FieldValue,
}

#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// Every followed field of every seeded entity, as `init` saw it.
    pub initial: BTreeMap<Key, FieldValue>,
    pub local: BTreeMap<Key, LocalEdit>,
    pub tp: BTreeMap<Key, TpEdit>,
    /// Steps at which a pull or a completed push merged Targetprocess's state into the plan.
    pub syncs: Vec<usize>,
    /// Every local edit of each field, in order (`local` holds the last).
    pub local_history: BTreeMap<Key, Vec<LocalEdit>>,
    /// Every Targetprocess edit of each field as recorded, in order.
    pub tp_history: BTreeMap<Key, Vec<TpEdit>>,
    pub reported: Vec<Reported>,
}

impl Ledger {
    /// Records the initial plan: every followed field of every entity.
    pub fn record_initial(&mut self, plan: &Plan) {
        for (id, slot, value) in values(plan) {
            self.initial.insert((id, slot), value);
        }
    }

    /// Records a local edit. Editing a field of an entity also says the planner keeps it.
    pub fn local_edit(&mut self, entity: EntityId, slot: Slot, step: usize, value: FieldValue) {
        if slot != Slot::Presence {
            // Editing an item deleted before: the merge put it back (an edit/delete conflict)
            // with Targetprocess's values; the edits made before the delete went with it.
            let deleted_at = self
                .local
                .get(&(entity.clone(), Slot::Presence))
                .filter(|p| p.value == FieldValue::Missing)
                .map(|p| p.step);
            if let Some(d) = deleted_at {
                self.local
                    .retain(|(e, s), l| e != &entity || *s == Slot::Presence || l.step > d);
            }
            let present = FieldValue::Text("present".into());
            self.local.insert(
                (entity.clone(), Slot::Presence),
                LocalEdit {
                    step,
                    value: present,
                },
            );
        }
        let edit = LocalEdit { step, value };
        self.local_history
            .entry((entity.clone(), slot))
            .or_default()
            .push(edit.clone());
        self.local.insert((entity, slot), edit);
    }

    /// Records a Targetprocess edit. `before` stays the value before the first Targetprocess
    /// edit since the last local edit of the field: whether the local value had reached
    /// Targetprocess is decided there.
    ///
    /// An edit that leaves the value as it was in plan terms (the Jira sync rewriting criteria
    /// HTML, a status set to the one it had) changes nothing the planner could lose: not recorded.
    pub fn tp_edit(&mut self, entity: EntityId, field: Field, mut edit: TpEdit) {
        if same(&edit.before, &edit.value) {
            return;
        }
        let key = (entity, Slot::Field(field));
        let local_step = self.local.get(&key).map(|l| l.step);
        if let Some(prev) = self.tp.get(&key)
            && local_step.is_none_or(|l| l < prev.step)
        {
            // An earlier edit that gave Targetprocess the local value (the same edit on both
            // sides) is where the local value reached it.
            let alike = self
                .local
                .get(&key)
                .is_some_and(|l| same(&l.value, &prev.value));
            edit.before = if alike {
                prev.value.clone()
            } else {
                prev.before.clone()
            };
        }
        if same(&edit.before, &edit.value) {
            // Changed and changed back: nothing of it is left to keep or lose.
            self.tp.remove(&key);
            return;
        }
        self.tp_history
            .entry(key.clone())
            .or_default()
            .push(edit.clone());
        self.tp.insert(key, edit);
    }

    /// A Targetprocess edit that puts a field back to `value`, the value of the last sync: the
    /// engine compares states and sees no change of it in Targetprocess since then. The
    /// Targetprocess side of the field is its last earlier edit to that value (what the sync
    /// holds), or none.
    pub fn tp_edit_undone(
        &mut self,
        entity: EntityId,
        field: Field,
        step: usize,
        value: &FieldValue,
    ) {
        let key = (entity, Slot::Field(field));
        let earlier = self
            .tp_history
            .get(&key)
            .and_then(|h| {
                h.iter()
                    .rev()
                    .find(|e| e.step < step && same(&e.value, value))
            })
            .cloned();
        match earlier {
            Some(edit) => {
                self.tp.insert(key, edit);
            }
            None => {
                self.tp.remove(&key);
            }
        }
    }

    /// Records that a pull or a completed push merged Targetprocess's state into the plan.
    pub fn synced(&mut self, step: usize) {
        self.syncs.push(step);
    }

    /// A local edit that puts a field back to `value`, the value of the last sync: the plan file
    /// shows no change of it since then (a sync compares states, not keystrokes). The local side
    /// of the field is the planner's last earlier edit to that value (it is what the sync holds,
    /// pushed), or none (the value came from Targetprocess or was never changed).
    pub fn local_edit_undone(&mut self, entity: EntityId, slot: Slot, value: &FieldValue) {
        let key = (entity, slot);
        let earlier = self
            .local_history
            .get(&key)
            .and_then(|h| h.iter().rev().find(|e| same(&e.value, value)))
            .cloned();
        match earlier {
            Some(edit) => {
                self.local_history
                    .entry(key.clone())
                    .or_default()
                    .push(edit.clone());
                self.local.insert(key, edit);
            }
            None => {
                self.local.remove(&key);
            }
        }
    }

    pub fn report(&mut self, r: Reported) {
        if !self.reported.contains(&r) {
            self.reported.push(r);
        }
    }

    /// Whether Targetprocess's state was merged into the plan strictly between two steps.
    fn seen_between(&self, after: usize, before: usize) -> bool {
        self.syncs.iter().any(|s| *s > after && *s < before)
    }

    /// Whether the engine reported a conflict of `slot` of `entity` at `step` or later: for a
    /// field, with `remote` as Targetprocess's value, or an edit/delete conflict of the entity.
    fn reported_since(
        &self,
        entity: &EntityId,
        slot: Slot,
        step: usize,
        remote: &FieldValue,
    ) -> bool {
        self.reported.iter().any(|r| {
            &r.entity == entity
                && r.step >= step
                && (r.slot == Slot::Presence || (r.slot == slot && same(&r.remote, remote)))
        })
    }

    /// Checks the final Targetprocess plan (`tp`, its ids mapped back to handles by `handle`)
    /// against the ledger. The first broken expectation is the error.
    pub fn check(&self, tp: &Plan, handle: &dyn Fn(&EntityId) -> EntityId) -> Result<(), String> {
        let finals: BTreeMap<Key, FieldValue> = values(tp)
            .into_iter()
            .map(|(id, slot, value)| ((handle(&id), slot), value))
            .collect();
        let present: BTreeSet<&EntityId> = finals.keys().map(|(e, _)| e).collect();
        let deleted: BTreeMap<&EntityId, usize> = self
            .local
            .iter()
            .filter(|((_, s), e)| *s == Slot::Presence && e.value == FieldValue::Missing)
            .map(|((id, _), e)| (id, e.step))
            .collect();
        // A delete the engine answered with an edit/delete conflict: the merge put the edited
        // entity back and the planner was told; either outcome is theirs to choose.
        let contested: BTreeSet<&EntityId> = deleted
            .iter()
            .filter(|(id, step)| {
                self.reported
                    .iter()
                    .any(|r| &&r.entity == *id && r.slot == Slot::Presence && r.step >= **step)
            })
            .map(|(id, _)| *id)
            .collect();
        // Existence: a deleted entity is gone, every other known one is there.
        let known: BTreeSet<&EntityId> = self
            .initial
            .keys()
            .chain(self.local.keys())
            .map(|(e, _)| e)
            .collect();
        for id in known {
            if contested.contains(id) {
                continue;
            }
            match (deleted.get(id), present.contains(id)) {
                (Some(&step), true) => {
                    return Err(format!(
                        "local delete lost: {id} deleted at step {step} is still in Targetprocess"
                    ));
                }
                (None, false) => {
                    return Err(format!("entity lost: {id} is missing from Targetprocess"));
                }
                _ => {}
            }
        }
        // A Targetprocess edit of a deleted entity the planner had not seen: reported.
        for ((id, slot), t) in &self.tp {
            let Some(&d) = deleted.get(id) else { continue };
            if contested.contains(id) {
                continue;
            }
            let unseen = t.step > d || !self.seen_between(t.step, d);
            if unseen && !self.reported_since(id, *slot, t.step, &t.value) {
                return Err(format!(
                    "TP edit lost without a conflict: {slot:?} of {id} edited in TP at step {} \
                     and deleted locally at step {d}",
                    t.step
                ));
            }
        }
        let keys: BTreeSet<&Key> = self
            .initial
            .keys()
            .chain(self.local.keys())
            .chain(self.tp.keys())
            .filter(|(id, s)| {
                *s != Slot::Presence
                    && (!deleted.contains_key(id)
                        || (contested.contains(id) && present.contains(id)))
            })
            .collect();
        for key in keys {
            let (id, slot) = key;
            let found = finals.get(key).cloned().unwrap_or(FieldValue::Missing);
            let what = format!("{slot:?} of {id}");
            let expect = |v: &FieldValue, why: &str| -> Result<(), String> {
                if same(&found, v) {
                    Ok(())
                } else {
                    Err(format!("{why}: {what} is {found:?} in TP, expected {v:?}"))
                }
            };
            // The edits a planner made before deleting an entity went with the delete; if the
            // merge put it back (a contested delete), they are not expected in it.
            let local = self
                .local
                .get(key)
                .filter(|l| !contested.contains(id) || deleted.get(id).is_none_or(|d| l.step > *d));
            // Such an edit — any of them — may have reached Targetprocess before the delete,
            // though.
            let before_delete = local.is_none()
                && self.local.contains_key(key)
                && self.local_history.get(key).is_some_and(|h| {
                    h.iter().any(|l| {
                        deleted.get(id).is_none_or(|d| l.step < *d) && same(&found, &l.value)
                    })
                });
            if before_delete {
                continue;
            }
            match (local, self.tp.get(key)) {
                (None, None) => {
                    if let Some(v) = self.initial.get(key) {
                        expect(v, "unedited field changed")?;
                    }
                }
                (Some(l), None) => expect(&l.value, "local edit lost")?,
                (None, Some(t)) => expect(&t.value, "TP edit lost")?,
                (Some(l), Some(t)) if same(&l.value, &t.value) => {
                    expect(&l.value, "edit made on both sides lost")?;
                }
                (Some(l), Some(t)) if t.step < l.step => {
                    expect(&l.value, "local edit lost")?;
                    if !self.seen_between(t.step, l.step)
                        && !self.reported_since(id, *slot, t.step, &t.value)
                    {
                        return Err(format!(
                            "TP edit overwritten without a conflict: {what} edited in TP at step {} \
                             ({:?}), overwritten by the local edit of step {} that never saw it",
                            t.step, t.value, l.step
                        ));
                    }
                }
                (Some(l), Some(t)) => {
                    let landed = same(&t.before, &l.value);
                    let reported = self.reported_since(id, *slot, t.step, &t.value);
                    if landed && same(&found, &t.value) {
                        continue;
                    }
                    expect(
                        &l.value,
                        if landed {
                            "neither edit kept"
                        } else {
                            "local edit lost"
                        },
                    )?;
                    if !reported {
                        return Err(format!(
                            "TP edit overwritten without a conflict: {what} edited in TP at step {} \
                             ({:?}) after the local edit of step {} ({:?}; {})",
                            t.step,
                            t.value,
                            l.step,
                            l.value,
                            if landed {
                                "already in TP"
                            } else {
                                "not yet in TP"
                            }
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Every followed field of every entity of `plan`, and each entity's presence.
pub fn values(plan: &Plan) -> Vec<(EntityId, Slot, FieldValue)> {
    let mut out = Vec::new();
    for o in &plan.objectives {
        out.push((
            o.id.clone(),
            Slot::Presence,
            FieldValue::Text("present".into()),
        ));
        for f in OBJECTIVE_SLOTS {
            out.push((o.id.clone(), Slot::Field(f), objective_get(o, f)));
        }
        for x in &o.features {
            out.push((
                x.id.clone(),
                Slot::Presence,
                FieldValue::Text("present".into()),
            ));
            for f in FEATURE_SLOTS {
                out.push((x.id.clone(), Slot::Field(f), feature_get(x, f)));
            }
        }
    }
    out
}

/// Equal, with text compared after the markdown normalisation Targetprocess's HTML round trip
/// needs.
pub fn same(a: &FieldValue, b: &FieldValue) -> bool {
    match (a, b) {
        (FieldValue::Text(a), FieldValue::Text(b)) => {
            pi_targetprocess::text::normalize_markdown(a)
                == pi_targetprocess::text::normalize_markdown(b)
        }
        _ => a == b,
    }
}
