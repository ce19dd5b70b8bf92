//! TP wire entities → pi-model, at the edge. Text is converted HTML → markdown, custom fields
//! and account-specific fields are looked up by the names in `TpSchema`.
//!
//! This is the client's inbound boundary: every value a read returns has passed [`inbound`] (the
//! normal form of `pi_model::inbound`: no control or bidi characters in names, bounded lengths)
//! and HTML conversion within its depth and size bounds; what either had to cut or flatten is a
//! warning in the returned [`RemotePlan`].

use pi_model::{
    Effort, EntityId, Feature, FeatureKind, JiraLink, ProgramObjective, TeamObjective, TpSchema,
};
use serde_json::Value;

use crate::criteria::html_to_criteria;
use crate::model::{RemotePlan, Summary, SyncVersion};
use crate::text::convert_html;
use crate::wire::WorkItem;

/// Brings a fetched plan to the inbound normal form (see `pi_model::inbound`), the names of the
/// editors too (they become commit trailers), and adds a warning for each value cut.
pub(crate) fn inbound(remote: &mut RemotePlan) {
    let cut = pi_model::inbound::plan(&mut remote.plan);
    remote.warnings.extend(cut);
    for name in remote.editors.values_mut() {
        pi_model::inbound::clean_line(name, pi_model::inbound::MAX_NAME_CHARS);
    }
}

/// The plan that Targetprocess's answers to a team plan's reads make, through the same mapping
/// and inbound boundary as [`TpClient::fetch_team_plan`](crate::TpClient::fetch_team_plan):
/// `answers` are, in order, the `TeamPIObjectives`, `Features` and `ProgramPIObjectives`
/// collection pages (`{"Items": [...]}`), then the `Releases/{id}` and `Teams/{id}` entities;
/// a missing answer is an empty one. Pure: for tests and fuzzing of the wire → plan mapping.
pub fn plan_from_answers(
    schema: &TpSchema,
    answers: &[&[u8]],
) -> Result<RemotePlan, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Page {
        #[serde(rename = "Items", default)]
        items: Vec<WorkItem>,
    }
    let answer = |i: usize| answers.get(i).copied().unwrap_or(b"{}");
    let objectives: Page = serde_json::from_slice(answer(0))?;
    let features: Page = serde_json::from_slice(answer(1))?;
    let programs: Page = serde_json::from_slice(answer(2))?;
    let release: Value = serde_json::from_slice(answer(3))?;
    let team: Value = serde_json::from_slice(answer(4))?;
    let own: Vec<&WorkItem> = objectives.items.iter().collect();
    let mut remote = crate::client::assemble(schema, &own, &features.items, None);
    remote.plan.release = crate::client::named(&release);
    remote.plan.team = crate::client::named(&team);
    remote.plan.art = release
        .get("AgileReleaseTrain")
        .map(crate::client::named)
        .unwrap_or_default();
    remote.plan.program_objectives = programs.items.iter().map(program_objective).collect();
    inbound(&mut remote);
    Ok(remote)
}

/// A picker item's name in the inbound normal form.
pub(crate) fn summary(id: i64, name: Option<String>) -> Summary {
    let mut name = name.unwrap_or_default();
    pi_model::inbound::clean_line(&mut name, pi_model::inbound::MAX_NAME_CHARS);
    Summary { id, name }
}

/// The description as markdown; a warning when its HTML was past the conversion's bounds.
fn description(item: &WorkItem, what: &str, warnings: &mut Vec<String>) -> String {
    let converted = convert_html(item.description.as_deref().unwrap_or(""));
    if let Some(why) = converted.flattened {
        warnings.push(format!("the description of {what} tp:{}: {why}", item.id));
    }
    converted.markdown
}

/// A write's answer `raw` as a read of the plan maps it, when it carries every field of
/// `include` (the read's list, asked back as `resultInclude`): `None` when a field is missing
/// (the server answered with less than was asked) or when the mapping or the inbound boundary
/// had to cut or flatten a value (a read would carry a warning; the caller reads instead).
pub(crate) fn written(
    raw: &Value,
    include: &[crate::query::Include],
    feature_links: Option<&str>,
    schema: &TpSchema,
) -> Option<crate::model::Written> {
    use crate::model::{Written, WrittenEntity};
    use crate::query::Include;
    let object = raw.as_object()?;
    let carried = include.iter().all(|i| match i {
        Include::Field(name) | Include::Nested(name, _) => object.contains_key(name),
    });
    if !carried || object.contains_key("Error") {
        return None;
    }
    let item: WorkItem = serde_json::from_value(raw.clone()).ok()?;
    let mut warnings = Vec::new();
    let mut plan = pi_model::Plan::default();
    let links = match feature_links {
        None => {
            plan.objectives
                .push(team_objective(&item, schema, &mut warnings));
            None
        }
        Some(collection) => {
            // The feature passes the boundary under a placeholder objective of its own.
            let empty: WorkItem = serde_json::from_value(serde_json::json!({ "Id": 0 })).ok()?;
            let mut holder = team_objective(&empty, schema, &mut Vec::new());
            holder
                .features
                .push(feature(&item, schema, FeatureKind::Feature, &mut warnings));
            plan.objectives.push(holder);
            Some(item.ref_ids(collection))
        }
    };
    warnings.extend(pi_model::inbound::plan(&mut plan));
    if !warnings.is_empty() {
        return None;
    }
    let mut objective = plan.objectives.pop()?;
    let entity = match links {
        None => WrittenEntity::Objective(objective),
        Some(objectives) => WrittenEntity::Feature {
            feature: objective.features.pop()?,
            objectives,
        },
    };
    let editor = item.last_editor.as_ref().map(|u| {
        let mut name = u.display();
        pi_model::inbound::clean_line(&mut name, pi_model::inbound::MAX_NAME_CHARS);
        name
    });
    Some(Written {
        entity,
        version: version(&item),
        editor,
    })
}

