//! Where a feature's metadata is missing: one feature read as a sample, first as Targetprocess
//! sends it (references are in the default representation), then with the objective collection
//! included (collections are not), to see which field refers to team objectives and how.

use reqwest::Method;
use serde_json::Value;

use crate::client::TpClient;
use crate::http::Replay;

use super::decide::{LinkCandidate, ValueCandidate};
use super::meta::{FieldKind, guess_plural};

/// Features read to see which of several link fields is used.
const SAMPLE_SIZE: usize = 25;

/// The field of a sample feature that refers to `objective_type`, and whether it is a single
/// reference or a collection; empty when no feature shows one (or none can be read).
pub(super) async fn candidates(client: &TpClient, objective_type: &str) -> Vec<LinkCandidate> {
    let mut found = first_feature(client, None)
        .await
        .and_then(|f| link_in(&f, objective_type));
    if found.is_none() {
        let include = format!("[{}]", guess_plural(objective_type));
        found = first_feature(client, Some(&include))
            .await
            .and_then(|f| link_in(&f, objective_type));
    }
    found
        .into_iter()
        .map(|(name, kind)| LinkCandidate {
            name,
            kind,
            used: None,
        })
        .collect()
}

/// How many of a sample of features have a value in each candidate field, and the sample's
/// size; the candidates unchanged (and 0) when the sample cannot be read.
pub(super) async fn usage(client: &TpClient, candidates: &mut [LinkCandidate]) -> usize {
    let names: Vec<&str> = candidates.iter().map(|c| c.name.as_str()).collect();
    let query = [
        ("take".to_owned(), SAMPLE_SIZE.to_string()),
        ("include".to_owned(), format!("[Id,{}]", names.join(","))),
    ];
    let page = match client
        .http
        .send(Method::GET, "Features", &query, None, Replay::Safe)
        .await
    {
        Ok(page) => page,
        Err(e) => {
            tracing::info!(error = %e, "cannot read sample features");
            return 0;
        }
    };
    let items = page
        .get("Items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for c in candidates.iter_mut() {
        c.used = Some(items.iter().filter(|f| has_value(f.get(&c.name))).count());
    }
    items.len()
}

/// How many of a sample of team objectives have a value in each candidate field (top-level or
/// custom), and the sample's size; 0 when the sample cannot be read.
pub(super) async fn value_usage(
    client: &TpClient,
    resource: &str,
    candidates: &mut [&mut ValueCandidate],
) -> usize {
    let mut fields: Vec<&str> = vec!["Id", "CustomFields"];
    fields.extend(
        candidates
            .iter()
            .filter(|c| c.custom.is_none())
            .map(|c| c.configured.as_str()),
    );
    let query = [
        ("take".to_owned(), SAMPLE_SIZE.to_string()),
        ("include".to_owned(), format!("[{}]", fields.join(","))),
    ];
    let page = match client
        .http
        .send(Method::GET, resource, &query, None, Replay::Safe)
        .await
    {
        Ok(page) => page,
        Err(e) => {
            tracing::info!(error = %e, "cannot read sample objectives");
            return 0;
        }
    };
    let items = page
        .get("Items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for c in candidates.iter_mut() {
        c.used = Some(items.iter().filter(|o| value_in(o, c)).count());
    }
    items.len()
}

/// Whether `entity` has a value in the candidate's field.
fn value_in(entity: &Value, c: &ValueCandidate) -> bool {
    let value = match &c.custom {
        None => entity.get(&c.configured),
        Some(name) => entity
            .get("CustomFields")
            .and_then(Value::as_array)
            .and_then(|all| {
                all.iter()
                    .find(|f| f.get("Name").and_then(Value::as_str) == Some(name))
            })
            .and_then(|f| f.get("Value")),
    };
    !matches!(value, None | Some(Value::Null))
}

fn has_value(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Object(o)) => match o.get("Items") {
            Some(Value::Array(items)) => !items.is_empty(),
            Some(_) => false,
            None => o.contains_key("Id"),
        },
        _ => false,
    }
}

async fn first_feature(client: &TpClient, include: Option<&str>) -> Option<Value> {
    let mut query = vec![("take".to_owned(), "1".to_owned())];
    if let Some(include) = include {
        query.push(("include".to_owned(), include.to_owned()));
    }
    match client
        .http
        .send(Method::GET, "Features", &query, None, Replay::Safe)
        .await
    {
        Ok(page) => page.get("Items")?.as_array()?.first().cloned(),
        Err(e) => {
            tracing::info!(error = %e, "cannot read a sample feature");
            None
        }
    }
}

/// A key whose value is a reference `{ResourceType: objective_type}` or a collection
/// `{Items: [{ResourceType: objective_type}]}`.
fn link_in(entity: &Value, objective_type: &str) -> Option<(String, FieldKind)> {
    let is_objective = |v: &Value| {
        v.get("ResourceType")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case(objective_type))
    };
    entity.as_object()?.iter().find_map(|(key, v)| {
        if is_objective(v) {
            return Some((super::clean(key), FieldKind::Reference));
        }
        let items = v.get("Items")?.as_array()?;
        items
            .iter()
            .any(is_objective)
            .then(|| (super::clean(key), FieldKind::Collection))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_reference_or_a_collection_of_objectives() {
        let single = json!({"Id": 1, "Team": {"ResourceType": "Team", "Id": 2},
            "TeamPIObjective": {"ResourceType": "TeamPIObjective", "Id": 3}});
        assert_eq!(
            link_in(&single, "TeamPIObjective"),
            Some(("TeamPIObjective".into(), FieldKind::Reference))
        );
        let many =
            json!({"Id": 1, "Goals": {"Items": [{"ResourceType": "TeamPIObjective", "Id": 3}]}});
        assert_eq!(
            link_in(&many, "teampiobjective"),
            Some(("Goals".into(), FieldKind::Collection))
        );
        assert_eq!(
            link_in(&json!({"Id": 1, "Goals": {"Items": []}}), "TeamPIObjective"),
            None
        );
    }
}
