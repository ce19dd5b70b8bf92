//! Field values of objectives and features as data: read, compare, write back. Used by the merge
//! to hold the three sides of a conflict and to apply a resolution.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Criterion, Effort, EntityId, Feature, Field, JiraLink, TeamObjective};

/// One field's value on one side of a merge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum FieldValue {
    /// The entity does not exist on this side (added on another, or deleted here).
    Missing,
    Text(String),
    OptText(Option<String>),
    Effort(Option<Effort>),
    Flag(bool),
    Number(Option<u32>),
    Link(Option<EntityId>),
    Criteria(Vec<Criterion>),
    Jira(Option<JiraLink>),
}

/// The fields of a team objective that the merge compares one by one.
pub const OBJECTIVE_FIELDS: [Field; 9] = [
    Field::Name,
    Field::Description,
    Field::Status,
    Field::Effort,
    Field::Owner,
    Field::Committed,
    Field::BusinessValue,
    Field::ActualBusinessValue,
    Field::ProgramObjective,
];

/// The fields of a feature that the merge compares one by one (its objective is merged apart).
pub const FEATURE_FIELDS: [Field; 7] = [
    Field::Name,
    Field::Description,
    Field::Status,
    Field::Effort,
    Field::Owner,
    Field::AcceptanceCriteria,
    Field::Jira,
];

/// Reads one of [`OBJECTIVE_FIELDS`].
pub fn objective_get(o: &TeamObjective, field: Field) -> FieldValue {
    match field {
        Field::Name => FieldValue::Text(o.name.clone()),
        Field::Description => FieldValue::Text(o.description.clone()),
        Field::Status => FieldValue::OptText(o.status.clone()),
        Field::Effort => FieldValue::Effort(o.effort),
        Field::Owner => FieldValue::OptText(o.owner.clone()),
        Field::Committed => FieldValue::Flag(o.committed),
        Field::BusinessValue => FieldValue::Number(o.business_value),
        Field::ActualBusinessValue => FieldValue::Number(o.actual_business_value),
        Field::ProgramObjective => FieldValue::Link(o.program_objective.clone()),
        _ => FieldValue::Missing,
    }
}

/// Writes one of [`OBJECTIVE_FIELDS`]; a value of another shape is ignored (returns false).
pub fn objective_set(o: &mut TeamObjective, field: Field, value: FieldValue) -> bool {
    match (field, value) {
        (Field::Name, FieldValue::Text(v)) => o.name = v,
        (Field::Description, FieldValue::Text(v)) => o.description = v,
        (Field::Status, FieldValue::OptText(v)) => o.status = v,
        (Field::Effort, FieldValue::Effort(v)) => o.effort = v,
        (Field::Owner, FieldValue::OptText(v)) => o.owner = v,
        (Field::Committed, FieldValue::Flag(v)) => o.committed = v,
        (Field::BusinessValue, FieldValue::Number(v)) => o.business_value = v,
        (Field::ActualBusinessValue, FieldValue::Number(v)) => o.actual_business_value = v,
        (Field::ProgramObjective, FieldValue::Link(v)) => o.program_objective = v,
        _ => return false,
    }
    true
}

/// Reads one of [`FEATURE_FIELDS`].
pub fn feature_get(f: &Feature, field: Field) -> FieldValue {
    match field {
        Field::Name => FieldValue::Text(f.name.clone()),
        Field::Description => FieldValue::Text(f.description.clone()),
        Field::Status => FieldValue::OptText(f.status.clone()),
        Field::Effort => FieldValue::Effort(f.effort),
        Field::Owner => FieldValue::OptText(f.owner.clone()),
        Field::AcceptanceCriteria => FieldValue::Criteria(f.acceptance_criteria.clone()),
        Field::Jira => FieldValue::Jira(f.jira.clone()),
        _ => FieldValue::Missing,
    }
}

/// Writes one of [`FEATURE_FIELDS`]; a value of another shape is ignored (returns false).
pub fn feature_set(f: &mut Feature, field: Field, value: FieldValue) -> bool {
    match (field, value) {
        (Field::Name, FieldValue::Text(v)) => f.name = v,
        (Field::Description, FieldValue::Text(v)) => f.description = v,
        (Field::Status, FieldValue::OptText(v)) => f.status = v,
        (Field::Effort, FieldValue::Effort(v)) => f.effort = v,
        (Field::Owner, FieldValue::OptText(v)) => f.owner = v,
        (Field::AcceptanceCriteria, FieldValue::Criteria(v)) => f.acceptance_criteria = v,
        (Field::Jira, FieldValue::Jira(v)) => f.jira = v,
        _ => return false,
    }
    true
}

impl fmt::Display for FieldValue {
    /// Planner words: `13 points`, `yes`, `(none)`, `(deleted)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Missing => f.write_str("(deleted)"),
            FieldValue::Text(s) if s.is_empty() => f.write_str("(empty)"),
            FieldValue::Text(s) => f.write_str(s),
            FieldValue::OptText(v) => f.write_str(v.as_deref().unwrap_or("(none)")),
            FieldValue::Effort(Some(e)) => write!(f, "{e} points"),
            FieldValue::Flag(b) => f.write_str(if *b { "yes" } else { "no" }),
            FieldValue::Number(Some(n)) => write!(f, "{n}"),
            FieldValue::Link(Some(id)) => write!(f, "{id}"),
            FieldValue::Jira(Some(j)) => f.write_str(&j.key),
            FieldValue::Effort(None)
            | FieldValue::Number(None)
            | FieldValue::Link(None)
            | FieldValue::Jira(None) => f.write_str("(none)"),
            FieldValue::Criteria(items) if items.is_empty() => f.write_str("(none)"),
            FieldValue::Criteria(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|c| format!("[{}] {}", if c.done { "x" } else { " " }, c.text))
                    .collect();
                f.write_str(&parts.join("; "))
            }
        }
    }
}
