//! Semantic difference between two versions of a plan: objectives and features added, removed
//! and moved (matched by id, never by name or position), field changes with old and new values,
//! word-level differences of descriptions and acceptance criteria, and effort totals before and
//! after. Serialisable, so the app can show it as it is.
//!
//! It deliberately knows nothing of git or revisions (the engine loads the two plans), and does
//! not report a change of order alone: reordering objectives or features is not a change of scope.

mod effort;
mod text;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use effort::{EffortTotals, ProgramEffort, TeamEffort, Totals, effort_totals};
pub use text::{SpanTag, WordSpan, criteria_text, word_diff};

use crate::merge::{
    EntityKind, FEATURE_FIELDS, FieldValue, OBJECTIVE_FIELDS, feature_get, objective_get,
};
use crate::{EntityId, Feature, Field, Plan, TeamObjective};

/// Whether an entity is new, gone, or present in both versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Added,
    Removed,
    /// In both versions, with field changes or a move.
    Changed,
}

/// One field's old and new value; for free text, the words that changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FieldDiff {
    pub field: Field,
    pub before: FieldValue,
    pub after: FieldValue,
    /// Word-level difference of descriptions and acceptance criteria that changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<WordSpan>>,
}

/// An objective referenced from a feature, by id and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ObjectiveRef {
    pub id: EntityId,
    pub name: String,
}

/// A feature moved from one objective to another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Move {
    pub from: ObjectiveRef,
    pub to: ObjectiveRef,
}

/// How one objective or feature differs between the versions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EntityDiff {
    pub kind: EntityKind,
    pub id: EntityId,
    /// The new name (the old one for a removed entity).
    pub name: String,
    /// A feature's objective in the new version (the old one for a removed feature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<ObjectiveRef>,
    pub presence: Presence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved: Option<Move>,
    /// Changed fields; for an added (removed) entity every field that has a value, with the
    /// other side `Missing`.
    pub fields: Vec<FieldDiff>,
}

impl EntityDiff {
    /// The change of `field`, if it changed.
    pub fn field(&self, field: Field) -> Option<&FieldDiff> {
        self.fields.iter().find(|f| f.field == field)
    }
}

/// Everything that differs between two plans.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanDiff {
    /// In the new plan's order, each objective followed by its features; removed features after
    /// the features of their old objective, removed objectives last.
    pub entities: Vec<EntityDiff>,
    pub effort: EffortTotals,
}

impl PlanDiff {
    /// No objective or feature differs (effort totals are then equal too).
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }
}

/// Where an entity sits in one version: the objective, or the feature with its objective.
struct Index<'a> {
    objectives: HashMap<&'a EntityId, &'a TeamObjective>,
    features: HashMap<&'a EntityId, (&'a TeamObjective, &'a Feature)>,
}

impl<'a> Index<'a> {
    fn new(plan: &'a Plan) -> Self {
        let mut features = HashMap::with_capacity(plan.objectives.len() * 4);
        for o in &plan.objectives {
            for f in &o.features {
                features.entry(&f.id).or_insert((o, f));
            }
        }
        let objectives = plan.objectives.iter().map(|o| (&o.id, o)).rev().collect();
        Index {
            objectives,
            features,
        }
    }
}

/// The semantic difference from `before` to `after`.
pub fn diff(before: &Plan, after: &Plan) -> PlanDiff {
    let (old, new) = (Index::new(before), Index::new(after));
    let mut entities = Vec::new();
    for o in &after.objectives {
        entities.extend(objective_diff(old.objectives.get(&o.id).copied(), Some(o)));
        for f in &o.features {
            let was = old.features.get(&f.id).copied();
            entities.extend(feature_diff(was, Some((o, f))));
        }
        if let Some(was) = old.objectives.get(&o.id) {
            removed_features(was, &new, &mut entities);
        }
    }
    for o in &before.objectives {
        if !new.objectives.contains_key(&o.id) {
            entities.extend(objective_diff(Some(o), None));
            removed_features(o, &new, &mut entities);
        }
    }
    PlanDiff {
        entities,
        effort: effort_totals(before, after),
    }
}

fn removed_features(was: &TeamObjective, new: &Index<'_>, out: &mut Vec<EntityDiff>) {
    for f in &was.features {
        if !new.features.contains_key(&f.id) {
            out.extend(feature_diff(Some((was, f)), None));
        }
    }
}

