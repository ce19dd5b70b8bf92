//! Pull requests: opened (`POST .../pulls`: 422 with `errors[]` for a missing field or a
//! duplicate open pull request of a head and base), listed (`GET .../pulls?head=&base=&state=`),
//! read and updated (`GET|PATCH .../pulls/{n}`).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{
    SimPull, TOKEN_USER, get_of_pull, not_found, pull_json, serde_urlencoded_like, serve,
    validation,
};
use crate::shared::Shared;

pub(super) async fn create(
    State(shared): State<Arc<Shared>>,
    Path((owner, repo)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/github/repos/{owner}/{repo}/pulls");
    let base_url = shared.base_url.clone();
    serve(&shared, Method::POST, &path, "", &headers, &body, |s, b| {
        let field = |k: &str| b[k].as_str().map(str::to_owned).filter(|v| !v.is_empty());
        let (Some(title), Some(head), Some(base)) = (field("title"), field("head"), field("base"))
        else {
            let missing: Vec<Value> = ["title", "head", "base"]
                .iter()
                .filter(|k| field(k).is_none())
                .map(|k| json!({ "resource": "PullRequest", "field": k, "code": "missing_field" }))
                .collect();
            return validation(Value::Array(missing));
        };
        let repo_name = format!("{owner}/{repo}");
        let head = head
            .strip_prefix(&format!("{owner}:"))
            .unwrap_or(&head)
            .to_owned();
        let open = s
            .pulls
            .values()
            .any(|p| p.repo == repo_name && p.head == head && p.base == base && p.state == "open");
        if open {
            let message = format!("A pull request already exists for {owner}:{head}.");
            return validation(
                json!([{ "resource": "PullRequest", "code": "custom", "message": message }]),
            );
        }
        let number = s.next_number;
        s.next_number += 1;
        let pull = SimPull {
            number,
            repo: repo_name,
            title,
            body: field("body").unwrap_or_default(),
            head,
            base,
            state: "open".into(),
            merged: false,
            merged_at: None,
            user: TOKEN_USER.to_owned(),
            reviews: Vec::new(),
            comments: Vec::new(),
        };
        let json = pull_json(&base_url, &s.branches, &pull);
        s.pulls.insert(number, pull);
        (StatusCode::CREATED, json, vec![])
    })
}

pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    Path((owner, repo)): Path<(String, String)>,
    Query(q): Query<BTreeMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/github/repos/{owner}/{repo}/pulls");
    let query = serde_urlencoded_like(&q);
    let base_url = shared.base_url.clone();
    serve(
        &shared,
        Method::GET,
        &path,
        &query,
        &headers,
        &Bytes::new(),
        |s, _| {
            let repo_name = format!("{owner}/{repo}");
            let state = q.get("state").map_or("open", String::as_str);
            let head = q
                .get("head")
                .map(|h| h.split_once(':').map_or(h.as_str(), |(_, b)| b));
            let found: Vec<Value> = s
                .pulls
                .values()
                .filter(|p| p.repo == repo_name && (state == "all" || p.state == state))
                .filter(|p| head.is_none_or(|h| p.head == h))
                .filter(|p| q.get("base").is_none_or(|b| &p.base == b))
                .map(|p| pull_json(&base_url, &s.branches, p))
                .collect();
            (StatusCode::OK, Value::Array(found), vec![])
        },
    )
}

pub(super) async fn one(
    State(shared): State<Arc<Shared>>,
    Path(pull): Path<(String, String, u64)>,
    headers: HeaderMap,
) -> Response {
    get_of_pull(
        &shared,
        pull,
        "",
        &BTreeMap::new(),
        &headers,
        |s, p, paging| {
            (
                StatusCode::OK,
                pull_json(paging.base_url, &s.branches, p),
                vec![],
            )
        },
    )
}

pub(super) async fn update(
    State(shared): State<Arc<Shared>>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/github/repos/{owner}/{repo}/pulls/{number}");
    let base_url = shared.base_url.clone();
    serve(
        &shared,
        Method::PATCH,
        &path,
        "",
        &headers,
        &body,
        |s, b| {
            let Some(p) = s
                .pulls
                .get_mut(&number)
                .filter(|p| p.repo == format!("{owner}/{repo}"))
            else {
                return not_found();
            };
            if let Some(t) = b["title"].as_str() {
                p.title = t.to_owned();
            }
            if let Some(t) = b["body"].as_str() {
                p.body = t.to_owned();
            }
            if let Some(t) = b["state"]
                .as_str()
                .filter(|t| matches!(*t, "open" | "closed"))
            {
                p.state = t.to_owned();
            }
            (StatusCode::OK, pull_json(&base_url, &s.branches, p), vec![])
        },
    )
}
