//! Deciding the `[tp]` names from what the account said: pure functions of the metadata, the
//! custom field definitions, a sample entity and the states, each decision with its reason in
//! plain words. What cannot be decided keeps the current value and says so.

use pi_model::{ObjectiveLink, TpSchema};

use super::meta::{FieldKind, FieldMeta, Resource};
use super::{Finding, FindingSource};

/// A custom field definition (`/api/v1/CustomFields`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CustomDef {
    pub name: String,
    /// The entity type it belongs to, e.g. `Feature`.
    pub entity_type: String,
    /// `Text`, `RichText`, `TemplatedURL`, `Number`, `CheckBox`, ...
    pub field_type: String,
}

/// Lower-case letters and digits only: `Business Value` and `BusinessValue` compare equal.
fn norm(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn found(key: &str, source: FindingSource, message: String) -> Finding {
    Finding {
        key: Some(key.to_owned()),
        source,
        message,
    }
}

fn not_found(key: &str, message: String) -> Finding {
    found(key, FindingSource::NotFound, message)
}

/// The objective resource of the kind `word` ("team", "program"): the configured one when the
/// index lists it, else the one whose name says objective and `word`.
pub(crate) fn objective_resource(
    resources: &[Resource],
    configured: &str,
    word: &str,
    key: &str,
) -> (String, Finding) {
    let what = format!("{word} objectives");
    if resources.is_empty() {
        let m = format!("{what}: the account's resource list could not be read; kept {configured}");
        return (configured.to_owned(), not_found(key, m));
    }
    let singular = crate::query_type_name(configured);
    let configured_listed = resources.iter().find(|r| {
        r.plural.eq_ignore_ascii_case(configured) || r.name.eq_ignore_ascii_case(&singular)
    });
    let pick = configured_listed.or_else(|| {
        resources.iter().find(|r| {
            let n = norm(&r.name);
            n.contains("objective") && n.contains(word)
        })
    });
    match pick {
        Some(r) => {
            let m = format!(
                "{what} are the resource {} (the account lists the type {})",
                r.plural, r.name
            );
            (r.plural.clone(), found(key, FindingSource::Metadata, m))
        }
        None => {
            let m = format!(
                "{what}: the account lists no resource named like \"{word} objective\"; kept {configured}"
            );
            (configured.to_owned(), not_found(key, m))
        }
    }
}

/// Resources PI Planner reads whatever the account is called, missing from a non-empty index.
pub(crate) fn missing_resources(resources: &[Resource]) -> Vec<String> {
    if resources.is_empty() {
        return Vec::new();
    }
    [
        "Feature",
        "Release",
        "Team",
        "AgileReleaseTrain",
        "EntityState",
    ]
    .iter()
    .filter(|n| !resources.iter().any(|r| r.name.eq_ignore_ascii_case(n)))
    .map(|n| (*n).to_owned())
    .collect()
}

/// A feature field referring to team objectives, and (when several exist) how many features
/// of a sample use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LinkCandidate {
    pub name: String,
    pub kind: FieldKind,
    /// Features of the sample with a value in it; `None` when no sample was read.
    pub used: Option<usize>,
}

/// The fields of a feature's metadata that refer to `objective_type`.
pub(crate) fn link_candidates(fields: &[FieldMeta], objective_type: &str) -> Vec<LinkCandidate> {
    fields
        .iter()
        .filter(|f| f.kind != FieldKind::Value && f.ty.eq_ignore_ascii_case(objective_type))
        .map(|f| LinkCandidate {
            name: f.name.clone(),
            kind: f.kind,
            used: None,
        })
        .collect()
}

