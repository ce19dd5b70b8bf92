//! `POST /rest/api/{2,3}/issue`: creating a story (or any issue) as Jira does. Validated like
//! Jira validates it, each refusal a 400 with Jira's `{errorMessages, errors}` body keyed by
//! field: a missing summary, an unknown project or issue type, an epic that does not exist
//! (Cloud's `parent`, Data Center's epic link field), a v3 description that is not an Atlassian
//! Document, a label with a space. Answers `201 {id, key, self}`. The key is the project's next
//! number. `Faults::jira_create_errors` answers the next creates with `error_status` without
//! creating; a write whose answer is dropped (`Faults::drop_after_apply`) is applied by the
//! server as for any write.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::jira::{Api, bad, no_such_api, served};
use crate::errors;
use crate::jira::{self, EPIC_LINK_FIELD, JiraIssue, key_order};
use crate::shared::{Shared, lock};

/// Status of a new issue: To Do.
const NEW_STATUS: &str = "10000";

/// `POST /rest/api/{v}/issue`.
pub async fn create(
    State(shared): State<Arc<Shared>>,
    Path(v): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Some(api) = served(&shared, &v) else {
        return no_such_api();
    };
    {
        let mut faults = lock(&shared.faults);
        if faults.faults.jira_create_errors > 0 {
            faults.faults.jira_create_errors -= 1;
            let status = StatusCode::from_u16(faults.faults.error_status)
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return errors::jira(status, &["Internal server error"], json!({}));
        }
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return bad("Invalid request payload. Refer to the REST API documentation and try again.");
    };
    let Some(fields) = body.get("fields").and_then(Value::as_object) else {
        return bad("Invalid request payload. Refer to the REST API documentation and try again.");
    };
    let now = shared.now_ms();
    let created = {
        let mut world = lock(&shared.world);
        let issue = match validate(&world.jira, fields, api) {
            Ok(new) => new,
            Err(errors) => return refused(errors),
        };
        let issue = JiraIssue {
            id: next_id(&world.jira),
            key: next_key(&world.jira, &issue.project),
            created: now,
            updated: now,
            ..issue
        };
        world.jira.issues.insert(issue.key.clone(), issue.clone());
        issue
    };
    shared.persist();
    let v = if api == Api::CloudV3 { 3 } else { 2 };
    let url = format!("{}/rest/api/{v}/issue/{}", shared.base_url, created.id);
    (
        StatusCode::CREATED,
        Json(json!({"id": created.id, "key": created.key, "self": url})),
    )
        .into_response()
}

fn refused(errors: Map<String, Value>) -> Response {
    errors::jira(StatusCode::BAD_REQUEST, &[], Value::Object(errors))
}

