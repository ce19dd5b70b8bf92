//! Entity operations shared by the HTTP routes and the in-process control: read in wire form,
//! create, partial update, delete, link/unlink collection items. Each takes the world lock once
//! and saves the state file after a change.
//!
//! No HTTP here; failures carry the status code TP would answer.

use serde_json::Value;

use crate::editor::{self, Editor};
use crate::query::include::IncludeItem;
use crate::render::{self, Ctx};
use crate::schema::{FieldKind, TypeDef};
use crate::shared::{Shared, lock};
use crate::write;

/// A failed operation: the HTTP status TP answers and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpError {
    pub status: u16,
    pub message: String,
}

impl OpError {
    pub fn bad(message: impl Into<String>) -> Self {
        Self {
            status: 400,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: 404,
            message: message.into(),
        }
    }
}

pub fn resolve<'a>(shared: &'a Shared, resource: &str) -> Result<&'a TypeDef, OpError> {
    shared
        .schema
        .resolve(resource)
        .ok_or_else(|| OpError::not_found(format!("Resource type '{resource}' is not found")))
}

fn missing(ty: &TypeDef, id: i64) -> OpError {
    OpError::not_found(format!("{} with Id {id} is not found", ty.resource_type))
}

/// One entity in wire form.
pub fn get(
    shared: &Shared,
    ty: &TypeDef,
    id: i64,
    include: Option<&[IncludeItem]>,
) -> Result<Value, OpError> {
    let world = lock(&shared.world);
    let ctx = Ctx {
        schema: &shared.schema,
        store: &world.tp,
        tz_offset_minutes: shared.tz_offset_minutes,
    };
    let e = world
        .tp
        .get(&ty.resource_type, id)
        .ok_or_else(|| missing(ty, id))?;
    Ok(render::entity(ctx, ty, e, include))
}

/// Creates (no `Id` in the body) or updates (with `Id`). Returns the id and whether it was new.
pub fn upsert(
    shared: &Shared,
    ty: &TypeDef,
    body: &Value,
    by: Editor,
) -> Result<(i64, bool), OpError> {
    match body.get("Id") {
        Some(Value::Number(n)) => {
            let id = n.as_i64().ok_or_else(|| OpError::bad("Invalid Id"))?;
            refused(shared, ty, Some(id), Some(body))?;
            api_update(shared, ty, id, body, by).map(|()| (id, false))
        }
        Some(Value::Null) | None => {
            refused(shared, ty, None, Some(body))?;
            create(shared, ty, body, by).map(|id| (id, true))
        }
        Some(_) => Err(OpError::bad(
            "Error during deserializing resource: invalid Id",
        )),
    }
}

/// An API write the refusal rules refuse (see `refusals`).
pub fn refused(
    shared: &Shared,
    ty: &TypeDef,
    id: Option<i64>,
    body: Option<&Value>,
) -> Result<(), OpError> {
    crate::refusals::check(shared, crate::refusals::Write { ty, id, body })
}

/// Creates an entity; `by` becomes its `LastEditor`.
pub fn create(shared: &Shared, ty: &TypeDef, body: &Value, by: Editor) -> Result<i64, OpError> {
    let id = {
        let mut world = lock(&shared.world);
        let mut fields = write::prepare(&world.tp, ty, body, None).map_err(OpError::bad)?;
        editor::stamp(ty, &mut fields, by);
        world.tp.insert(&ty.resource_type, fields, shared.now_ms())
    };
    shared.persist();
    Ok(id)
}

/// Partial update: only the fields in `body` change, and `LastEditor` becomes `by`.
pub fn update(
    shared: &Shared,
    ty: &TypeDef,
    id: i64,
    body: &Value,
    by: Editor,
) -> Result<(), OpError> {
    update_noting(shared, ty, id, body, by).map(|_| ())
}

/// [`update`] sent through the API: a write that sends a field the value it already holds is
/// recorded (see [`crate::UnchangedWrite`]).
pub fn api_update(
    shared: &Shared,
    ty: &TypeDef,
    id: i64,
    body: &Value,
    by: Editor,
) -> Result<(), OpError> {
    let fields = update_noting(shared, ty, id, body, by)?;
    if !fields.is_empty() {
        lock(&shared.unchanged_writes).push(crate::UnchangedWrite {
            resource_type: ty.resource_type.clone(),
            id,
            fields,
        });
    }
    Ok(())
}

/// Updates; returns the fields of the write whose value was already the stored one.
fn update_noting(
    shared: &Shared,
    ty: &TypeDef,
    id: i64,
    body: &Value,
    by: Editor,
) -> Result<Vec<String>, OpError> {
    let unchanged = {
        let mut world = lock(&shared.world);
        let existing = world
            .tp
            .get(&ty.resource_type, id)
            .ok_or_else(|| missing(ty, id))?;
        let mut fields =
            write::prepare(&world.tp, ty, body, Some(existing)).map_err(OpError::bad)?;
        let unchanged: Vec<String> = fields
            .iter()
            .filter(|(k, v)| existing.get(k.as_str()) == Some(*v))
            .map(|(k, _)| k.clone())
            .collect();
        editor::stamp(ty, &mut fields, by);
        world
            .tp
            .update(&ty.resource_type, id, fields, shared.now_ms());
        unchanged
    };
    shared.persist();
    Ok(unchanged)
}

pub fn delete(shared: &Shared, ty: &TypeDef, id: i64) -> Result<(), OpError> {
    if ty.read_only {
        return Err(OpError::bad(format!(
            "{} cannot be deleted through the API",
            ty.plural
        )));
    }
    let removed = lock(&shared.world).tp.delete(&ty.resource_type, id);
    if !removed {
        return Err(missing(ty, id));
    }
    shared.persist();
    Ok(())
}

/// Removes items from a collection field of an entity (`DELETE .../{id}/{Collection}/{child}`).
pub fn unlink(
    shared: &Shared,
    ty: &TypeDef,
    id: i64,
    collection: &str,
    children: &[i64],
    by: Editor,
) -> Result<(), OpError> {
    let field = ty
        .fields
        .iter()
        .find(|f| {
            f.name.eq_ignore_ascii_case(collection) && matches!(f.kind, FieldKind::Collection(_))
        })
        .ok_or_else(|| {
            OpError::not_found(format!(
                "{} has no collection '{collection}'",
                ty.resource_type
            ))
        })?;
    {
        let mut world = lock(&shared.world);
        let e = world
            .tp
            .get(&ty.resource_type, id)
            .ok_or_else(|| missing(ty, id))?;
        let kept: Vec<Value> = e
            .get(&field.name)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|v| v.as_i64().is_none_or(|x| !children.contains(&x)))
            .cloned()
            .collect();
        let mut changes = crate::store::Fields::new();
        changes.insert(field.name.clone(), Value::Array(kept));
        editor::stamp(ty, &mut changes, by);
        world
            .tp
            .update(&ty.resource_type, id, changes, shared.now_ms());
    }
    shared.persist();
    Ok(())
}
