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
use crate::store::Fields;

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
///
/// An atomic batch keeps an undo record of what each item changed (the entity as it was before
/// an update, the id of an entity it created) and plays it back when an item fails: the work of
/// a rollback is that of the batch, not a copy of the whole account per write.
pub fn post(
    shared: &Shared,
    ty: &TypeDef,
    body: &Bytes,
    by: Editor,
    include: Option<&[crate::query::include::IncludeItem]>,
) -> Result<Response, OpError> {
    let items = items(shared, body)?;
    let mut undo = shared.bulk_atomic.then(|| Undo::new(shared));
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let prior = undo.as_ref().map(|_| Undo::prior(shared, ty, item));
        match ops::upsert(shared, ty, item, by)
            .inspect(|&(id, created)| {
                if let (Some(undo), Some(prior)) = (undo.as_mut(), prior) {
                    undo.written(id, created, prior);
                }
            })
            .and_then(|(id, _)| ops::get(shared, ty, id, include))
        {
            Ok(v) => out.push(v),
            Err(e) => match undo.take() {
                Some(undo) => {
                    undo.roll_back(shared, ty);
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

/// What an atomic batch wrote so far, to put back when one of its items fails.
struct Undo {
    /// The store's next id before the batch.
    next_id: i64,
    /// In write order: the id written and the entity as it was before (`None`: created).
    writes: Vec<(i64, Option<Fields>)>,
}

impl Undo {
    fn new(shared: &Shared) -> Self {
        Self {
            next_id: lock(&shared.world).tp.next_id,
            writes: Vec::new(),
        }
    }

    /// The entity an item names by `Id` as it is now (`None` when it names none or none such).
    fn prior(shared: &Shared, ty: &TypeDef, item: &Value) -> Option<Fields> {
        let id = item.get("Id").and_then(Value::as_i64)?;
        lock(&shared.world).tp.get(&ty.resource_type, id).cloned()
    }

    fn written(&mut self, id: i64, created: bool, prior: Option<Fields>) {
        self.writes.push((id, if created { None } else { prior }));
    }

    /// Every write of the batch undone, the latest first; the next id goes back too unless
    /// another request created an entity meanwhile.
    fn roll_back(self, shared: &Shared, ty: &TypeDef) {
        let mut world = lock(&shared.world);
        let store = &mut world.tp;
        let last_created = self
            .writes
            .iter()
            .filter(|(_, prior)| prior.is_none())
            .map(|(id, _)| *id)
            .max();
        let rows = store.entities.entry(ty.resource_type.clone()).or_default();
        for (id, prior) in self.writes.into_iter().rev() {
            match prior {
                Some(fields) => rows.insert(id, fields),
                None => rows.remove(&id),
            };
        }
        if last_created.is_some_and(|id| store.next_id == id + 1) {
            store.next_id = self.next_id;
        }
        store.touched();
    }
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
