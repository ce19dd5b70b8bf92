//! Seeded edits of a generated plan: field changes, criteria appends, edits and removals,
//! renames, adds, deletes and moves — what two planners do to one plan file at the same time.

use pi_model::Field;

use super::model::{Crit, Feat, Model, Obj};

/// splitmix64: a tiny seeded generator, the same sequence on every platform.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub const STATUSES: &[&str] = &["Pending", "Analyzing", "Implementing", "Done"];
pub const OWNERS: &[&str] = &[
    "Jane Doe",
    "Ravi Patel",
    "Mia Chen",
    "Sam Oneil",
    "Lea Roth",
];
const WORDS: &[&str] = &[
    "policy",
    "audit",
    "catalogue",
    "dashboards",
    "billing",
    "search",
    "alerts",
    "backup",
    "tenant",
    "rollout",
    "pipeline",
    "quota",
    "export",
    "gateway",
    "cache",
];

/// Hands out keys, unique across objectives, features and criteria of one triple.
#[derive(Debug, Default)]
pub struct Keys(u32);

impl Keys {
    pub fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

pub fn name(rng: &mut Rng, key: u32) -> String {
    let (a, b) = (rng.pick(WORDS), rng.pick(WORDS));
    let mut first = a.to_string();
    first[..1].make_ascii_uppercase();
    format!("{first} {b} {key}")
}

pub fn criterion(rng: &mut Rng, keys: &mut Keys) -> Crit {
    let key = keys.next();
    Crit {
        key,
        text: format!(
            "{} works for every {} case {key}",
            rng.pick(WORDS),
            rng.pick(WORDS)
        ),
        done: false,
    }
}

pub fn feature(rng: &mut Rng, keys: &mut Keys) -> Feat {
    let key = keys.next();
    let n = rng.below(4);
    Feat {
        key,
        name: name(rng, key),
        status: rng.pick(STATUSES).to_string(),
        effort: 1 + rng.below(20) as u32,
        owner: rng.pick(OWNERS).to_string(),
        criteria: (0..n).map(|_| criterion(rng, keys)).collect(),
    }
}

pub fn objective(rng: &mut Rng, keys: &mut Keys, with_tp: bool) -> Obj {
    let key = keys.next();
    let n = 1 + rng.below(4);
    Obj {
        key,
        tp: with_tp.then_some(1000 + i64::from(key)),
        name: name(rng, key),
        status: rng.pick(STATUSES).to_string(),
        effort: 1 + rng.below(40) as u32,
        owner: rng.pick(OWNERS).to_string(),
        features: (0..n).map(|_| feature(rng, keys)).collect(),
    }
}

/// What an edit touches: an objective or a feature, by key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Objective(u32),
    Feature(u32),
}

#[derive(Clone, Debug)]
#[allow(clippy::enum_variant_names)] // criterion edits among the other edits
pub enum Edit {
    Set(Target, Field, String),
    CriterionAppend(u32, Crit),
    CriterionEdit(u32, u32, String),
    CriterionToggle(u32, u32),
    CriterionRemove(u32, u32),
    AddFeature(u32, Feat),
    AddObjective(Obj),
    DeleteFeature(u32),
    MoveFeature(u32, u32),
}

/// Applies `edit`; an edit of something no longer there changes nothing.
pub fn apply(m: &mut Model, edit: &Edit) {
    match edit {
        Edit::Set(Target::Objective(k), field, v) => {
            if let Some(o) = m.objective_mut(*k) {
                set(
                    &mut o.name,
                    &mut o.status,
                    &mut o.effort,
                    &mut o.owner,
                    *field,
                    v,
                );
            }
        }
        Edit::Set(Target::Feature(k), field, v) => {
            if let Some(f) = m.feature_mut(*k) {
                set(
                    &mut f.name,
                    &mut f.status,
                    &mut f.effort,
                    &mut f.owner,
                    *field,
                    v,
                );
            }
        }
        Edit::CriterionAppend(k, c) => {
            if let Some(f) = m.feature_mut(*k) {
                f.criteria.push(c.clone());
            }
        }
        Edit::CriterionEdit(k, c, text) => criterion_mut(m, *k, *c, |c| c.text.clone_from(text)),
        Edit::CriterionToggle(k, c) => criterion_mut(m, *k, *c, |c| c.done = !c.done),
        Edit::CriterionRemove(k, c) => {
            if let Some(f) = m.feature_mut(*k) {
                f.criteria.retain(|x| x.key != *c);
            }
        }
        Edit::AddFeature(o, f) => {
            if let Some(o) = m.objective_mut(*o) {
                o.features.push(f.clone());
            }
        }
        Edit::AddObjective(o) => m.objectives.push(o.clone()),
        Edit::DeleteFeature(k) => {
            if let Some((oi, fi)) = m.feature(*k) {
                m.objectives[oi].features.remove(fi);
            }
        }
        Edit::MoveFeature(k, to) => {
            if let Some((oi, fi)) = m.feature(*k) {
                let f = m.objectives[oi].features.remove(fi);
                if let Some(o) = m.objective_mut(*to) {
                    o.features.push(f);
                }
            }
        }
    }
}

fn set(
    name: &mut String,
    status: &mut String,
    effort: &mut u32,
    owner: &mut String,
    field: Field,
    v: &str,
) {
    match field {
        Field::Name => *name = v.to_owned(),
        Field::Status => *status = v.to_owned(),
        Field::Effort => *effort = v.parse().expect("generated efforts are numbers"),
        Field::Owner => *owner = v.to_owned(),
        _ => unreachable!("the generator sets names, statuses, efforts and owners"),
    }
}

fn criterion_mut(m: &mut Model, feature: u32, key: u32, change: impl FnOnce(&mut Crit)) {
    if let Some(c) = m
        .feature_mut(feature)
        .and_then(|f| f.criteria.iter_mut().find(|c| c.key == key))
    {
        change(c);
    }
}

/// A value for `field` different from `old`; `side` makes two sides' values differ.
pub fn new_value(rng: &mut Rng, field: Field, old: &str, side: &str) -> String {
    match field {
        Field::Name => {
            let key = old.rsplit(' ').next().unwrap_or("0");
            format!("{} {} {side} {key}", capital(old), rng.pick(WORDS))
        }
        Field::Effort => loop {
            let v = (1 + rng.below(40)).to_string();
            if v != old {
                break if side == "r" { format!("{v}0") } else { v };
            }
        },
        _ => {
            let pool = if field == Field::Status {
                STATUSES
            } else {
                OWNERS
            };
            let others: Vec<&&str> = pool.iter().filter(|v| **v != old).collect();
            let v = **rng.pick(&others);
            if side == "r" {
                format!("{v} R")
            } else {
                v.to_owned()
            }
        }
    }
}

fn capital(name: &str) -> String {
    name.split(' ').next().unwrap_or("Epic").to_owned()
}
