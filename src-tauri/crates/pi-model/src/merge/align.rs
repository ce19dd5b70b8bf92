//! Re-identifying entities whose ids a file did not carry.
//!
//! Plan files of the earlier tpcli tool write no id for most epics (and some objectives); the
//! importer gives them ids derived from their names, so a rename there changes the id. Merged as
//! they are, an epic renamed on both sides would be two new epics and its base gone — a silent
//! duplicate. Before merging, each side's entities with such derived ids that match no base id
//! are matched to the base entities that lost theirs, by structure: the same objective, the same
//! place between entities matched by id, and half the fields alike (a third for the one entity
//! gone and the one come at a place; a lone pair with nothing but a name is matched by place).
//! A feature moved to another objective is matched when its name and half its fields are alike
//! and no other candidate is. A matched entity takes the base's id, and the merge then sees a
//! rename (a conflict when both sides renamed it differently). Entities with ids written in the
//! file are never re-identified.

use std::collections::{HashMap, HashSet};

use super::items::alike_text;
use super::value::{FEATURE_FIELDS, FieldValue, OBJECTIVE_FIELDS, feature_get, objective_get};
use crate::{EntityId, Feature, Field, Plan, TeamObjective};

/// Which ids may be re-identified: `base` says which base ids a rename may have replaced (ids
/// derived from names), `side` which of the side's ids were derived from names in its file.
pub struct Derived<'a> {
    pub base: &'a dyn Fn(&EntityId) -> bool,
    pub side: &'a dyn Fn(&EntityId) -> bool,
}

impl std::fmt::Debug for Derived<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Derived { base: fn, side: fn }")
    }
}

/// Gives the side's renamed (or moved) entities with derived ids the ids they have in the base;
/// returns how many were re-identified.
pub fn align_derived_ids(base: &Plan, side: &mut Plan, derived: &Derived<'_>) -> usize {
    let objectives = align_objectives(base, side, derived);
    objectives + align_features(base, side, derived)
}

/// One entity in a sequence: its id, its place (parent and how many entities matched by id
/// precede it there), its name and the values of its other fields.
struct Item {
    id: EntityId,
    place: (Option<EntityId>, usize),
    name: String,
    values: Vec<FieldValue>,
}

fn align_objectives(base: &Plan, side: &mut Plan, derived: &Derived<'_>) -> usize {
    let view = |p: &Plan| -> Vec<(Option<EntityId>, EntityId, String, Vec<FieldValue>)> {
        p.objectives
            .iter()
            .map(|o| (None, o.id.clone(), o.name.clone(), objective_values(o)))
            .collect()
    };
    let pairs = pair(&view(base), &view(side), derived);
    for (s, id) in &pairs {
        side.objectives[*s].id = id.clone();
    }
    pairs.len()
}

fn align_features(base: &Plan, side: &mut Plan, derived: &Derived<'_>) -> usize {
    let view = |p: &Plan| -> Vec<(Option<EntityId>, EntityId, String, Vec<FieldValue>)> {
        p.objectives
            .iter()
            .flat_map(|o| o.features.iter().map(move |f| (o, f)))
            .map(|(o, f)| {
                (
                    Some(o.id.clone()),
                    f.id.clone(),
                    f.name.clone(),
                    feature_values(f),
                )
            })
            .collect()
    };
    let pairs = pair(&view(base), &view(side), derived);
    let mut at: HashMap<usize, EntityId> = pairs.into_iter().collect();
    let count = at.len();
    let features = side
        .objectives
        .iter_mut()
        .flat_map(|o| o.features.iter_mut());
    for (i, f) in features.enumerate() {
        if let Some(id) = at.remove(&i) {
            f.id = id;
        }
    }
    count
}

fn objective_values(o: &TeamObjective) -> Vec<FieldValue> {
    OBJECTIVE_FIELDS
        .iter()
        .filter(|f| **f != Field::Name)
        .map(|f| objective_get(o, *f))
        .collect()
}

fn feature_values(f: &Feature) -> Vec<FieldValue> {
    FEATURE_FIELDS
        .iter()
        .filter(|x| **x != Field::Name)
        .map(|x| feature_get(f, *x))
        .collect()
}

/// The places of a sequence: parent and the number of anchors (ids the other side has too)
/// before each item under that parent.
fn items(
    seq: &[(Option<EntityId>, EntityId, String, Vec<FieldValue>)],
    other: &HashSet<&EntityId>,
) -> Vec<Item> {
    let mut anchors: HashMap<Option<EntityId>, usize> = HashMap::new();
    seq.iter()
        .map(|(parent, id, name, values)| {
            let n = anchors.entry(parent.clone()).or_default();
            let place = (parent.clone(), *n);
            if other.contains(id) {
                *n += 1;
            }
            Item {
                id: id.clone(),
                place,
                name: name.clone(),
                values: values.clone(),
            }
        })
        .collect()
}

