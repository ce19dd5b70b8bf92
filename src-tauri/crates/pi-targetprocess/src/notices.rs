//! What a plan read could not place or map, said instead of left out: features of the release
//! linked to no team objective (with the likely cause: the account links them through another
//! field than `[tp]` names), a plan without features while the release has some, entities whose
//! state or owner has no name, and configured fields no entity carries.
//!
//! Pure: computed from the answers of one read; the one extra request (a sample feature, to find
//! the link field the account really uses) is the client's (`client.rs`).

use serde::Serialize;
use serde_json::Value;

use pi_model::TpSchema;

use crate::wire::WorkItem;

/// One thing a read could not place or map, for the planner to see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub kind: NoticeKind,
    /// In the planner's words: what, how many, the likely cause and the fix.
    pub message: String,
    /// The Targetprocess ids concerned, ascending.
    pub ids: Vec<i64>,
}

/// What kind of thing a [`Notice`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    /// Features of the release linked to no team objective: no team's plan shows them.
    UnlinkedFeatures,
    /// The plan has no feature although the release has some.
    NoFeatures,
    /// Objectives or features whose state has no name.
    UnmappedState,
    /// Objectives or features whose owner has no name (the plan shows `user N`).
    UnmappedOwner,
    /// A configured custom field that no entity carries.
    MissingCustomField,
    /// A configured top-level field that no entity carries.
    MissingField,
    /// The account's workflows could not be read: the states kept from an earlier read (if
    /// any) stay the ones plans are checked against.
    WorkflowsUnread,
}

/// The field a sample feature links to team objectives through, when it is not the configured
/// one (found by reading one feature whole).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LinkHint {
    pub field: String,
    pub single: bool,
}

impl LinkHint {
    /// The link field in a feature's full representation: a reference, or a non-empty
    /// collection, to an entity of `objective_type`.
    pub(crate) fn find(feature: &Value, objective_type: &str) -> Option<Self> {
        let is_objective =
            |v: &Value| v.get("ResourceType").and_then(Value::as_str) == Some(objective_type);
        let map = feature.as_object()?;
        map.iter().find_map(|(name, v)| {
            let items = v.get("Items").and_then(Value::as_array);
            if is_objective(v) {
                Some(Self {
                    field: name.clone(),
                    single: true,
                })
            } else if items.and_then(|i| i.first()).is_some_and(is_objective) {
                Some(Self {
                    field: name.clone(),
                    single: false,
                })
            } else {
                None
            }
        })
    }

    fn advice(&self, schema: &TpSchema) -> String {
        let (kind, link) = if self.single {
            ("a single reference", "reference")
        } else {
            ("a collection", "collection")
        };
        format!(
            "features link to objectives through `{}` ({kind}); `[tp] feature_objectives_collection` \
             is `{}`: set `feature_objectives_collection = \"{}\"` and `feature_objectives_link = \
             \"{link}\"` in pi-planner.toml",
            self.field, schema.feature_objectives_collection, self.field
        )
    }
}

/// What one read of a release tells a team's plan.
pub(crate) struct ReadFacts<'a> {
    pub schema: &'a TpSchema,
    pub objectives: &'a [&'a WorkItem],
    /// Every feature the read returned.
    pub features: &'a [WorkItem],
    /// The features placed in this plan.
    pub placed: &'a [&'a WorkItem],
    pub hint: Option<&'a LinkHint>,
}

/// Every notice of one team's plan.
#[cfg(test)]
pub(crate) fn plan_notices(facts: &ReadFacts<'_>) -> Vec<Notice> {
    let mut out = release_notices(facts);
    out.extend(team_notices(facts));
    out
}

/// The notices that depend only on the release's features (the same for every team's plan).
pub(crate) fn release_notices(facts: &ReadFacts<'_>) -> Vec<Notice> {
    unlinked(facts).into_iter().collect()
}

