//! The control API under `/_sim/` (404 unless enabled): `GET|PUT /_sim/faults`,
//! `POST /_sim/reset`, `GET|DELETE /_sim/requests`, `POST /_sim/entities/{resource}/{id}`,
//! `POST /_sim/save` (to the configured state file), `GET|POST|DELETE /_sim/refusals` (the
//! refusal rules: list, add one, lift all), `POST /_sim/hostile/{resource}/{id}` (a hostile
//! value into a name or description), `POST /_sim/github/pulls/{number}/reviews` (a review by
//! another GitHub login: `{"login": "demo-lead", "state": "APPROVED"}`).
//!
//! Not authenticated and never subject to faults; it exists for tests and demos on loopback.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::config::Faults;
use crate::control::{ControlError, SimControl};
use crate::errors;
use crate::shared::Shared;

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sim/faults", get(get_faults).put(put_faults))
        .route("/_sim/reset", post(reset))
        .route("/_sim/requests", get(requests).delete(clear))
        .route("/_sim/entities/{resource}/{id}", post(edit))
        .route("/_sim/save", post(save))
        .route("/_sim/hostile/{resource}/{id}", post(hostile))
        .route("/_sim/github/pulls/{number}/reviews", post(github_review))
        .route(
            "/_sim/refusals",
            get(get_refusals).post(add_refusal).delete(clear_refusals),
        )
        .route(
            "/_sim/{*rest}",
            axum::routing::any(|| async { StatusCode::NOT_FOUND }),
        )
}

fn control(shared: &Arc<Shared>) -> Result<SimControl, Box<Response>> {
    if shared.control_api {
        Ok(SimControl::new(shared.clone()))
    } else {
        Err(Box::new(errors::tp_not_found("Not found")))
    }
}

fn error(e: ControlError) -> Response {
    let status = match e {
        ControlError::UnknownResource(_) | ControlError::NotFound(_) => StatusCode::NOT_FOUND,
        ControlError::Invalid(_) => StatusCode::BAD_REQUEST,
        ControlError::State(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    errors::tp(status, e.to_string())
}

/// A review by another login on pull request `number`, given on its head commit now.
async fn github_review(
    State(s): State<Arc<Shared>>,
    Path(number): Path<u64>,
    body: axum::body::Bytes,
) -> Response {
    if let Err(r) = control(&s) {
        return *r;
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (Some(login), Some(state)) = (body["login"].as_str(), body["state"].as_str()) else {
        return errors::tp_bad_request("A review needs \"login\" and \"state\".");
    };
    let github = crate::GithubControl::new(s.clone());
    if !github.pulls().iter().any(|p| p.number == number) {
        return errors::tp(StatusCode::NOT_FOUND, format!("No pull request #{number}."));
    }
    github.add_review(number, login, state);
    StatusCode::NO_CONTENT.into_response()
}

async fn get_faults(State(s): State<Arc<Shared>>) -> Response {
    match control(&s) {
        Ok(c) => Json(c.faults()).into_response(),
        Err(r) => *r,
    }
}

async fn put_faults(State(s): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let c = match control(&s) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    match serde_json::from_slice::<Faults>(&body) {
        Ok(f) => {
            c.set_faults(f);
            Json(c.faults()).into_response()
        }
        Err(e) => errors::tp_bad_request(format!("Invalid faults: {e}")),
    }
}

async fn reset(State(s): State<Arc<Shared>>) -> Response {
    match control(&s).map(|c| c.reset()) {
        Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
        Ok(Err(e)) => error(e),
        Err(r) => *r,
    }
}

async fn requests(State(s): State<Arc<Shared>>) -> Response {
    match control(&s) {
        Ok(c) => Json(c.request_log()).into_response(),
        Err(r) => *r,
    }
}

async fn clear(State(s): State<Arc<Shared>>) -> Response {
    match control(&s) {
        Ok(c) => {
            c.clear_request_log();
            StatusCode::NO_CONTENT.into_response()
        }
        Err(r) => *r,
    }
}

async fn edit(
    State(s): State<Arc<Shared>>,
    Path((resource, id)): Path<(String, i64)>,
    body: axum::body::Bytes,
) -> Response {
    let c = match control(&s) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let Ok(fields) = serde_json::from_slice::<Value>(&body) else {
        return errors::tp_bad_request("Error during deserializing resource: invalid JSON");
    };
    match c.update_entity(&resource, id, fields) {
        Ok(v) => Json(v).into_response(),
        Err(e) => error(e),
    }
}

/// Body: `{"field": "Name" | "Description", "pick": n}`.
#[derive(serde::Deserialize)]
struct HostileEdit {
    field: String,
    pick: u64,
}

async fn hostile(
    State(s): State<Arc<Shared>>,
    Path((resource, id)): Path<(String, i64)>,
    body: axum::body::Bytes,
) -> Response {
    let c = match control(&s) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let edit = match serde_json::from_slice::<HostileEdit>(&body) {
        Ok(edit) => edit,
        Err(e) => return errors::tp_bad_request(format!("Invalid hostile edit: {e}")),
    };
    match c.set_hostile(&resource, id, &edit.field, edit.pick) {
        Ok(v) => Json(v).into_response(),
        Err(e) => error(e),
    }
}

async fn save(State(s): State<Arc<Shared>>) -> Response {
    match control(&s).map(|c| c.save_state_file()) {
        Ok(Ok(true)) => Json(json!({"saved": true})).into_response(),
        Ok(Ok(false)) => errors::tp_bad_request("No state file is configured"),
        Ok(Err(e)) => error(ControlError::State(e)),
        Err(r) => *r,
    }
}

async fn get_refusals(State(s): State<Arc<Shared>>) -> Response {
    match control(&s) {
        Ok(c) => Json(c.refusals()).into_response(),
        Err(r) => *r,
    }
}

async fn add_refusal(State(s): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let c = match control(&s) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    match serde_json::from_slice::<crate::Refusal>(&body) {
        Ok(rule) => {
            c.refuse(rule);
            Json(c.refusals()).into_response()
        }
        Err(e) => errors::tp_bad_request(format!("Invalid refusal rule: {e}")),
    }
}

async fn clear_refusals(State(s): State<Arc<Shared>>) -> Response {
    match control(&s) {
        Ok(c) => {
            c.clear_refusals();
            StatusCode::NO_CONTENT.into_response()
        }
        Err(r) => *r,
    }
}
