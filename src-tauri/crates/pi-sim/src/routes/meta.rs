//! `GET /api/v1/Index/meta` and `GET /api/v1/{Entities}/meta`, shaped as clients that ran
//! against real accounts read them (reference/targetprocess-api.md §1: "lists entity types and
//! fields", [3P]); Targetprocess documents the shape only as XML.
//!
//! * `Index/meta`: one `ResourceMetadataDescription` entry (`Name`, `Uri` of the resource's own
//!   metadata, `Description`) per resource type. Real accounts render the XML index to JSON with
//!   that key repeated once per entry, so the simulator does too: a client must read the answer
//!   as a stream of entries, not as a map that keeps only the last one.
//! * `{Entities}/meta`: `Name`, `Uri`, `CanCreate`/`CanUpdate`/`CanDelete`, and under
//!   `ResourceMetadataPropertiesDescription` three groups of fields with `Items` — values,
//!   references (one entity; `Type` is the referenced type) and collections (many; `Type` the
//!   item type). Custom fields are not listed one by one (they are the `CustomFields`
//!   collection; their definitions are `/api/v1/CustomFields`), and nothing names what PI
//!   Planner calls things: a client finds that out as it would on a real account.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::schema::{FieldDef, FieldKind, TypeDef};
use crate::shared::Shared;

const INDEX_ENTRY: &str = "ResourceMetadataDescription";
const VALUES: &str = "ResourceMetadataPropertiesResourceValuesDescription";
const REFERENCES: &str = "ResourceMetadataPropertiesResourceReferencesDescription";
const COLLECTIONS: &str = "ResourceMetadataPropertiesResourceCollectionsDescription";

fn meta_uri(shared: &Shared, ty: &TypeDef) -> String {
    format!("{}/api/v1/{}/meta", shared.base_url, ty.plural)
}

/// `Index/meta`: the repeated-key JSON of every resource type.
pub fn index(shared: &Shared) -> Response {
    let mut entries = vec![format!(
        "\"IndexUri\":{}",
        json!(format!("{}/api/v1/Index/meta", shared.base_url))
    )];
    for ty in &shared.schema.types {
        let entry = json!({
            "Name": ty.resource_type,
            "Uri": meta_uri(shared, ty),
            "Description": format!("Represents a {}", ty.resource_type),
        });
        entries.push(format!("\"{INDEX_ENTRY}\":{entry}"));
    }
    let body = format!("{{{}}}", entries.join(","));
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

/// The wire type of a value field as the metadata names it.
fn value_type(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::Int => "Int32",
        FieldKind::Text | FieldKind::Html => "String",
        FieldKind::Number => "Decimal",
        FieldKind::Bool => "Boolean",
        FieldKind::Date => "DateTime",
        _ => "Object",
    }
}

fn field_json(field: &FieldDef, ty: &str, collection: bool) -> Value {
    let mut v = json!({
        "Name": field.name, "Type": ty, "CanGet": true, "CanSet": !field.read_only,
        "IsRequired": field.required, "Description": "",
    });
    if collection {
        v["CanAdd"] = json!(!field.read_only);
        v["CanRemove"] = json!(!field.read_only);
    }
    v
}

/// `{Entities}/meta` of one type.
pub fn type_meta(shared: &Shared, ty: &TypeDef) -> Response {
    let (mut values, mut references, mut collections) = (Vec::new(), Vec::new(), Vec::new());
    for f in &ty.fields {
        match &f.kind {
            FieldKind::Ref(target) => references.push(field_json(f, target, false)),
            FieldKind::Collection(target) => collections.push(field_json(f, target, true)),
            FieldKind::CustomFields => collections.push(field_json(f, "CustomField", true)),
            kind => values.push(field_json(f, value_type(kind), false)),
        }
    }
    let writable = !ty.read_only;
    axum::Json(json!({
        "Name": ty.resource_type,
        "Uri": meta_uri(shared, ty),
        "Description": format!("Represents a {}", ty.resource_type),
        "CanCreate": writable, "CanUpdate": writable, "CanDelete": writable,
        "ResourceMetadataPropertiesDescription": {
            VALUES: {"Items": values},
            REFERENCES: {"Items": references},
            COLLECTIONS: {"Items": collections},
        }
    }))
    .into_response()
}
