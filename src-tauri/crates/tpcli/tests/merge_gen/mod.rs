//! Seeded base/local/remote triples of plan files with concurrent edits, in the current layout
//! and in the old tpcli layout, each with the oracle's expected merge; and the scoring of a merge
//! tool's result against it (false conflicts, missed conflicts, duplicated items, lost edits).
//! Shared by the merge-driver test and the comparison benchmark.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // shared by a test and a bench

pub mod edits;
pub mod model;
pub mod oracle;

use std::collections::HashMap;

use pi_model::{EntityId, Field, Plan};

use edits::{Edit, Keys, Rng, Target};
use model::{Layout, Model};

/// One generated case.
pub struct Triple {
    pub seed: u64,
    pub layout: Layout,
    pub base: Model,
    pub local: Model,
    pub remote: Model,
    pub expected: oracle::Outcome,
}

impl Triple {
    pub fn texts(&self) -> [String; 3] {
        [&self.base, &self.local, &self.remote].map(|m| m.write(self.layout))
    }
}

/// The triple of `seed`, in either layout: about one in four has a true conflict.
pub fn triple(seed: u64) -> Triple {
    triple_in(seed, None)
}

/// The triple of `seed` in `layout` (`None`: the seed picks it).
pub fn triple_in(seed: u64, layout: Option<Layout>) -> Triple {
    let mut rng = Rng::new(seed);
    let picked = if rng.chance(50) {
        Layout::Legacy
    } else {
        Layout::Current
    };
    let layout = layout.unwrap_or(picked);
    let mut keys = Keys::default();
    let objectives = 2 + rng.below(3);
    let base = Model {
        objectives: (0..objectives)
            .map(|_| {
                let tp = layout == Layout::Current || rng.chance(75);
                edits::objective(&mut rng, &mut keys, tp)
            })
            .collect(),
    };
    let want_conflict = rng.chance(25);
    let (mut l_edits, mut r_edits) = if want_conflict {
        conflicting(&mut rng, &base)
    } else {
        together(&mut rng, &mut keys, &base)
    };
    let more = |rng: &mut Rng, keys: &mut Keys, side: &str| -> Vec<Edit> {
        (0..1 + rng.below(3))
            .map(|_| random_edit(rng, keys, &base, side))
            .collect()
    };
    l_edits.extend(more(&mut rng, &mut keys, "l"));
    let fixed = r_edits.clone();
    for attempt in 0..30 {
        r_edits.clone_from(&fixed);
        r_edits.extend(more(&mut rng, &mut keys, "r"));
        let outcome = outcome(&base, &l_edits, &r_edits);
        if want_conflict || outcome.2.conflicts.is_empty() || attempt == 29 {
            let (local, remote, expected) = outcome;
            return Triple {
                seed,
                layout,
                base,
                local,
                remote,
                expected,
            };
        }
    }
    unreachable!("the last attempt returns")
}

fn outcome(base: &Model, l: &[Edit], r: &[Edit]) -> (Model, Model, oracle::Outcome) {
    let (mut local, mut remote) = (base.clone(), base.clone());
    l.iter().for_each(|e| edits::apply(&mut local, e));
    r.iter().for_each(|e| edits::apply(&mut remote, e));
    let expected = oracle::merge(base, &local, &remote);
    (local, remote, expected)
}

fn any_feature(rng: &mut Rng, m: &Model) -> (u32, u32) {
    let o = rng.pick(&m.objectives);
    let f = rng.pick(&o.features);
    (o.key, f.key)
}

/// Edits of both sides that a field-level merge must keep together: criteria appended to one
/// feature, features or objectives added at one place, renames of different id-less epics.
fn together(rng: &mut Rng, keys: &mut Keys, base: &Model) -> (Vec<Edit>, Vec<Edit>) {
    let (o, f) = any_feature(rng, base);
    match rng.below(5) {
        0 | 1 => (
            vec![Edit::CriterionAppend(f, edits::criterion(rng, keys))],
            vec![Edit::CriterionAppend(f, edits::criterion(rng, keys))],
        ),
        2 => (
            vec![Edit::AddFeature(o, edits::feature(rng, keys))],
            vec![Edit::AddFeature(o, edits::feature(rng, keys))],
        ),
        3 => (
            vec![Edit::AddObjective(edits::objective(rng, keys, false))],
            vec![Edit::AddObjective(edits::objective(rng, keys, true))],
        ),
        _ => (vec![], vec![]),
    }
}