/// The feature field that links to team objectives, and whether it is one or many: the one
/// most features of the sample use, else the configured one, else the first; from a sample
/// feature when there is no metadata.
pub(crate) fn objective_link(
    candidates: &[LinkCandidate],
    sampled: usize,
    source: FindingSource,
    objective_type: &str,
    schema: &mut TpSchema,
) -> Finding {
    let key = "feature_objectives_collection";
    let most_used = candidates
        .iter()
        .filter(|c| c.used.unwrap_or(0) > 0)
        .max_by_key(|c| c.used.unwrap_or(0));
    let pick = most_used
        .or_else(|| {
            candidates.iter().find(|c| {
                c.name
                    .eq_ignore_ascii_case(&schema.feature_objectives_collection)
            })
        })
        .or_else(|| candidates.first());
    let Some(pick) = pick else {
        let m = format!(
            "features: no field referring to {objective_type} was found (neither in the feature metadata nor on a sample feature); kept {} ({})",
            schema.feature_objectives_collection,
            link_words(schema.feature_objectives_link)
        );
        return not_found(key, m);
    };
    schema.feature_objectives_collection = pick.name.clone();
    schema.feature_objectives_link = match pick.kind {
        FieldKind::Collection => ObjectiveLink::Collection,
        _ => ObjectiveLink::Reference,
    };
    let mut m = format!(
        "features link to objectives through {} ({})",
        pick.name,
        link_words(schema.feature_objectives_link)
    );
    m.push_str(&usage_words(candidates, pick, sampled));
    if source == FindingSource::Sample {
        m.push_str(" (seen on a sample feature; the feature metadata was not available)");
    }
    found(key, source, m)
}

/// `: 25 of 25 sample features use it; TeamPIObjectives (a collection) is empty on all` when
/// a sample decided between several fields.
fn usage_words(candidates: &[LinkCandidate], pick: &LinkCandidate, sampled: usize) -> String {
    if candidates.len() < 2 || sampled == 0 {
        return String::new();
    }
    let others: Vec<String> = candidates
        .iter()
        .filter(|c| c.name != pick.name)
        .map(|c| format!("{} is set on {}", c.name, c.used.unwrap_or(0)))
        .collect();
    format!(
        "; of {sampled} sample features, {} use it, {}",
        pick.used.unwrap_or(0),
        others.join(", ")
    )
}

pub(crate) fn link_words(link: ObjectiveLink) -> &'static str {
    match link {
        ObjectiveLink::Collection => "a collection: a feature may serve several objectives",
        ObjectiveLink::Reference => "a single reference: a feature serves one objective",
    }
}

/// The team objective's reference to its program objective.
pub(crate) fn program_link(
    objective_fields: Option<&[FieldMeta]>,
    program_type: &str,
    schema: &mut TpSchema,
) -> Finding {
    let key = "objective_program_objective_field";
    let link = objective_fields.and_then(|fields| {
        fields
            .iter()
            .find(|f| f.kind == FieldKind::Reference && f.ty.eq_ignore_ascii_case(program_type))
    });
    match link {
        Some(f) => {
            schema.objective_program_objective_field = f.name.clone();
            let m = format!("team objectives name their program objective in {}", f.name);
            found(key, FindingSource::Metadata, m)
        }
        None => not_found(
            key,
            format!(
                "team objectives: no reference to {program_type} in their metadata; kept {}",
                schema.objective_program_objective_field
            ),
        ),
    }
}

/// One number or flag of a team objective: a field of its own, else a custom field.
pub(crate) struct ObjectiveValue {
    pub key: &'static str,
    pub what: &'static str,
    /// Whether a normalised field name means this value.
    pub matches: fn(&str) -> bool,
    pub current: String,
}

/// A field that may hold an objective value: `BusinessValue` or `CustomFields.Business Value`,
/// and (when several exist) how many objectives of a sample have a value in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ValueCandidate {
    /// As `[tp]` writes it.
    pub configured: String,
    /// The custom field's name, for a custom field.
    pub custom: Option<String>,
    pub used: Option<usize>,
}

impl ValueCandidate {
    /// How the finding names it.
    fn words(&self) -> String {
        match &self.custom {
            Some(name) => format!("the custom field \"{name}\" of team objectives"),
            None => format!("the team objective's field {}", self.configured),
        }
    }
}

