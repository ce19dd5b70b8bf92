//! `POST /api/v1/{entities}/bulk` and `DELETE /api/v1/{entities}/bulk`.
//!
//! Atomic mode (default): the first invalid item rejects the batch with a 400 naming the item and
//! nothing is kept. Per-item mode: 200 with `{"Items": [...]}` holding the entity or
//! `{"Error": <TP error object>}` per item, in request order. Batches above the maximum are a 400.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::tp::parse_body;
use crate::editor::Editor;
use crate::errors;
use crate::ops::{self, OpError};
use crate::schema::TypeDef;
use crate::shared::{Shared, lock};

fn items(shared: &Shared, body: &Bytes) -> Result<Vec<Value>, OpError> {
    let value = parse_body(body)?;
    let Value::Array(items) = value else {
        return Err(OpError::bad(
            "Error during deserializing resource: bulk body must be an array",
        ));
    };
    if items.len() > shared.bulk_max {
        return Err(OpError::bad(format!(
            "Bulk operation is limited to {} items, got {}",
            shared.bulk_max,
            items.len()
        )));
    }
    Ok(items)
}

/// Every item is written by `by`; each entity in the answer carries the fields of `include`
/// (`resultInclude`), or the default representation without it.
pub fn post(
    shared: &Shared,
    ty: &TypeDef,
    body: &Bytes,
    by: Editor,
    include: Option<&[crate::query::include::IncludeItem]>,
) -> Result<Response, OpError> {
    let items = items(shared, body)?;
    let before = shared.bulk_atomic.then(|| lock(&shared.world).clone());
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match ops::upsert(shared, ty, item, by)
            .and_then(|(id, _)| ops::get(shared, ty, id, include))
        {
            Ok(v) => out.push(v),
            Err(e) => match &before {
                Some(snapshot) => {
                    *lock(&shared.world) = snapshot.clone();
                    shared.persist();
                    return Err(OpError {
                        status: e.status,
                        message: format!("Bulk item {i}: {}", e.message),
                    });
                }
                None => {
                    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
                    out.push(json!({ "Error": errors::tp_body(status, &e.message) }));
                }
            },
        }
    }
    Ok(axum::Json(json!({ "Items": out })).into_response())
}

pub fn delete(shared: &Shared, ty: &TypeDef, body: &Bytes) -> Result<Response, OpError> {
    let items = items(shared, body)?;
    let ids: Vec<i64> = items
        .iter()
        .map(|v| {
            v.get("Id")
                .and_then(Value::as_i64)
                .ok_or_else(|| OpError::bad("Bulk delete items need an Id"))
        })
        .collect::<Result<_, _>>()?;
    {
        let world = lock(&shared.world);
        if let Some(id) = ids
            .iter()
            .find(|id| world.tp.get(&ty.resource_type, **id).is_none())
        {
            return Err(OpError::not_found(format!(
                "{} with Id {id} is not found",
                ty.resource_type
            )));
        }
    }
    for id in &ids {
        ops::refused(shared, ty, Some(*id), None)?;
    }
    for id in ids {
        ops::delete(shared, ty, id)?;
    }
    Ok(StatusCode::OK.into_response())
}
