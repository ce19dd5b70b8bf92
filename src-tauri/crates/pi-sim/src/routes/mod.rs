//! The axum router: TP under `/api/v1`, Jira under `/rest/api/{2,3}`, control under `/_sim`.
//!
//! Auth, faults and the request log are applied by `server` before a request gets here.

mod bulk;
mod control;
mod jira;
mod jira_create;
mod jira_dc;
mod meta;
mod tp;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::any;

use crate::errors;
use crate::ops::OpError;
use crate::shared::Shared;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/v1/{*rest}", any(tp::dispatch))
        .merge(jira::routes(shared.clone()))
        .merge(control::routes())
        .merge(crate::slack::routes())
        .merge(crate::github::routes())
        .fallback(|| async { errors::tp_not_found("Not found") })
        .with_state(shared)
}

/// An operation error as a TP error answer.
pub fn op_error(e: OpError) -> Response {
    errors::tp(
        StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST),
        e.message,
    )
}