/// The team objective's own fields, then its custom fields, that may hold `v`: the configured
/// name first, then those named like it.
pub(crate) fn value_candidates(
    v: &ObjectiveValue,
    objective_fields: Option<&[FieldMeta]>,
    custom: &[CustomDef],
    objective_type: &str,
) -> Vec<ValueCandidate> {
    let current = TpSchema::custom_field(&v.current).unwrap_or(&v.current);
    let ordered = |names: Vec<&str>| -> Vec<String> {
        let mut out: Vec<String> = names
            .iter()
            .filter(|n| n.eq_ignore_ascii_case(current))
            .map(|n| (*n).to_owned())
            .collect();
        out.extend(
            names
                .iter()
                .filter(|n| !n.eq_ignore_ascii_case(current) && (v.matches)(&norm(n)))
                .map(|n| (*n).to_owned()),
        );
        out
    };
    let own = objective_fields.map_or_else(Vec::new, |fields| {
        ordered(
            fields
                .iter()
                .filter(|f| f.kind == FieldKind::Value)
                .map(|f| f.name.as_str())
                .collect(),
        )
    });
    let theirs = ordered(
        custom
            .iter()
            .filter(|d| d.entity_type.eq_ignore_ascii_case(objective_type))
            .map(|d| d.name.as_str())
            .collect(),
    );
    own.into_iter()
        .map(|name| ValueCandidate {
            configured: name,
            custom: None,
            used: None,
        })
        .chain(theirs.into_iter().map(|name| ValueCandidate {
            configured: format!("CustomFields.{name}"),
            custom: Some(name),
            used: None,
        }))
        .collect()
}

/// The field holding `v`: the one most objectives of the sample have a value in; else, when
/// `like` says where a sibling value was found (a custom field or not), a candidate placed
/// alike; else the first candidate (the configured name, own fields before custom ones).
pub(crate) fn objective_value(
    v: &ObjectiveValue,
    candidates: &[ValueCandidate],
    sampled: usize,
    like: Option<bool>,
) -> (Option<String>, Finding) {
    let most_used = candidates
        .iter()
        .filter(|c| c.used.unwrap_or(0) > 0)
        .max_by_key(|c| c.used.unwrap_or(0));
    let alike = like.and_then(|custom| candidates.iter().find(|c| c.custom.is_some() == custom));
    let Some(pick) = most_used.or(alike).or_else(|| candidates.first()) else {
        let m = format!(
            "{}: neither a field nor a custom field of team objectives is named like it; kept {}",
            v.what, v.current
        );
        return (None, not_found(v.key, m));
    };
    let mut m = format!("{} is {}", v.what, pick.words());
    if candidates.len() > 1 && sampled > 0 {
        let others: Vec<String> = candidates
            .iter()
            .filter(|c| c.configured != pick.configured)
            .map(|c| format!("{} in {}", c.used.unwrap_or(0), c.configured))
            .collect();
        m.push_str(&format!(
            "; of {sampled} sample objectives, {} have a value in it, {}",
            pick.used.unwrap_or(0),
            others.join(", ")
        ));
    }
    let source = if pick.custom.is_some() {
        FindingSource::CustomFields
    } else {
        FindingSource::Metadata
    };
    (Some(pick.configured.clone()), found(v.key, source, m))
}

/// A custom field of features: the configured one when defined, else one named like it.
pub(crate) fn feature_custom(
    key: &'static str,
    what: &str,
    current: &str,
    custom: &[CustomDef],
    matches: fn(&CustomDef) -> bool,
) -> (Option<String>, Finding) {
    let features: Vec<&CustomDef> = custom
        .iter()
        .filter(|d| d.entity_type.eq_ignore_ascii_case("Feature"))
        .collect();
    let pick = features
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(current))
        .or_else(|| features.iter().find(|d| matches(d)));
    match pick {
        Some(d) => {
            let m = format!(
                "{what} is the feature custom field \"{}\" ({})",
                d.name, d.field_type
            );
            (
                Some(d.name.clone()),
                found(key, FindingSource::CustomFields, m),
            )
        }
        None => {
            let m = format!("{what}: no feature custom field is named like it; kept \"{current}\"");
            (None, not_found(key, m))
        }
    }
}

pub(crate) fn is_jira_key(d: &CustomDef) -> bool {
    let n = norm(&d.name);
    n.contains("jira") && (n.contains("key") || d.field_type.eq_ignore_ascii_case("TemplatedURL"))
}

pub(crate) fn is_acceptance_criteria(d: &CustomDef) -> bool {
    let n = norm(&d.name);
    n.contains("acceptance") || n.contains("criteria") || n == "definitionofdone"
}

pub(crate) fn is_committed(n: &str) -> bool {
    n.contains("commit")
}

pub(crate) fn is_business_value(n: &str) -> bool {
    n.contains("businessvalue") && !n.contains("actual")
}

pub(crate) fn is_actual_business_value(n: &str) -> bool {
    n.contains("businessvalue") && n.contains("actual")
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
