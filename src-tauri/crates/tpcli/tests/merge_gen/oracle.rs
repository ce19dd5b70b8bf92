//! The expected merge of a generated triple, decided on the generator's keys (true identities)
//! rather than on ids or names: which fields conflict, and the merged plan.
//!
//! Rules: per entity and field, one side's change is taken, the same change once, different
//! changes conflict (the local value kept). A feature deleted on one side and changed (fields,
//! criteria or objective) on the other is a conflict on the whole feature, kept. Criteria merge
//! by criterion: different edits of one, or an edit against a removal, conflict; appends of both
//! sides are all kept, local's first. Additions of both sides are all kept.

use std::collections::BTreeSet;

use pi_model::Field;

use super::model::{Crit, Feat, Model, Obj};

/// A conflict the oracle expects: the entity's key and the field (`None`: the whole entity).
pub type Expected = BTreeSet<(u32, Option<Field>)>;

pub struct Outcome {
    pub conflicts: Expected,
    pub merged: Model,
}

/// Three-way value: `Ok(merged)` or `Err(local)` for a conflict.
fn three<T: Clone + PartialEq>(b: &T, l: &T, r: &T) -> Result<T, T> {
    if l == r || r == b {
        Ok(l.clone())
    } else if l == b {
        Ok(r.clone())
    } else {
        Err(l.clone())
    }
}

pub fn merge(base: &Model, local: &Model, remote: &Model) -> Outcome {
    let mut conflicts = Expected::new();
    let mut objectives: Vec<Obj> = Vec::new();
    for key in union(
        &objective_keys(base),
        &objective_keys(local),
        &objective_keys(remote),
    ) {
        let find = |m: &Model| m.objectives.iter().find(|o| o.key == key).cloned();
        let merged = match (find(base), find(local), find(remote)) {
            (Some(b), Some(l), Some(r)) => merge_objective(&b, &l, &r, &mut conflicts),
            (_, Some(x), _) | (_, None, Some(x)) => x,
            _ => continue,
        };
        objectives.push(Obj {
            features: vec![],
            ..merged
        });
    }
    let keys = union(
        &feature_keys(base),
        &feature_keys(local),
        &feature_keys(remote),
    );
    for key in keys {
        let (b, l, r) = (placed(base, key), placed(local, key), placed(remote, key));
        if let Some((parent, f)) = merge_feature(key, b, l, r, &mut conflicts)
            && let Some(o) = objectives.iter_mut().find(|o| o.key == parent)
        {
            o.features.push(f);
        }
    }
    Outcome {
        conflicts,
        merged: Model { objectives },
    }
}

fn merge_objective(b: &Obj, l: &Obj, r: &Obj, conflicts: &mut Expected) -> Obj {
    let mut field = |f: Field, bv: &str, lv: &str, rv: &str| {
        three(&bv.to_owned(), &lv.to_owned(), &rv.to_owned()).unwrap_or_else(|v| {
            conflicts.insert((b.key, Some(f)));
            v
        })
    };
    Obj {
        key: b.key,
        tp: l.tp,
        name: field(Field::Name, &b.name, &l.name, &r.name),
        status: field(Field::Status, &b.status, &l.status, &r.status),
        effort: field(
            Field::Effort,
            &b.effort.to_string(),
            &l.effort.to_string(),
            &r.effort.to_string(),
        )
        .parse()
        .expect("efforts are numbers"),
        owner: field(Field::Owner, &b.owner, &l.owner, &r.owner),
        features: vec![],
    }
}

type Placed = Option<(u32, Feat)>;

fn merge_feature(key: u32, b: Placed, l: Placed, r: Placed, conflicts: &mut Expected) -> Placed {
    match (b, l, r) {
        (Some(b), Some(l), Some(r)) => {
            let parent = three(&b.0, &l.0, &r.0).unwrap_or_else(|v| {
                conflicts.insert((key, Some(Field::Objective)));
                v
            });
            Some((parent, feature_fields(&b.1, &l.1, &r.1, conflicts)))
        }
        (Some(b), Some(x), None) | (Some(b), None, Some(x)) => {
            if x == b {
                return None;
            }
            conflicts.insert((key, None));
            Some(x)
        }
        (None, Some(x), _) | (None, None, Some(x)) => Some(x),
        (Some(_), None, None) => None,
        (None, None, None) => None,
    }
}

fn feature_fields(b: &Feat, l: &Feat, r: &Feat, conflicts: &mut Expected) -> Feat {
    let mut field = |f: Field, bv: String, lv: String, rv: String| {
        three(&bv, &lv, &rv).unwrap_or_else(|v| {
            conflicts.insert((b.key, Some(f)));
            v
        })
    };
    let name = field(Field::Name, b.name.clone(), l.name.clone(), r.name.clone());
    let status = field(
        Field::Status,
        b.status.clone(),
        l.status.clone(),
        r.status.clone(),
    );
    let effort = field(
        Field::Effort,
        b.effort.to_string(),
        l.effort.to_string(),
        r.effort.to_string(),
    );
    let owner = field(
        Field::Owner,
        b.owner.clone(),
        l.owner.clone(),
        r.owner.clone(),
    );
    let criteria = merge_criteria(&b.criteria, &l.criteria, &r.criteria).unwrap_or_else(|| {
        conflicts.insert((b.key, Some(Field::AcceptanceCriteria)));
        l.criteria.clone()
    });
    Feat {
        key: b.key,
        name,
        status,
        effort: effort.parse().expect("efforts are numbers"),
        owner,
        criteria,
    }
}

/// Criterion by criterion; `None` for a conflict.
fn merge_criteria(b: &[Crit], l: &[Crit], r: &[Crit]) -> Option<Vec<Crit>> {
    let find = |list: &[Crit], key: u32| list.iter().find(|c| c.key == key).cloned();
    let mut out = Vec::new();
    for c in b {
        let value = |x: Option<Crit>| x.map(|c| (c.text, c.done));
        let (bv, lv, rv) = (
            value(Some(c.clone())),
            value(find(l, c.key)),
            value(find(r, c.key)),
        );
        match three(&bv, &lv, &rv) {
            Ok(Some((text, done))) => out.push(Crit {
                key: c.key,
                text,
                done,
            }),
            Ok(None) => {}
            Err(_) => return None,
        }
    }
    let is_new = |c: &&Crit| !b.iter().any(|x| x.key == c.key);
    out.extend(l.iter().filter(is_new).cloned());
    out.extend(r.iter().filter(is_new).cloned());
    Some(out)
}

fn placed(m: &Model, key: u32) -> Placed {
    let (oi, fi) = m.feature(key)?;
    let o = &m.objectives[oi];
    Some((o.key, o.features[fi].clone()))
}

fn objective_keys(m: &Model) -> Vec<u32> {
    m.objectives.iter().map(|o| o.key).collect()
}

fn feature_keys(m: &Model) -> Vec<u32> {
    m.keys_in_file_order().1
}

/// Base keys, then keys local added, then keys remote added.
fn union(b: &[u32], l: &[u32], r: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = b.to_vec();
    for k in l.iter().chain(r) {
        if !out.contains(k) {
            out.push(*k);
        }
    }
    out
}