fn objective_ref(o: &TeamObjective) -> ObjectiveRef {
    ObjectiveRef {
        id: o.id.clone(),
        name: o.name.clone(),
    }
}

/// The difference of one objective's own fields (not its features).
pub fn objective_diff(
    before: Option<&TeamObjective>,
    after: Option<&TeamObjective>,
) -> Option<EntityDiff> {
    let either = after.or(before)?;
    let fields = field_diffs(&OBJECTIVE_FIELDS, |f| {
        (
            before.map_or(FieldValue::Missing, |o| objective_get(o, f)),
            after.map_or(FieldValue::Missing, |o| objective_get(o, f)),
        )
    });
    let (id, name, presence) = entity_of(&either.id, &either.name, before, after);
    let unchanged = presence == Presence::Changed && fields.is_empty();
    (!unchanged).then_some(EntityDiff {
        kind: EntityKind::Objective,
        id,
        name,
        objective: None,
        presence,
        moved: None,
        fields,
    })
}

/// The difference of one feature, each side given with the objective it belongs to.
pub fn feature_diff(
    before: Option<(&TeamObjective, &Feature)>,
    after: Option<(&TeamObjective, &Feature)>,
) -> Option<EntityDiff> {
    let (parent, either) = after.or(before)?;
    let fields = field_diffs(&FEATURE_FIELDS, |x| {
        (
            before.map_or(FieldValue::Missing, |(_, f)| feature_get(f, x)),
            after.map_or(FieldValue::Missing, |(_, f)| feature_get(f, x)),
        )
    });
    let moved = match (before, after) {
        (Some((from, _)), Some((to, _))) if from.id != to.id => Some(Move {
            from: objective_ref(from),
            to: objective_ref(to),
        }),
        _ => None,
    };
    let (id, name, presence) = entity_of(&either.id, &either.name, before, after);
    let diff = EntityDiff {
        kind: EntityKind::Feature,
        id,
        name,
        objective: Some(objective_ref(parent)),
        presence,
        moved,
        fields,
    };
    let unchanged =
        diff.presence == Presence::Changed && diff.fields.is_empty() && diff.moved.is_none();
    (!unchanged).then_some(diff)
}

fn entity_of<T>(
    id: &EntityId,
    name: &str,
    before: Option<T>,
    after: Option<T>,
) -> (EntityId, String, Presence) {
    (
        id.clone(),
        name.to_owned(),
        presence(before.is_some(), after.is_some()),
    )
}

fn presence(had: bool, has: bool) -> Presence {
    match (had, has) {
        (false, _) => Presence::Added,
        (true, false) => Presence::Removed,
        (true, true) => Presence::Changed,
    }
}

/// The fields whose values differ; an absent side is `Missing`, and for it only fields with a
/// value are listed.
fn field_diffs(
    fields: &[Field],
    values: impl Fn(Field) -> (FieldValue, FieldValue),
) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    for &field in fields {
        let (before, after) = values(field);
        if before == after || (is_blank(&before) && is_blank(&after)) {
            continue;
        }
        let words = match (&before, &after) {
            (FieldValue::Text(a), FieldValue::Text(b)) if field == Field::Description => {
                Some(word_diff(a, b))
            }
            (FieldValue::Criteria(a), FieldValue::Criteria(b)) => {
                Some(word_diff(&criteria_text(a), &criteria_text(b)))
            }
            _ => None,
        };
        out.push(FieldDiff {
            field,
            before,
            after,
            words,
        });
    }
    out
}

/// No value on this side: absent entity, empty text or list, unset option, `false`.
fn is_blank(v: &FieldValue) -> bool {
    match v {
        FieldValue::Missing | FieldValue::Flag(false) => true,
        FieldValue::Text(s) => s.is_empty(),
        FieldValue::OptText(o) => o.is_none(),
        FieldValue::Effort(o) => o.is_none(),
        FieldValue::Number(o) => o.is_none(),
        FieldValue::Link(o) => o.is_none(),
        FieldValue::Jira(o) => o.is_none(),
        FieldValue::Criteria(items) => items.is_empty(),
        FieldValue::Flag(true) => false,
    }
}

#[cfg(test)]
mod tests;
