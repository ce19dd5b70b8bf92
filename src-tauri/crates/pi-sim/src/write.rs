//! Turns a POST body into stored fields, validating it as TP does: PascalCase known fields only
//! ("Error during deserializing resource" otherwise), references by id that must exist, an
//! `EntityState` from the type's own workflow, required fields on create, custom fields that are
//! defined for the type, and dates in any accepted input form. A read-only field (`LastEditor`,
//! `CreateDate`, `ModifyDate`, `EntityVersion`) in a body is a 400.
//!
//! It does not touch the store; the caller applies the result.

use serde_json::{Map, Value};

use crate::date;
use crate::schema::{FieldKind, TypeDef};
use crate::store::{Fields, Store};

const DESERIALIZE: &str = "Error during deserializing resource";

/// Validates `body` for `ty`. `existing` is the stored entity on update, `None` on create.
/// Collections and custom fields are merged into the existing values.
pub fn prepare(
    store: &Store,
    ty: &TypeDef,
    body: &Value,
    existing: Option<&Fields>,
) -> Result<Fields, String> {
    if ty.read_only {
        return Err(format!("{} cannot be modified through the API", ty.plural));
    }
    let obj = body
        .as_object()
        .ok_or_else(|| format!("{DESERIALIZE}: expected a JSON object"))?;
    let mut out = Fields::new();
    for (key, value) in obj {
        if key == "Id" || key == "ResourceType" {
            continue;
        }
        let field = ty.field(key).ok_or_else(|| {
            format!(
                "{DESERIALIZE}: unknown field '{key}' for {}",
                ty.resource_type
            )
        })?;
        if field.read_only {
            return Err(format!(
                "Field '{key}' is read-only for {}",
                ty.resource_type
            ));
        }
        let current = existing.and_then(|e| e.get(key));
        let stored = convert(store, ty, key, &field.kind, value, current)?;
        out.insert(key.clone(), stored);
    }
    if existing.is_none() {
        complete_create(store, ty, &mut out)?;
    }
    Ok(out)
}

fn complete_create(store: &Store, ty: &TypeDef, out: &mut Fields) -> Result<(), String> {
    for f in ty.fields.iter().filter(|f| f.required) {
        if out.get(&f.name).is_none_or(Value::is_null) {
            return Err(format!(
                "Field '{}' is required for {}",
                f.name, ty.resource_type
            ));
        }
    }
    if ty.has_workflow() && out.get("EntityState").is_none_or(Value::is_null) {
        let initial = workflow(store, &ty.resource_type)
            .find(|(_, s)| s.get("IsInitial") == Some(&Value::Bool(true)))
            .map(|(id, _)| *id);
        out.insert(
            "EntityState".into(),
            initial.map_or(Value::Null, Value::from),
        );
    }
    if ty.field("CustomFields").is_some() {
        let given = out.remove("CustomFields").unwrap_or(Value::Array(vec![]));
        let merged = merge_custom(store, ty, Some(&Value::Array(vec![])), &given)?;
        out.insert("CustomFields".into(), merged);
    }
    Ok(())
}

/// States of a type's workflow, in id order.
pub fn workflow<'a>(
    store: &'a Store,
    resource_type: &'a str,
) -> impl Iterator<Item = (&'a i64, &'a Fields)> {
    store.all("EntityState").filter(move |(_, s)| {
        s.get("EntityType")
            .and_then(|t| t.get("Name"))
            .and_then(Value::as_str)
            == Some(resource_type)
    })
}

fn convert(
    store: &Store,
    ty: &TypeDef,
    key: &str,
    kind: &FieldKind,
    value: &Value,
    current: Option<&Value>,
) -> Result<Value, String> {
    let bad = || format!("{DESERIALIZE}: invalid value for '{key}'");
    if value.is_null() && !matches!(kind, FieldKind::Collection(_) | FieldKind::CustomFields) {
        return Ok(Value::Null);
    }
    match kind {
        FieldKind::Text | FieldKind::Html => value.as_str().map(Value::from).ok_or_else(bad),
        FieldKind::Number => value.as_f64().map(Value::from).ok_or_else(bad),
        FieldKind::Int => value.as_i64().map(Value::from).ok_or_else(bad),
        FieldKind::Bool => match value {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(bad()),
        },
        FieldKind::Date => value
            .as_str()
            .and_then(date::parse_input)
            .map(Value::from)
            .ok_or_else(|| format!("Invalid date value for '{key}'")),
        FieldKind::Ref(target) => reference(store, ty, key, target, value).map(Value::from),
        FieldKind::Collection(target) => collection(store, key, target, value, current),
        FieldKind::CustomFields => merge_custom(store, ty, current, value),
        FieldKind::Object => Ok(value.clone()),
    }
}

