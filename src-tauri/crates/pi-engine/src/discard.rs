//! `discard`: give up a local change that Targetprocess refused (or any change not pushed yet):
//! the item, or some of its fields, goes back to Targetprocess's state as of the last pull, and
//! the plan file is committed in the planner's name.
//!
//! It deliberately talks to no Targetprocess: what the plan goes back to is the tracking
//! branch's snapshot the plan last merged. A new item (never created in Targetprocess) is
//! removed; an item deleted locally is put back; a moved feature goes back under its objective.

use pi_git::{CommitMessage, RepoLock, Stamp, Trailers, When};
use pi_model::merge::{self, OBJECTIVE_FIELDS};
use pi_model::{EntityId, Feature, Field, Plan, TeamObjective};

use crate::error::{EngineError, Result};
use crate::workspace::LOCK_WAIT;
use crate::workspace::Workspace;

/// Commit subject of a discarded change.
pub const DISCARD_SUBJECT: &str = "Discard a change not in Targetprocess";

/// What a discard did to the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discarded {
    /// These fields hold Targetprocess's values again.
    Fields(Vec<Field>),
    /// A new item, never in Targetprocess, is removed (with the new features under it).
    Removed,
    /// An item deleted in the plan is back.
    Restored,
    /// Nothing differed from Targetprocess.
    Nothing,
}

/// Puts `entity` (all its fields when `fields` is empty, else those) back to the last pulled
/// Targetprocess state and commits the plan file as `me` at `now`.
#[tracing::instrument(name = "discard", skip_all, fields(plan = %ws.names.plan_slug(), item = %entity))]
pub fn discard(
    me: &pi_git::Identity,
    now: chrono::DateTime<chrono::Utc>,
    ws: &Workspace,
    entity: &EntityId,
    fields: &[Field],
) -> Result<Discarded> {
    let _lock = RepoLock::acquire(&ws.repo, LOCK_WAIT)?;
    let stamp = Stamp::new(me.clone(), When::utc(now.timestamp()));
    let typed = ws.local_text()?;
    let mut plan = crate::workspace::parse(&ws.plan_file(), &typed)?;
    let base = ws.base()?.plan;
    let done = revert(&mut plan, &base, entity, fields)?;
    if done == Discarded::Nothing {
        crate::save::commit_typed(ws, &typed, pi_git::Source::Local, &stamp)?;
        return Ok(done);
    }
    let text = crate::snapshot::render_checked(&plan, "the plan", &ws.plan_file())?;
    let message = CommitMessage::new(DISCARD_SUBJECT)
        .with_trailers(Trailers::new().with_source(pi_git::Source::Local));
    crate::save::commit_over_typed(ws, &typed, &text, &message, &stamp)?;
    Ok(done)
}

/// `plan` with `entity` (or its `fields`) as in `base`.
pub fn revert(
    plan: &mut Plan,
    base: &Plan,
    entity: &EntityId,
    fields: &[Field],
) -> Result<Discarded> {
    let in_base = find(base, entity);
    let in_plan = find(plan, entity);
    match (in_base, in_plan) {
        (None, None) => Err(EngineError::UnknownItem(entity.clone())),
        (None, Some(_)) => {
            remove_new(plan, base, entity);
            Ok(Discarded::Removed)
        }
        (Some(at), None) => {
            put_back(plan, base, at);
            Ok(Discarded::Restored)
        }
        (Some(at), Some(_)) => Ok(revert_fields(plan, base, at, fields)),
    }
}

/// Where an item is: an objective's index, or a feature's objective and index.
#[derive(Debug, Clone, Copy)]
enum At {
    Objective(usize),
    Feature(usize, usize),
}

fn find(plan: &Plan, id: &EntityId) -> Option<At> {
    plan.objectives.iter().enumerate().find_map(|(i, o)| {
        if &o.id == id {
            return Some(At::Objective(i));
        }
        o.features
            .iter()
            .position(|f| &f.id == id)
            .map(|j| At::Feature(i, j))
    })
}

fn revert_fields(plan: &mut Plan, base: &Plan, at: At, fields: &[Field]) -> Discarded {
    let mut changed = Vec::new();
    match at {
        At::Objective(i) => {
            let from = &base.objectives[i];
            let Some(o) = plan.objectives.iter_mut().find(|o| o.id == from.id) else {
                return Discarded::Nothing;
            };
            for f in wanted(fields, &OBJECTIVE_FIELDS) {
                let value = merge::objective_get(from, f);
                if merge::objective_get(o, f) != value {
                    merge::objective_set(o, f, value);
                    changed.push(f);
                }
            }
        }
        At::Feature(i, j) => {
            let (parent, from) = (&base.objectives[i], &base.objectives[i].features[j]);
            let mut list: Vec<Field> = wanted(fields, &merge::FEATURE_FIELDS).collect();
            if fields.is_empty() || fields.contains(&Field::Objective) {
                list.push(Field::Objective);
            }
            changed = revert_feature(plan, parent, from, &list);
        }
    }
    if changed.is_empty() {
        Discarded::Nothing
    } else {
        Discarded::Fields(changed)
    }
}

/// `fields` when given, else every one of `all`.
fn wanted<'a>(fields: &'a [Field], all: &'a [Field]) -> impl Iterator<Item = Field> + 'a {
    all.iter()
        .copied()
        .filter(move |f| fields.is_empty() || fields.contains(f))
}