/// One true conflict: the same field changed differently, one criterion edited differently or
/// edited and removed, a feature deleted and edited, a feature moved to different objectives.
fn conflicting(rng: &mut Rng, base: &Model) -> (Vec<Edit>, Vec<Edit>) {
    let (_, f) = any_feature(rng, base);
    let feat = base
        .objectives
        .iter()
        .flat_map(|o| &o.features)
        .find(|x| x.key == f)
        .unwrap();
    match rng.below(6) {
        0 | 1 => {
            let field = *rng.pick(&[
                Field::Name,
                Field::Name,
                Field::Status,
                Field::Effort,
                Field::Owner,
            ]);
            let old = feature_value(feat, field);
            let (lv, rv) = (
                edits::new_value(rng, field, &old, "l"),
                edits::new_value(rng, field, &old, "r"),
            );
            let t = Target::Feature(f);
            (vec![Edit::Set(t, field, lv)], vec![Edit::Set(t, field, rv)])
        }
        2 => {
            let o = rng.pick(&base.objectives);
            let field = *rng.pick(&[Field::Name, Field::Status, Field::Owner]);
            let old = if field == Field::Name {
                o.name.clone()
            } else if field == Field::Status {
                o.status.clone()
            } else {
                o.owner.clone()
            };
            let t = Target::Objective(o.key);
            let (lv, rv) = (
                edits::new_value(rng, field, &old, "l"),
                edits::new_value(rng, field, &old, "r"),
            );
            (vec![Edit::Set(t, field, lv)], vec![Edit::Set(t, field, rv)])
        }
        3 if !feat.criteria.is_empty() => {
            let c = rng.pick(&feat.criteria);
            let edit = Edit::CriterionEdit(f, c.key, format!("{} within two days", c.text));
            let other = if rng.chance(50) {
                Edit::CriterionEdit(f, c.key, format!("{} for every tenant", c.text))
            } else {
                Edit::CriterionRemove(f, c.key)
            };
            (vec![edit], vec![other])
        }
        4 => {
            let t = Target::Feature(f);
            let v = edits::new_value(rng, Field::Effort, &feat.effort.to_string(), "r");
            (
                vec![Edit::DeleteFeature(f)],
                vec![Edit::Set(t, Field::Effort, v)],
            )
        }
        5 if base.objectives.len() >= 3 => {
            let parent = base.feature(f).unwrap().0;
            let others: Vec<u32> = (0..base.objectives.len())
                .filter(|i| *i != parent)
                .map(|i| base.objectives[i].key)
                .collect();
            (
                vec![Edit::MoveFeature(f, others[0])],
                vec![Edit::MoveFeature(f, others[1])],
            )
        }
        _ => {
            let t = Target::Feature(f);
            let name = |rng: &mut Rng, side| edits::new_value(rng, Field::Name, &feat.name, side);
            (
                vec![Edit::Set(t, Field::Name, name(rng, "l"))],
                vec![Edit::Set(t, Field::Name, name(rng, "r"))],
            )
        }
    }
}

fn feature_value(f: &model::Feat, field: Field) -> String {
    match field {
        Field::Name => f.name.clone(),
        Field::Status => f.status.clone(),
        Field::Effort => f.effort.to_string(),
        _ => f.owner.clone(),
    }
}

/// One edit of a random kind on a random entity of the base.
fn random_edit(rng: &mut Rng, keys: &mut Keys, base: &Model, side: &str) -> Edit {
    let (o, f) = any_feature(rng, base);
    let feat = base
        .objectives
        .iter()
        .flat_map(|x| &x.features)
        .find(|x| x.key == f)
        .unwrap();
    let crit = (!feat.criteria.is_empty()).then(|| rng.pick(&feat.criteria).clone());
    match (rng.below(100), crit) {
        (0..30, _) => {
            let field = *rng.pick(&[Field::Name, Field::Status, Field::Effort, Field::Owner]);
            let v = edits::new_value(rng, field, &feature_value(feat, field), side);
            Edit::Set(Target::Feature(f), field, v)
        }
        (30..40, _) => {
            let obj = base.objectives.iter().find(|x| x.key == o).unwrap();
            let field = *rng.pick(&[Field::Name, Field::Status, Field::Effort, Field::Owner]);
            let old = match field {
                Field::Name => obj.name.clone(),
                Field::Status => obj.status.clone(),
                Field::Effort => obj.effort.to_string(),
                _ => obj.owner.clone(),
            };
            Edit::Set(
                Target::Objective(o),
                field,
                edits::new_value(rng, field, &old, side),
            )
        }
        (40..55, _) => Edit::CriterionAppend(f, edits::criterion(rng, keys)),
        (55..63, Some(c)) => Edit::CriterionEdit(f, c.key, format!("{} ({side} revised)", c.text)),
        (63..68, Some(c)) => Edit::CriterionToggle(f, c.key),
        (68..75, Some(c)) => Edit::CriterionRemove(f, c.key),
        (75..83, _) => Edit::AddFeature(o, edits::feature(rng, keys)),
        (83..87, _) => Edit::AddObjective(edits::objective(rng, keys, side == "r")),
        (87..93, _) => Edit::DeleteFeature(f),
        (93.., _) if base.objectives.len() > 1 => {
            let to = base
                .objectives
                .iter()
                .map(|x| x.key)
                .find(|k| *k != o)
                .unwrap();
            Edit::MoveFeature(f, to)
        }
        _ => Edit::CriterionAppend(f, edits::criterion(rng, keys)),
    }
}

