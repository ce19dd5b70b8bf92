//! Jira routes under `/rest/api/{2,3}`: `search/jql` (Cloud; GET and POST, cursor paging with
//! `nextPageToken` and `isLast`), `issue/{key}`, and `issue/{key}/transitions` (GET, POST → 204),
//! with ADF descriptions in Cloud's v3, plain text in v2, and Jira's `{errorMessages, errors}`
//! error body. Data Center's classic search, `serverInfo` and the field list are in `jira_dc`.
//! Every request is recorded with its body (`jira_log`).
//!
//! Creating an issue (`POST issue`, with Jira's validation) is in `jira_create`; updating one is
//! not simulated.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use crate::date;
use crate::errors;
use pi_model::JiraDeployment;

use crate::jira::{self, JiraIssue, STATUSES, TRANSITIONS};
use crate::shared::{Shared, lock};

pub fn routes(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/rest/api/{v}/search/jql",
            get(search_get).post(search_post),
        )
        .route("/rest/api/{v}/search", any(super::jira_dc::classic_search))
        .route("/rest/api/{v}/serverInfo", get(super::jira_dc::server_info))
        .route(
            "/rest/api/{v}/issue",
            axum::routing::post(super::jira_create::create),
        )
        .route("/rest/api/{v}/issue/{key}", get(issue))
        .route(
            "/rest/api/{v}/issue/{key}/transitions",
            get(transitions).post(transition),
        )
        .route("/rest/api/{v}/field", get(super::jira_dc::fields))
        .route(
            "/rest/api/{v}/{*rest}",
            any(|| async { not_found("No such resource") }),
        )
        .layer(axum::middleware::from_fn_with_state(
            shared,
            crate::jira_log::record,
        ))
}

/// The REST version a request names, if this deployment serves it: Cloud serves 3 and 2, Data
/// Center 2 only.
pub(super) fn served(shared: &Shared, v: &str) -> Option<Api> {
    match (shared.jira_deployment, v) {
        (JiraDeployment::Cloud, "3") => Some(Api::CloudV3),
        (JiraDeployment::Cloud, "2") => Some(Api::CloudV2),
        (JiraDeployment::Datacenter, "2") => Some(Api::DataCenter),
        _ => None,
    }
}

/// How an answer is shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Api {
    /// ADF descriptions, `parent` for the epic.
    CloudV3,
    /// Plain-text descriptions, `parent` for the epic.
    CloudV2,
    /// Plain-text descriptions, the epic link field for the epic.
    DataCenter,
}

pub(super) fn no_such_api() -> Response {
    not_found("No such resource")
}

pub(super) fn not_found(msg: &str) -> Response {
    errors::jira(StatusCode::NOT_FOUND, &[msg], json!({}))
}

pub(super) fn bad(msg: &str) -> Response {
    errors::jira(StatusCode::BAD_REQUEST, &[msg], json!({}))
}

fn status_json(id: &str) -> Value {
    let (sid, name, key, cid, cname) = STATUSES
        .iter()
        .find(|s| s.0 == id)
        .copied()
        .unwrap_or(STATUSES[0]);
    json!({"id": sid, "name": name, "statusCategory": {"id": cid, "key": key, "name": cname}})
}

fn adf(text: &str) -> Value {
    json!({"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": text}]}]})
}

fn issuetype(name: &str) -> Value {
    let (id, level) = if name == "Epic" {
        ("10000", 1)
    } else {
        ("10001", 0)
    };
    json!({"id": id, "name": name, "subtask": false, "hierarchyLevel": level})
}

/// All fields of an issue, by field id, as `api` shows them.
fn all_fields(store: &jira::JiraStore, i: &JiraIssue, api: Api) -> Map<String, Value> {
    let mut f = Map::new();
    f.insert("summary".into(), i.summary.clone().into());
    f.insert("status".into(), status_json(&i.status_id));
    f.insert("issuetype".into(), issuetype(&i.issue_type));
    f.insert(
        "project".into(),
        json!({"key": i.project, "name": format!("{} project", i.project)}),
    );
    f.insert("labels".into(), json!(i.labels));
    f.insert(
        "assignee".into(),
        i.assignee.as_ref().map_or(
            Value::Null,
            |(a, d)| json!({"accountId": a, "displayName": d}),
        ),
    );
    f.insert("created".into(), date::format_jira(i.created).into());
    f.insert("updated".into(), date::format_jira(i.updated).into());
    let description = match api {
        Api::CloudV3 => adf(&i.description),
        Api::CloudV2 | Api::DataCenter => i.description.clone().into(),
    };
    f.insert("description".into(), description);
    let points = jira::points_field(api == Api::DataCenter).0;
    f.insert(
        points.into(),
        i.story_points.map_or(Value::Null, Value::from),
    );
    let parent = i.parent.as_deref().and_then(|k| store.get(k));
    match (api, parent) {
        (Api::DataCenter, _) => {
            let link = i.parent.clone().map_or(Value::Null, Value::from);
            f.insert(jira::EPIC_LINK_FIELD.into(), link);
        }
        (_, Some(p)) => {
            f.insert("parent".into(), json!({"id": p.id, "key": p.key, "fields": {
                "summary": p.summary, "status": status_json(&p.status_id), "issuetype": issuetype(&p.issue_type)}}));
        }
        (_, None) => {}
    }
    f
}