/// The notices about one team's objectives and the features placed in its plan.
pub(crate) fn team_notices(facts: &ReadFacts<'_>) -> Vec<Notice> {
    let mut out = Vec::new();
    out.extend(no_features(facts));
    let items: Vec<&WorkItem> = facts
        .objectives
        .iter()
        .chain(facts.placed)
        .copied()
        .collect();
    out.extend(unnamed_states(&items));
    out.extend(unnamed_owners(&items));
    out.extend(missing_fields(facts));
    out
}

fn ids_of<'a>(items: impl Iterator<Item = &'a WorkItem>) -> Vec<i64> {
    let mut ids: Vec<i64> = items.map(|w| w.id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn cause(facts: &ReadFacts<'_>, unlinked: &[&WorkItem]) -> String {
    let link = &facts.schema.feature_objectives_collection;
    if let Some(hint) = facts.hint {
        return hint.advice(facts.schema);
    }
    if !unlinked.is_empty() && unlinked.iter().all(|f| !f.rest.contains_key(link)) {
        return format!(
            "Targetprocess sent no `{link}` on them: check `[tp] feature_objectives_collection`"
        );
    }
    "link them to a team objective in Targetprocess to plan them".to_owned()
}

fn unlinked(facts: &ReadFacts<'_>) -> Option<Notice> {
    let link = &facts.schema.feature_objectives_collection;
    let loose: Vec<&WorkItem> = facts
        .features
        .iter()
        .filter(|f| f.ref_ids(link).is_empty())
        .collect();
    if loose.is_empty() {
        return None;
    }
    Some(Notice {
        kind: NoticeKind::UnlinkedFeatures,
        message: format!(
            "{} linked to no team objective, so no plan shows them: {}",
            count(
                loose.len(),
                "feature of the release is",
                "features of the release are"
            ),
            cause(facts, &loose)
        ),
        ids: ids_of(loose.into_iter()),
    })
}

fn no_features(facts: &ReadFacts<'_>) -> Option<Notice> {
    if !facts.placed.is_empty() || facts.features.is_empty() || facts.objectives.is_empty() {
        return None;
    }
    let link = &facts.schema.feature_objectives_collection;
    let linked_elsewhere = facts.features.iter().any(|f| !f.ref_ids(link).is_empty());
    let why = if linked_elsewhere && facts.hint.is_none() {
        "they belong to other teams' objectives".to_owned()
    } else {
        cause(facts, &[])
    };
    Some(Notice {
        kind: NoticeKind::NoFeatures,
        message: format!(
            "the plan has no features although the release has {}: {why}",
            count(facts.features.len(), "feature", "features")
        ),
        ids: Vec::new(),
    })
}

/// A plan read through a single reference has no features while the release has some (found by
/// a separate look at the release's features).
pub(crate) fn no_features_through_reference(schema: &TpSchema) -> Notice {
    Notice {
        kind: NoticeKind::NoFeatures,
        message: format!(
            "the plan has no features although the release has some: none links to this team's \
             objectives through `{}` (`[tp] feature_objectives_collection`)",
            schema.feature_objectives_collection
        ),
        ids: Vec::new(),
    }
}

fn unnamed_states(items: &[&WorkItem]) -> Option<Notice> {
    let without: Vec<&WorkItem> = items
        .iter()
        .filter(|w| {
            w.entity_state
                .as_ref()
                .and_then(|s| s.name.as_deref())
                .is_none_or(|n| n.trim().is_empty())
        })
        .copied()
        .collect();
    (!without.is_empty()).then(|| Notice {
        kind: NoticeKind::UnmappedState,
        message: format!(
            "{} no state Targetprocess names; the plan shows them without a status",
            count(
                without.len(),
                "objective or feature has",
                "objectives and features have"
            )
        ),
        ids: ids_of(without.into_iter()),
    })
}

fn unnamed_owners(items: &[&WorkItem]) -> Option<Notice> {
    let without: Vec<&WorkItem> = items
        .iter()
        .filter(|w| {
            w.owner
                .as_ref()
                .is_some_and(|o| o.display() == format!("user {}", o.id))
        })
        .copied()
        .collect();
    (!without.is_empty()).then(|| Notice {
        kind: NoticeKind::UnmappedOwner,
        message: format!(
            "{} an owner without a name or login in Targetprocess; the plan names them `user N`",
            count(
                without.len(),
                "objective or feature has",
                "objectives and features have"
            )
        ),
        ids: ids_of(without.into_iter()),
    })
}

/// Configured fields (`[tp]` key, field as [`WorkItem::configured`] reads it) that none of
/// `items` carries.
fn missing_on(items: &[&WorkItem], fields: &[(&str, String)], what: &str) -> Vec<Notice> {
    if items.is_empty() {
        return Vec::new();
    }
    let seen = custom_names(items);
    fields
        .iter()
        .filter(|(_, configured)| !items.iter().any(|w| w.carries(configured)))
        .map(|(key, configured)| missing(key, configured, what, &seen))
        .collect()
}

fn missing(key: &str, configured: &str, what: &str, seen: &[String]) -> Notice {
    let Some(name) = TpSchema::custom_field(configured) else {
        return Notice {
            kind: NoticeKind::MissingField,
            message: format!(
                "no {what} has the field `{configured}` (`[tp] {key}`), so it is not read"
            ),
            ids: Vec::new(),
        };
    };
    let others = if seen.is_empty() {
        "they have no custom fields".to_owned()
    } else {
        let quoted: Vec<String> = seen.iter().map(|s| format!("`{s}`")).collect();
        format!("their custom fields are {}", quoted.join(", "))
    };
    Notice {
        kind: NoticeKind::MissingCustomField,
        message: format!(
            "no {what} has the custom field `{name}` (`[tp] {key}`), so it is not read: {others}"
        ),
        ids: Vec::new(),
    }
}

fn custom_names(items: &[&WorkItem]) -> Vec<String> {
    let mut names: Vec<String> = items
        .iter()
        .flat_map(|w| w.custom_fields.iter().map(|c| c.name.clone()))
        .collect();
    names.sort();
    names.dedup();
    names
}

fn missing_fields(facts: &ReadFacts<'_>) -> Vec<Notice> {
    let s = facts.schema;
    let custom = |name: &str| format!("CustomFields.{name}");
    let feature_fields = [
        ("jira_key_field", custom(&s.jira_key_field)),
        (
            "acceptance_criteria_field",
            custom(&s.acceptance_criteria_field),
        ),
    ];
    let objective_fields = [
        ("committed_field", s.committed_field.clone()),
        ("business_value_field", s.business_value_field.clone()),
        (
            "actual_business_value_field",
            s.actual_business_value_field.clone(),
        ),
    ];
    let mut out = missing_on(facts.placed, &feature_fields, "feature");
    out.extend(missing_on(
        facts.objectives,
        &objective_fields,
        "team objective",
    ));
    out.extend(
        objective_fields
            .iter()
            .filter_map(|(key, configured)| empty_beside_custom(facts.objectives, key, configured)),
    );
    out
}

/// A top-level field empty on every objective while a custom field of the same name (spaces and
/// case aside) has values: the account keeps the value there.
fn empty_beside_custom(items: &[&WorkItem], key: &str, configured: &str) -> Option<Notice> {
    if TpSchema::custom_field(configured).is_some()
        || !items.iter().any(|w| w.carries(configured))
        || items.iter().any(|w| w.field(configured).is_some())
    {
        return None;
    }
    let plain = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let custom = items
        .iter()
        .flat_map(|w| &w.custom_fields)
        .find(|c| plain(&c.name) == plain(configured) && !c.value.is_null())?;
    Some(Notice {
        kind: NoticeKind::MissingField,
        message: format!(
            "`{configured}` (`[tp] {key}`) is empty on every team objective, while they have \
             the custom field `{name}` with values: set `{key} = \"CustomFields.{name}\"` in \
             pi-planner.toml",
            name = custom.name
        ),
        ids: Vec::new(),
    })
}

#[cfg(test)]
mod tests;
