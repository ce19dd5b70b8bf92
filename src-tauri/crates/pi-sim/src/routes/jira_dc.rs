//! The Jira routes whose answer depends on the deployment: `serverInfo`, the field list, and the
//! classic `search` — Data Center's offset paging (`startAt`, `maxResults` capped, `total`),
//! which Jira Cloud removed and answers with 410 Gone.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use pi_model::JiraDeployment;
use serde_json::{Value, json};

use super::jira::{Api, bad, no_such_api, render, served, split_fields};
use crate::errors;
use crate::jira::{self, EPIC_LINK_FIELD, EPIC_LINK_NAME};
use crate::shared::{Shared, lock};

/// `GET /rest/api/{2,3}/serverInfo`.
pub async fn server_info(State(shared): State<Arc<Shared>>, Path(v): Path<String>) -> Response {
    if served(&shared, &v).is_none() {
        return no_such_api();
    }
    let (kind, version) = match shared.jira_deployment {
        JiraDeployment::Cloud => ("Cloud", "1001.0.0-SNAPSHOT"),
        JiraDeployment::Datacenter => ("DataCenter", "9.12.4"),
    };
    Json(json!({
        "baseUrl": shared.base_url, "version": version, "deploymentType": kind,
        "buildNumber": 100_260, "serverTitle": "pi-sim Jira",
    }))
    .into_response()
}

/// `GET /rest/api/{2,3}/field`: the standard fields, the story points field under the
/// deployment's usual id and name, and on Data Center the epic link field.
pub async fn fields(State(shared): State<Arc<Shared>>, Path(v): Path<String>) -> Response {
    let Some(api) = served(&shared, &v) else {
        return no_such_api();
    };
    let std = |id: &str, name: &str, ty: &str| json!({"id": id, "key": id, "name": name, "custom": false, "schema": {"type": ty, "system": id}});
    let custom = |id: &str, name: &str, ty: &str, kind: &str| {
        let n: u64 = id.trim_start_matches("customfield_").parse().unwrap_or(0);
        json!({"id": id, "key": id, "name": name, "custom": true,
               "schema": {"type": ty, "custom": format!("com.atlassian.jira.plugin.system.customfieldtypes:{kind}"), "customId": n}})
    };
    let dc = api == Api::DataCenter;
    let (points_id, points_name) = jira::points_field(dc);
    let mut list = vec![
        std("summary", "Summary", "string"),
        std("status", "Status", "status"),
        std("assignee", "Assignee", "user"),
        std("issuetype", "Issue Type", "issuetype"),
        std("parent", "Parent", "issuelink"),
        std("labels", "Labels", "array"),
        std("created", "Created", "datetime"),
        std("updated", "Updated", "datetime"),
        std("description", "Description", "string"),
        custom(points_id, points_name, "number", "float"),
    ];
    if dc {
        list.push(custom(
            EPIC_LINK_FIELD,
            EPIC_LINK_NAME,
            "any",
            "gh-epic-link",
        ));
    }
    Json(Value::Array(list)).into_response()
}

/// `GET|POST /rest/api/{2,3}/search`: 410 on Cloud (removed in 2025), offset paging on Data
/// Center.
pub async fn classic_search(
    State(shared): State<Arc<Shared>>,
    Path(v): Path<String>,
    method: Method,
    body: axum::body::Bytes,
) -> Response {
    match served(&shared, &v) {
        None => no_such_api(),
        Some(Api::CloudV2 | Api::CloudV3) => errors::jira(
            StatusCode::GONE,
            &[
                "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.",
            ],
            json!({}),
        ),
        Some(Api::DataCenter) if method == Method::POST => offset_search(&shared, &body),
        Some(Api::DataCenter) => {
            bad("Use POST with a JSON body {jql, startAt, maxResults, fields}.")
        }
    }
}

fn offset_search(shared: &Shared, body: &[u8]) -> Response {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return bad("Invalid request payload. Refer to the REST API documentation and try again.");
    };
    let (clauses, desc) = match jira::parse_jql(v["jql"].as_str().unwrap_or_default()) {
        Ok(c) => c,
        Err(e) => return bad(&e),
    };
    let fields = match &v["fields"] {
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Value::String(s) => split_fields(Some(s)),
        _ => vec!["*navigable".to_owned()],
    };
    let start = v["startAt"]
        .as_u64()
        .map_or(0, |s| usize::try_from(s).unwrap_or(usize::MAX));
    let asked = v["maxResults"].as_u64().map_or(shared.page_size_jira, |m| {
        usize::try_from(m).unwrap_or(usize::MAX)
    });
    let page = asked.clamp(1, shared.page_size_jira);
    let world = lock(&shared.world);
    let hits = jira::search(&world.jira, &clauses, desc);
    let issues: Vec<Value> = hits
        .iter()
        .skip(start)
        .take(page)
        .map(|i| render(shared, &world.jira, i, &fields, Api::DataCenter))
        .collect();
    Json(json!({"startAt": start, "maxResults": page, "total": hits.len(), "issues": issues}))
        .into_response()
}