fn revert_feature(
    plan: &mut Plan,
    parent: &TeamObjective,
    from: &Feature,
    fields: &[Field],
) -> Vec<Field> {
    let mut changed = Vec::new();
    if fields.contains(&Field::Objective) {
        let current = find(plan, &from.id);
        let home = plan.objectives.iter().position(|o| o.id == parent.id);
        if let (Some(At::Feature(i, j)), Some(home)) = (current, home)
            && i != home
        {
            let moved = plan.objectives[i].features.remove(j);
            plan.objectives[home].features.push(moved);
            changed.push(Field::Objective);
        }
    }
    let Some(f) = plan
        .objectives
        .iter_mut()
        .flat_map(|o| o.features.iter_mut())
        .find(|f| f.id == from.id)
    else {
        return changed;
    };
    for field in fields.iter().copied().filter(|f| *f != Field::Objective) {
        let value = merge::feature_get(from, field);
        if merge::feature_get(f, field) != value {
            merge::feature_set(f, field, value);
            changed.push(field);
        }
    }
    changed
}

/// Removes a new item; features under a new objective that exist in Targetprocess go back to
/// their objective there, so nothing Targetprocess holds is dropped.
fn remove_new(plan: &mut Plan, base: &Plan, id: &EntityId) {
    let Some(i) = plan.objectives.iter().position(|o| &o.id == id) else {
        for o in &mut plan.objectives {
            o.features.retain(|f| &f.id != id);
        }
        return;
    };
    let removed = plan.objectives.remove(i);
    for f in removed.features {
        if let Some(At::Feature(bi, _)) = find(base, &f.id) {
            let home = &base.objectives[bi].id;
            if let Some(o) = plan.objectives.iter_mut().find(|o| &o.id == home) {
                o.features.push(f);
            }
        }
    }
}

/// Puts back an item deleted in the plan, where Targetprocess has it (an objective with those of
/// its features the plan does not hold elsewhere).
fn put_back(plan: &mut Plan, base: &Plan, at: At) {
    match at {
        At::Objective(i) => {
            let mut o = base.objectives[i].clone();
            o.features.retain(|f| find(plan, &f.id).is_none());
            let index = i.min(plan.objectives.len());
            plan.objectives.insert(index, o);
        }
        At::Feature(i, j) => {
            let parent = &base.objectives[i].id;
            let feature = base.objectives[i].features[j].clone();
            if let Some(o) = plan.objectives.iter_mut().find(|o| &o.id == parent) {
                let index = j.min(o.features.len());
                o.features.insert(index, feature);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pi_model::{Effort, FeatureKind};

    fn feature(id: &str, name: &str) -> Feature {
        Feature {
            id: id.parse().unwrap(),
            kind: FeatureKind::Feature,
            name: name.into(),
            description: String::new(),
            status: None,
            effort: None,
            owner: None,
            acceptance_criteria: Vec::new(),
            jira: None,
            stories: Vec::new(),
        }
    }

    fn objective(id: &str, features: Vec<Feature>) -> TeamObjective {
        TeamObjective {
            id: id.parse().unwrap(),
            name: format!("objective {id}"),
            description: String::new(),
            status: None,
            effort: Effort::new(8.0),
            owner: None,
            committed: true,
            business_value: None,
            actual_business_value: None,
            program_objective: None,
            features,
        }
    }

    fn base() -> Plan {
        Plan {
            objectives: vec![
                objective("tp:1", vec![feature("tp:11", "a"), feature("tp:12", "b")]),
                objective("tp:2", vec![]),
            ],
            ..Plan::default()
        }
    }

    #[test]
    fn a_refused_owner_goes_back_and_other_fields_stay() {
        let base = base();
        let mut plan = base.clone();
        let f = &mut plan.objectives[0].features[0];
        f.owner = Some("Mara Lind".into());
        f.effort = Effort::new(5.0);
        let id: EntityId = "tp:11".parse().unwrap();
        let done = revert(&mut plan, &base, &id, &[Field::Owner]).unwrap();
        assert_eq!(done, Discarded::Fields(vec![Field::Owner]));
        assert_eq!(plan.objectives[0].features[0].owner, None);
        assert_eq!(plan.objectives[0].features[0].effort, Effort::new(5.0));
    }

    #[test]
    fn a_new_item_is_removed_and_moved_features_go_home() {
        let base = base();
        let mut plan = base.clone();
        let moved = plan.objectives[0].features.remove(1);
        let mut new = objective("new:n1", vec![moved, feature("new:f1", "new one")]);
        new.name = "New".into();
        plan.objectives.push(new);
        let done = revert(&mut plan, &base, &"new:n1".parse().unwrap(), &[]).unwrap();
        assert_eq!(done, Discarded::Removed);
        assert_eq!(plan.objectives.len(), 2);
        let names: Vec<&str> = plan.objectives[0]
            .features
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, vec!["a", "b"]);
    }

    #[test]
    fn a_deleted_item_is_put_back_and_a_moved_feature_returns() {
        let base = base();
        let mut plan = base.clone();
        plan.objectives[0].features.remove(0);
        let done = revert(&mut plan, &base, &"tp:11".parse().unwrap(), &[]).unwrap();
        assert_eq!(done, Discarded::Restored);
        assert_eq!(plan, base);

        let mut plan = base.clone();
        let f = plan.objectives[0].features.remove(1);
        plan.objectives[1].features.push(f);
        let done = revert(&mut plan, &base, &"tp:12".parse().unwrap(), &[]).unwrap();
        assert_eq!(done, Discarded::Fields(vec![Field::Objective]));
        assert_eq!(plan, base);
    }

    #[test]
    fn an_unknown_item_is_an_error_and_an_unchanged_one_is_nothing() {
        let base = base();
        let mut plan = base.clone();
        assert!(revert(&mut plan, &base, &"tp:99".parse().unwrap(), &[]).is_err());
        let done = revert(&mut plan, &base, &"tp:1".parse().unwrap(), &[]).unwrap();
        assert_eq!(done, Discarded::Nothing);
    }
}