pub(super) fn render(
    shared: &Shared,
    store: &jira::JiraStore,
    i: &JiraIssue,
    wanted: &[String],
    api: Api,
) -> Value {
    let all = all_fields(store, i, api);
    let everything = wanted.iter().any(|w| w == "*all" || w == "*navigable");
    let fields: Map<String, Value> = all
        .into_iter()
        .filter(|(k, _)| everything || wanted.iter().any(|w| w == k))
        .collect();
    let v = if api == Api::CloudV3 { 3 } else { 2 };
    let mut out = json!({"id": i.id, "key": i.key, "self": format!("{}/rest/api/{v}/issue/{}", shared.base_url, i.id)});
    if !wanted.is_empty() {
        out["fields"] = Value::Object(fields);
    }
    out
}

pub(super) fn split_fields(raw: Option<&str>) -> Vec<String> {
    raw.unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

async fn issue(
    State(shared): State<Arc<Shared>>,
    Path((v, key)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(api) = served(&shared, &v) else {
        return no_such_api();
    };
    let world = lock(&shared.world);
    let Some(i) = world.jira.get(&key) else {
        return not_found("Issue does not exist or you do not have permission to see it.");
    };
    let wanted = match q.get("fields") {
        Some(f) => split_fields(Some(f)),
        None => vec!["*all".to_owned()],
    };
    Json(render(&shared, &world.jira, i, &wanted, api)).into_response()
}

struct Search {
    jql: String,
    fields: Vec<String>,
    max_results: Option<usize>,
    token: Option<String>,
}

async fn search_get(
    State(shared): State<Arc<Shared>>,
    Path(v): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(api) = served(&shared, &v).filter(|a| *a != Api::DataCenter) else {
        return no_such_api();
    };
    let max_results = match q.get("maxResults").map(|m| m.parse()) {
        Some(Ok(m)) => Some(m),
        Some(Err(_)) => return bad("maxResults must be a number"),
        None => None,
    };
    let s = Search {
        jql: q.get("jql").cloned().unwrap_or_default(),
        fields: split_fields(q.get("fields").map(String::as_str)),
        max_results,
        token: q.get("nextPageToken").cloned(),
    };
    search(&shared, s, api)
}

async fn search_post(
    State(shared): State<Arc<Shared>>,
    Path(version): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Some(api) = served(&shared, &version).filter(|a| *a != Api::DataCenter) else {
        return no_such_api();
    };
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return bad("Invalid request payload. Refer to the REST API documentation and try again.");
    };
    let fields = match &v["fields"] {
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Value::String(s) => split_fields(Some(s)),
        _ => Vec::new(),
    };
    let s = Search {
        jql: v["jql"].as_str().unwrap_or_default().to_owned(),
        fields,
        max_results: v["maxResults"]
            .as_u64()
            .and_then(|m| usize::try_from(m).ok()),
        token: v["nextPageToken"].as_str().map(str::to_owned),
    };
    search(&shared, s, api)
}

fn search(shared: &Shared, s: Search, api: Api) -> Response {
    let (clauses, desc) = match jira::parse_jql(&s.jql) {
        Ok(c) => c,
        Err(e) => return bad(&e),
    };
    let offset = match s.token.as_deref().map(decode_token) {
        None => 0,
        Some(Some(o)) => o,
        Some(None) => return bad("The provided next page token is invalid or expired."),
    };
    let page = s
        .max_results
        .unwrap_or(shared.page_size_jira)
        .clamp(1, shared.page_size_jira);
    let endless = lock(&shared.faults).faults.endless_paging;
    let world = lock(&shared.world);
    let hits = jira::search(&world.jira, &clauses, desc);
    let issues: Vec<Value> = hits
        .iter()
        .skip(offset)
        .take(page)
        .map(|i| render(shared, &world.jira, i, &s.fields, api))
        .collect();
    // Endless paging (a fault): never the last page.
    let is_last = !endless && offset + page >= hits.len();
    let mut out = json!({"issues": issues, "isLast": is_last});
    if !is_last {
        out["nextPageToken"] = URL_SAFE_NO_PAD
            .encode(format!("pi-sim:{}", offset + page))
            .into();
    }
    Json(out).into_response()
}

fn decode_token(token: &str) -> Option<usize> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
    raw.strip_prefix("pi-sim:")?.parse().ok()
}

async fn transitions(
    State(shared): State<Arc<Shared>>,
    Path((v, key)): Path<(String, String)>,
) -> Response {
    if served(&shared, &v).is_none() {
        return no_such_api();
    }
    let world = lock(&shared.world);
    let Some(i) = world.jira.get(&key) else {
        return not_found("Issue does not exist or you do not have permission to see it.");
    };
    let list: Vec<Value> = TRANSITIONS
        .iter()
        .filter(|(_, _, to)| *to != i.status_id)
        .map(|(id, name, to)| json!({"id": id, "name": name, "hasScreen": false, "isAvailable": true, "to": status_json(to)}))
        .collect();
    Json(json!({"transitions": list})).into_response()
}

async fn transition(
    State(shared): State<Arc<Shared>>,
    Path((v, key)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    if served(&shared, &v).is_none() {
        return no_such_api();
    }
    let wanted = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["transition"]["id"].as_str().map(str::to_owned));
    let now = shared.now_ms();
    {
        let mut world = lock(&shared.world);
        let Some(k) = world.jira.get(&key).map(|i| i.key.clone()) else {
            return not_found("Issue does not exist or you do not have permission to see it.");
        };
        let Some(issue) = world.jira.issues.get_mut(&k) else {
            return not_found("Issue does not exist or you do not have permission to see it.");
        };
        let target = TRANSITIONS
            .iter()
            .find(|(id, _, to)| Some(*id) == wanted.as_deref() && *to != issue.status_id);
        let Some((_, _, to)) = target else {
            return bad("Transition id is not valid for this issue.");
        };
        issue.status_id = (*to).to_owned();
        issue.updated = now.max(issue.updated + 1);
    }
    shared.persist();
    StatusCode::NO_CONTENT.into_response()
}