/// What a tool did with one triple.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Score {
    /// The tool reported a conflict where the oracle expects none.
    pub false_conflict: bool,
    /// The tool merged cleanly where the oracle expects a conflict.
    pub missed_conflict: bool,
    /// Objectives and features in a clean result beyond the expected ones.
    pub duplicated: usize,
    /// A clean result (of a clean case) that differs from the expected plan otherwise.
    pub lost_edit: bool,
    pub detail: String,
}

/// Scores a tool's result: `conflicted` is what the tool said, `output` the merged file.
pub fn score(t: &Triple, conflicted: bool, output: &str) -> Score {
    let expect_conflict = !t.expected.conflicts.is_empty();
    let mut s = Score {
        false_conflict: conflicted && !expect_conflict,
        missed_conflict: !conflicted && expect_conflict,
        ..Score::default()
    };
    if conflicted {
        return s;
    }
    let Ok(parsed) = pi_format::parse(output) else {
        s.lost_edit = !expect_conflict;
        s.detail = "the clean result is not a readable plan".into();
        return s;
    };
    let want = canonical(&t.expected.merged.to_plan());
    let got = canonical(&parsed.plan);
    s.duplicated = got.len().saturating_sub(want.len());
    if !expect_conflict && s.duplicated == 0 && got != want {
        s.lost_edit = true;
        let missing: Vec<&String> = want.iter().filter(|w| !got.contains(w)).collect();
        let extra: Vec<&String> = got.iter().filter(|g| !want.contains(g)).collect();
        s.detail = format!("expected but missing: {missing:?}; not expected: {extra:?}");
    }
    s
}

/// A plan as sorted lines, one per objective and feature, ids left out (files of other tools
/// may give different ids): what a merge must get right whatever the order.
pub fn canonical(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for o in &plan.objectives {
        let fields = |s: &Option<String>, e: Option<pi_model::Effort>, w: &Option<String>| {
            format!("{s:?}|{e:?}|{w:?}")
        };
        out.push(format!(
            "O|{}|{}",
            o.name,
            fields(&o.status, o.effort, &o.owner)
        ));
        for f in &o.features {
            let mut criteria: Vec<String> = f
                .acceptance_criteria
                .iter()
                .map(|c| format!("{}:{}", c.done, c.text))
                .collect();
            criteria.sort();
            out.push(format!(
                "F|{}|{}|{}|{}",
                o.name,
                f.name,
                fields(&f.status, f.effort, &f.owner),
                criteria.join(";")
            ));
        }
    }
    out.sort();
    out
}

/// The conflicts a tool reported as the oracle's keys: each id is looked up in the three input
/// files, whose entities line up with the generator's models in file order.
pub fn conflict_keys(
    t: &Triple,
    conflicts: &[(EntityId, Option<Field>)],
) -> Result<oracle::Expected, String> {
    let mut ids: HashMap<EntityId, u32> = HashMap::new();
    for (text, m) in t.texts().iter().zip([&t.base, &t.local, &t.remote]) {
        let plan = pi_format::parse(text).map_err(|e| e.to_string())?.plan;
        let (ok, fk) = m.keys_in_file_order();
        let pids = plan.objectives.iter().map(|o| o.id.clone());
        let fids = plan
            .objectives
            .iter()
            .flat_map(|o| o.features.iter().map(|f| f.id.clone()));
        for (id, key) in pids.zip(ok).chain(fids.zip(fk)) {
            ids.entry(id).or_insert(key);
        }
    }
    conflicts
        .iter()
        .map(|(id, field)| {
            let key = ids
                .get(id)
                .ok_or_else(|| format!("conflict on unknown id {id}"))?;
            Ok((*key, *field))
        })
        .collect()
}