pub(crate) fn version(item: &WorkItem) -> SyncVersion {
    SyncVersion {
        modify_date: item.modify_date,
        entity_version: item.entity_version,
    }
}

pub(crate) fn team_objective(
    item: &WorkItem,
    schema: &TpSchema,
    warnings: &mut Vec<String>,
) -> TeamObjective {
    TeamObjective {
        id: EntityId::Tp(item.id),
        name: item.name.clone(),
        description: description(item, "objective", warnings),
        status: item.entity_state.as_ref().and_then(|s| s.name.clone()),
        effort: item.effort.and_then(Effort::new),
        owner: item.owner.as_ref().map(|o| o.display()),
        committed: item
            .configured(&schema.committed_field)
            .and_then(as_bool)
            .unwrap_or(false),
        business_value: item
            .configured(&schema.business_value_field)
            .and_then(as_u32),
        actual_business_value: item
            .configured(&schema.actual_business_value_field)
            .and_then(as_u32),
        program_objective: item
            .ref_ids(&schema.objective_program_objective_field)
            .first()
            .map(|id| EntityId::Tp(*id)),
        features: Vec::new(),
    }
}

pub(crate) fn program_objective(item: &WorkItem) -> ProgramObjective {
    ProgramObjective {
        id: EntityId::Tp(item.id),
        name: item.name.clone(),
    }
}

pub(crate) fn feature(
    item: &WorkItem,
    schema: &TpSchema,
    kind: FeatureKind,
    warnings: &mut Vec<String>,
) -> Feature {
    let criteria = item
        .custom(&schema.acceptance_criteria_field)
        .and_then(Value::as_str)
        .map(html_to_criteria)
        .unwrap_or_default();
    let jira = item
        .custom(&schema.jira_key_field)
        .and_then(jira_key)
        .map(|key| JiraLink { key, url: None });
    Feature {
        id: EntityId::Tp(item.id),
        kind,
        name: item.name.clone(),
        description: description(item, "feature", warnings),
        status: item.entity_state.as_ref().and_then(|s| s.name.clone()),
        effort: item.effort.and_then(Effort::new),
        owner: item.owner.as_ref().map(|o| o.display()),
        acceptance_criteria: criteria,
        jira,
        stories: Vec::new(),
    }
}

/// A TemplatedURL value is the key itself; some accounts store `{ "Label", "Url" }` objects.
fn jira_key(v: &Value) -> Option<String> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Object(map) => map
            .get("Label")
            .or_else(|| map.get("Value"))
            .and_then(Value::as_str)?
            .to_owned(),
        _ => return None,
    };
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" | "" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_f64().map(|f| f != 0.0),
        _ => None,
    }
}

fn as_u32(v: &Value) -> Option<u32> {
    let f = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    (f.is_finite() && f >= 0.0 && f <= f64::from(u32::MAX)).then(|| f.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(v: Value) -> WorkItem {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn maps_an_objective_with_schema_names() {
        let w = item(json!({
            "ResourceType": "TeamPIObjective", "Id": 12, "Name": "Ship it",
            "Description": "<p>Do <b>it</b></p>",
            "EntityState": {"Id": 3, "Name": "Accepted"},
            "Effort": 13.5, "Owner": {"Id": 4, "FirstName": "Ann", "LastName": "Lee"},
            "ModifyDate": "/Date(1700000000000+0100)/", "EntityVersion": 7,
            "Committed": true, "BusinessValue": 8, "ActualBusinessValue": null,
            "ProgramPIObjective": {"Id": 99, "Name": "P"}
        }));
        let o = team_objective(&w, &TpSchema::default(), &mut Vec::new());
        assert_eq!(o.id, EntityId::Tp(12));
        assert_eq!(o.description, "Do **it**");
        assert_eq!(o.status.as_deref(), Some("Accepted"));
        assert_eq!(o.effort.map(Effort::points), Some(13.5));
        assert_eq!(o.owner.as_deref(), Some("Ann Lee"));
        assert!(o.committed);
        assert_eq!((o.business_value, o.actual_business_value), (Some(8), None));
        assert_eq!(o.program_objective, Some(EntityId::Tp(99)));
        let v = version(&w);
        assert_eq!(v.entity_version, Some(7));
        assert_eq!(
            v.modify_date.map(|d| d.timestamp_millis()),
            Some(1_700_000_000_000)
        );
    }

    #[test]
    fn maps_a_feature_with_custom_fields() {
        let w = item(json!({
            "Id": 5, "Name": "F", "Description": null,
            "CustomFields": [
                {"Name": "Jira Key", "Type": "TemplatedURL", "Value": "DAD-1"},
                {"Name": "Acceptance Criteria", "Type": "RichText", "Value": "<ul><li>[x] a</li><li>b</li></ul>"}
            ],
            "TeamPIObjectives": {"Items": [{"Id": 1}, {"Id": 2}]}
        }));
        let f = feature(
            &w,
            &TpSchema::default(),
            FeatureKind::Feature,
            &mut Vec::new(),
        );
        assert_eq!(f.jira.map(|j| j.key), Some("DAD-1".to_owned()));
        assert_eq!(f.acceptance_criteria.len(), 2);
        assert!(f.acceptance_criteria[0].done);
        assert_eq!(f.description, "");
        assert_eq!(w.ref_ids("TeamPIObjectives"), vec![1, 2]);
    }
}
