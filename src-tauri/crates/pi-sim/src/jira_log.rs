//! Jira's own request log: every request to a Jira route with its method, path, query, headers
//! (without `Authorization` and cookies) and JSON body, and the answer's status, for tests that
//! assert what the client sent (the JQL, `maxResults`, the cursor, the API version).
//!
//! The general request log (`reqlog`) keeps no headers or bodies; this one never keeps a
//! credential either.

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::shared::{Shared, lock};

/// Largest body kept in the log; a larger one is logged as `null` and still served.
const MAX_LOGGED_BODY: usize = 1 << 20;

/// One request to a Jira route.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JiraRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    /// Lower-case header names and values, `authorization`, `cookie` and `proxy-authorization`
    /// left out.
    pub headers: Vec<(String, String)>,
    /// The JSON body, if the request had one.
    pub body: Option<Value>,
    pub status: u16,
}

/// Records the request and its status around the Jira routes.
pub async fn record(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_LOGGED_BODY * 16)
        .await
        .unwrap_or_default();
    let headers = parts
        .headers
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "authorization" | "cookie" | "proxy-authorization"
            )
        })
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let mut entry = JiraRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers,
        body: (bytes.len() <= MAX_LOGGED_BODY)
            .then(|| serde_json::from_slice(&bytes).ok())
            .flatten(),
        status: 0,
    };
    let resp = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    entry.status = resp.status().as_u16();
    lock(&shared.jira_log).push(entry);
    resp
}
