//! Finding an objective or feature of a plan by id and reading its fields: the one place the
//! engine's merge, push, verify and conflict code look values up by (entity, field).

use crate::merge::{Conflict, FieldValue, feature_get, objective_get};
use crate::{EntityId, Feature, Field, Plan, TeamObjective};

/// An objective or a feature of a plan (with the objective it sits under).
#[derive(Debug, Clone, Copy)]
pub enum Entity<'a> {
    Objective(&'a TeamObjective),
    Feature {
        feature: &'a Feature,
        objective: &'a TeamObjective,
    },
}

impl<'a> Entity<'a> {
    /// The objective or feature `id` of `plan`.
    pub fn find(plan: &'a Plan, id: &EntityId) -> Option<Self> {
        plan.objectives.iter().find_map(|o| {
            if &o.id == id {
                return Some(Entity::Objective(o));
            }
            o.features
                .iter()
                .find(|f| &f.id == id)
                .map(|feature| Entity::Feature {
                    feature,
                    objective: o,
                })
        })
    }

    /// The value of `field`; a feature's [`Field::Objective`] is the objective it sits under.
    pub fn get(self, field: Field) -> FieldValue {
        match self {
            Entity::Objective(o) => objective_get(o, field),
            Entity::Feature { objective, .. } if field == Field::Objective => {
                FieldValue::Link(Some(objective.id.clone()))
            }
            Entity::Feature { feature, .. } => feature_get(feature, field),
        }
    }

    pub fn name(self) -> &'a str {
        match self {
            Entity::Objective(o) => &o.name,
            Entity::Feature { feature, .. } => &feature.name,
        }
    }
}

/// The value of `field` of the objective or feature `id` in `plan`, when it is there.
pub fn field_value(plan: &Plan, id: &EntityId, field: Field) -> Option<FieldValue> {
    Entity::find(plan, id).map(|e| e.get(field))
}

/// Whether `id` is in `plan`, as the merge compares presence: its name, or `Missing`.
pub fn presence(plan: &Plan, id: &EntityId) -> FieldValue {
    Entity::find(plan, id).map_or(FieldValue::Missing, |e| {
        FieldValue::Text(e.name().to_owned())
    })
}

/// The value a conflict is about in `plan`: its field, or, for an edit/delete conflict, the
/// entity's presence.
pub fn conflict_value(plan: &Plan, c: &Conflict) -> Option<FieldValue> {
    match c.field {
        Some(field) => field_value(plan, &c.entity, field),
        None => Some(presence(plan, &c.entity)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Effort, FeatureKind};

    fn plan() -> Plan {
        let feature = Feature {
            id: EntityId::Tp(20),
            kind: FeatureKind::Feature,
            name: "Search filters".into(),
            description: String::new(),
            status: None,
            effort: Effort::new(3.0),
            owner: None,
            acceptance_criteria: Vec::new(),
            jira: None,
            stories: Vec::new(),
        };
        let objective = TeamObjective {
            id: EntityId::Tp(10),
            name: "Faster search".into(),
            description: String::new(),
            status: None,
            effort: Effort::new(8.0),
            owner: None,
            committed: true,
            business_value: None,
            actual_business_value: None,
            program_objective: None,
            features: vec![feature],
        };
        Plan {
            objectives: vec![objective],
            ..Plan::default()
        }
    }

    #[test]
    fn objectives_and_features_are_found_by_id_with_their_fields() {
        let plan = plan();
        let (o, f, gone) = (EntityId::Tp(10), EntityId::Tp(20), EntityId::Tp(99));
        assert_eq!(
            field_value(&plan, &o, Field::Effort),
            Some(FieldValue::Effort(Effort::new(8.0)))
        );
        assert_eq!(
            field_value(&plan, &f, Field::Effort),
            Some(FieldValue::Effort(Effort::new(3.0)))
        );
        assert_eq!(
            field_value(&plan, &f, Field::Objective),
            Some(FieldValue::Link(Some(o.clone())))
        );
        assert_eq!(field_value(&plan, &gone, Field::Name), None);
        assert_eq!(
            presence(&plan, &f),
            FieldValue::Text("Search filters".into())
        );
        assert_eq!(presence(&plan, &gone), FieldValue::Missing);
    }
}