/// `{"Id": n}` → n, checking that it exists (and, for states, that it is in the workflow).
fn reference(
    store: &Store,
    ty: &TypeDef,
    key: &str,
    target: &str,
    value: &Value,
) -> Result<i64, String> {
    let id = value
        .as_object()
        .and_then(|o| o.get("Id"))
        .and_then(Value::as_i64)
        .ok_or_else(|| {
            format!("Reference '{key}' must be set by Id, like {{\"{key}\":{{\"Id\":1}}}}")
        })?;
    let entity = store
        .get(target, id)
        .ok_or_else(|| format!("{target} with Id {id} does not exist"))?;
    if target == "EntityState" {
        let owner = entity
            .get("EntityType")
            .and_then(|t| t.get("Name"))
            .and_then(Value::as_str);
        if owner != Some(ty.resource_type.as_str()) {
            return Err(format!(
                "EntityState with Id {id} does not belong to the workflow of {}",
                ty.resource_type
            ));
        }
    }
    Ok(id)
}

/// `{"Items":[{"Id":n}]}` or `[{"Id":n}]`: appended to the current collection (TP appends).
fn collection(
    store: &Store,
    key: &str,
    target: &str,
    value: &Value,
    current: Option<&Value>,
) -> Result<Value, String> {
    let items = match value {
        Value::Array(a) => a,
        Value::Object(o) => o
            .get("Items")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{DESERIALIZE}: '{key}' needs Items"))?,
        _ => return Err(format!("{DESERIALIZE}: invalid value for '{key}'")),
    };
    let mut ids: Vec<Value> = current
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for item in items {
        let id = item
            .get("Id")
            .and_then(Value::as_i64)
            .ok_or_else(|| format!("Items of '{key}' must be set by Id"))?;
        if store.get(target, id).is_none() {
            return Err(format!("{target} with Id {id} does not exist"));
        }
        if !ids.iter().any(|v| v.as_i64() == Some(id)) {
            ids.push(id.into());
        }
    }
    Ok(Value::Array(ids))
}

/// Custom field definitions of a type: `(Name, FieldType)`.
pub fn custom_defs(store: &Store, resource_type: &str) -> Vec<(String, String)> {
    store
        .all("CustomField")
        .filter(|(_, d)| {
            d.get("EntityType")
                .and_then(|t| t.get("Name"))
                .and_then(Value::as_str)
                == Some(resource_type)
        })
        .map(|(_, d)| {
            let s = |k: &str| {
                d.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            (s("Name"), s("FieldType"))
        })
        .collect()
}

/// Merges `[{"Name","Value"}]` into the current custom field values; every defined field of the
/// type is present in the result (unset = null).
fn merge_custom(
    store: &Store,
    ty: &TypeDef,
    current: Option<&Value>,
    value: &Value,
) -> Result<Value, String> {
    let given = value
        .as_array()
        .ok_or_else(|| format!("{DESERIALIZE}: CustomFields must be an array"))?;
    let defs = custom_defs(store, &ty.resource_type);
    let mut values: Map<String, Value> = Map::new();
    for cf in current.and_then(Value::as_array).into_iter().flatten() {
        if let Some(n) = cf.get("Name").and_then(Value::as_str) {
            values.insert(
                n.to_owned(),
                cf.get("Value").cloned().unwrap_or(Value::Null),
            );
        }
    }
    for cf in given {
        let name = cf
            .get("Name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{DESERIALIZE}: custom field without Name"))?;
        let (def_name, _) = defs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                format!(
                    "Custom field '{name}' is not defined for {}",
                    ty.resource_type
                )
            })?;
        values.insert(
            def_name.clone(),
            cf.get("Value").cloned().unwrap_or(Value::Null),
        );
    }
    let out = defs
        .iter()
        .map(|(n, t)| serde_json::json!({"Name": n, "Type": t, "Value": values.get(n).cloned().unwrap_or(Value::Null)}))
        .collect();
    Ok(Value::Array(out))
}