/// The issue `fields` describe (id, key and times still to set), or Jira's errors by field.
fn validate(
    store: &jira::JiraStore,
    fields: &Map<String, Value>,
    api: Api,
) -> Result<JiraIssue, Map<String, Value>> {
    let mut errors = Map::new();
    let text = |v: Option<&Value>, k: &str| {
        v.and_then(|v| v.get(k))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let projects: BTreeSet<&str> = store.issues.values().map(|i| i.project.as_str()).collect();
    let project = text(fields.get("project"), "key");
    let project = match project {
        Some(p) if projects.iter().any(|x| x.eq_ignore_ascii_case(&p)) => p.to_ascii_uppercase(),
        _ => {
            errors.insert("project".into(), "valid project is required".into());
            String::new()
        }
    };
    let issue_type = match text(fields.get("issuetype"), "name").as_deref() {
        Some(t @ ("Story" | "Epic" | "Task" | "Bug")) => t.to_owned(),
        _ => {
            errors.insert("issuetype".into(), "valid issue type is required".into());
            String::new()
        }
    };
    let summary = fields
        .get("summary")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default();
    if summary.is_empty() {
        errors.insert(
            "summary".into(),
            "You must specify a summary of the issue.".into(),
        );
    } else if summary.chars().count() > 255 || summary.contains('\n') {
        errors.insert(
            "summary".into(),
            "Summary must be less than 255 characters and one line.".into(),
        );
    }
    let description = match (api, fields.get("description")) {
        (_, None | Some(Value::Null)) => String::new(),
        (Api::CloudV3, Some(doc)) if doc["type"] == "doc" => adf_text(doc),
        (Api::CloudV3, Some(_)) => {
            errors.insert(
                "description".into(),
                "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
                    .into(),
            );
            String::new()
        }
        (_, Some(Value::String(s))) => s.clone(),
        (_, Some(_)) => {
            errors.insert(
                "description".into(),
                "Operation value must be a string".into(),
            );
            String::new()
        }
    };
    let labels: Vec<String> = match fields.get("labels") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(_) => {
            errors.insert("labels".into(), "Labels must be a list.".into());
            Vec::new()
        }
    };
    if let Some(l) = labels.iter().find(|l| l.is_empty() || l.contains(' ')) {
        errors.insert(
            "labels".into(),
            format!("The label '{l}' contains spaces which is invalid.").into(),
        );
    }
    let (epic_field, epic) = match api {
        Api::DataCenter => (
            EPIC_LINK_FIELD,
            fields
                .get(EPIC_LINK_FIELD)
                .and_then(Value::as_str)
                .map(str::to_owned),
        ),
        Api::CloudV2 | Api::CloudV3 => ("parent", text(fields.get("parent"), "key")),
    };
    let parent = match epic {
        Some(key) => match store.get(&key) {
            Some(e) if e.issue_type == "Epic" => Some(e.key.clone()),
            _ => {
                let message = match api {
                    Api::DataCenter => format!("The Epic '{key}' does not exist."),
                    _ => format!("Could not find issue by id or key '{key}'."),
                };
                errors.insert(epic_field.into(), message.into());
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(JiraIssue {
        id: String::new(),
        key: String::new(),
        project,
        issue_type,
        summary: summary.to_owned(),
        description,
        status_id: NEW_STATUS.to_owned(),
        parent,
        labels,
        story_points: None,
        assignee: None,
        created: 0,
        updated: 0,
    })
}

/// The text of an Atlassian Document: its text nodes, paragraphs on lines of their own.
fn adf_text(doc: &Value) -> String {
    fn walk(node: &Value, out: &mut String, depth: usize) {
        if depth > 32 {
            return;
        }
        match node["type"].as_str() {
            Some("text") => out.push_str(node["text"].as_str().unwrap_or_default()),
            Some("hardBreak") => out.push('\n'),
            _ => {}
        }
        for child in node["content"].as_array().into_iter().flatten() {
            walk(child, out, depth + 1);
        }
        if node["type"] == "paragraph" {
            out.push_str("\n\n");
        }
    }
    let mut out = String::new();
    walk(doc, &mut out, 0);
    out.trim_end().to_owned()
}

/// One more than the largest numeric issue id.
fn next_id(store: &jira::JiraStore) -> String {
    let top = store
        .issues
        .values()
        .filter_map(|i| i.id.parse::<u64>().ok())
        .max()
        .unwrap_or(10_000);
    (top + 1).to_string()
}

/// `PROJECT-n` with `n` one more than the project's largest.
fn next_key(store: &jira::JiraStore, project: &str) -> String {
    let top = store
        .issues
        .values()
        .filter(|i| i.project == project)
        .map(|i| key_order(&i.key).1)
        .max()
        .unwrap_or(0);
    format!("{project}-{}", top + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> jira::JiraStore {
        let mut s = jira::JiraStore::default();
        let epic = JiraIssue {
            id: "20001".into(),
            key: "ABC-12".into(),
            project: "ABC".into(),
            issue_type: "Epic".into(),
            summary: "Checkout".into(),
            description: String::new(),
            status_id: NEW_STATUS.into(),
            parent: None,
            labels: Vec::new(),
            story_points: None,
            assignee: None,
            created: 0,
            updated: 0,
        };
        s.issues.insert(epic.key.clone(), epic);
        s
    }

    fn fields(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_valid_cloud_story_is_under_its_parent() {
        let s = store();
        let f = fields(
            json!({"project": {"key": "ABC"}, "issuetype": {"name": "Story"},
            "summary": "Pay", "parent": {"key": "ABC-12"}, "labels": ["m-1"],
            "description": {"type": "doc", "version": 1, "content": [
                {"type": "paragraph", "content": [{"type": "text", "text": "a"}]},
                {"type": "paragraph", "content": [{"type": "text", "text": "b"}]}]}}),
        );
        let i = validate(&s, &f, Api::CloudV3).unwrap();
        assert_eq!(i.parent.as_deref(), Some("ABC-12"));
        assert_eq!(i.description, "a\n\nb");
        assert_eq!(i.labels, vec!["m-1".to_owned()]);
        assert_eq!(next_key(&s, "ABC"), "ABC-13");
        assert_eq!(next_id(&s), "20002");
    }

    #[test]
    fn refusals_are_keyed_by_field() {
        let s = store();
        let f = fields(
            json!({"project": {"key": "NOPE"}, "issuetype": {"name": "Story"},
            "parent": {"key": "ABC-99"}, "description": "plain", "labels": ["a b"]}),
        );
        let e = validate(&s, &f, Api::CloudV3).unwrap_err();
        for k in ["project", "summary", "parent", "description", "labels"] {
            assert!(e.contains_key(k), "{k}: {e:?}");
        }
        let f = fields(
            json!({"project": {"key": "ABC"}, "issuetype": {"name": "Story"},
            "summary": "Pay", EPIC_LINK_FIELD: "ABC-99"}),
        );
        let e = validate(&s, &f, Api::DataCenter).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e.contains_key(EPIC_LINK_FIELD));
    }
}