/// Side index → base id for every side entity re-identified.
fn pair(
    base: &[(Option<EntityId>, EntityId, String, Vec<FieldValue>)],
    side: &[(Option<EntityId>, EntityId, String, Vec<FieldValue>)],
    derived: &Derived<'_>,
) -> Vec<(usize, EntityId)> {
    let base_ids: HashSet<&EntityId> = base.iter().map(|x| &x.1).collect();
    let side_ids: HashSet<&EntityId> = side.iter().map(|x| &x.1).collect();
    let b = items(base, &side_ids);
    let s = items(side, &base_ids);
    let open_b: Vec<usize> = (0..b.len())
        .filter(|&i| !side_ids.contains(&b[i].id) && (derived.base)(&b[i].id))
        .collect();
    let open_s: Vec<usize> = (0..s.len())
        .filter(|&i| !base_ids.contains(&s[i].id) && (derived.side)(&s[i].id))
        .collect();
    if open_b.is_empty() || open_s.is_empty() {
        return Vec::new();
    }
    let mut taken: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    for &si in &open_s {
        if let Some(bi) = same_place(&b, &s[si], &open_b, &taken, &s, &open_s) {
            taken.insert(bi);
            out.push((si, b[bi].id.clone()));
        }
    }
    let paired: HashSet<usize> = out.iter().map(|(si, _)| *si).collect();
    for &si in open_s.iter().filter(|si| !paired.contains(si)) {
        if let Some(bi) = moved(&b, &s[si], &open_b, &taken) {
            taken.insert(bi);
            out.push((si, b[bi].id.clone()));
        }
    }
    out
}

/// The most alike open base item at the side item's place, if alike enough; a lone pair at one
/// place with no field but a name is matched by place alone.
fn same_place(
    b: &[Item],
    item: &Item,
    open_b: &[usize],
    taken: &HashSet<usize>,
    s: &[Item],
    open_s: &[usize],
) -> Option<usize> {
    let here: Vec<usize> = open_b
        .iter()
        .copied()
        .filter(|&bi| !taken.contains(&bi) && b[bi].place == item.place)
        .collect();
    let lone_side = open_s.iter().filter(|&&i| s[i].place == item.place).count() == 1;
    if let ([bi], true) = (here.as_slice(), lone_side) {
        // One entity gone and one come at the same place: a third alike is enough (a delete and
        // an add taken for a rename can only add a conflict, never hide one).
        let (same, total) = likeness(&b[*bi], item);
        let named_only = only_named(&b[*bi]) && only_named(item);
        return (3 * same >= total || named_only).then_some(*bi);
    }
    let mut best: Option<(usize, usize, usize)> = None;
    for &bi in &here {
        let (same, total) = likeness(&b[bi], item);
        if 2 * same >= total && best.is_none_or(|(_, s0, t0)| same * t0 > s0 * total) {
            best = Some((bi, same, total));
        }
    }
    best.map(|(bi, _, _)| bi)
}

/// An open base item elsewhere with an alike name and at least half the fields alike (the name
/// counted), when it is the only one.
fn moved(b: &[Item], item: &Item, open_b: &[usize], taken: &HashSet<usize>) -> Option<usize> {
    let mut found = open_b.iter().copied().filter(|&bi| {
        let (same, total) = likeness(&b[bi], item);
        !taken.contains(&bi) && alike_text(&b[bi].name, &item.name) && 2 * same >= total
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// (fields alike, fields counted): the name and every other field set on either side. Names
/// are alike when half their words are shared, criteria when half of them are.
fn likeness(a: &Item, b: &Item) -> (usize, usize) {
    let mut same = usize::from(alike_text(&a.name, &b.name));
    let mut total = 1;
    for (x, y) in a.values.iter().zip(&b.values) {
        if is_empty(x) && is_empty(y) {
            continue;
        }
        total += 1;
        same += usize::from(alike_value(x, y));
    }
    (same, total)
}

fn alike_value(x: &FieldValue, y: &FieldValue) -> bool {
    match (x, y) {
        (FieldValue::Criteria(a), FieldValue::Criteria(b)) => {
            let common = a
                .iter()
                .filter(|c| b.iter().any(|d| d.text == c.text))
                .count();
            common * 2 >= a.len().max(b.len())
        }
        _ => x == y,
    }
}

fn only_named(item: &Item) -> bool {
    item.values.iter().all(is_empty)
}

fn is_empty(v: &FieldValue) -> bool {
    match v {
        FieldValue::Missing | FieldValue::Flag(false) => true,
        FieldValue::Text(t) => t.trim().is_empty(),
        FieldValue::OptText(t) => t.as_deref().is_none_or(|t| t.trim().is_empty()),
        FieldValue::Effort(e) => e.is_none(),
        FieldValue::Number(n) => n.is_none(),
        FieldValue::Link(l) => l.is_none(),
        FieldValue::Criteria(c) => c.is_empty(),
        FieldValue::Jira(j) => j.is_none(),
        FieldValue::Flag(true) => false,
    }
}

#[cfg(test)]
mod tests;
