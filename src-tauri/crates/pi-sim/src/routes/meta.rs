//! `GET /api/v1/Index/meta` and `GET /api/v1/{Entities}/meta`: resource types, their fields
//! (name, type, kind, referenced type) and custom field names, plus the configured PI Planner
//! names under `PiPlanner` so a client can discover them.
//!
//! The JSON shape is the simulator's own; real TP's metadata format is not documented in JSON.

use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::schema::{FieldKind, TypeDef};
use crate::shared::{Shared, lock};
use crate::write;

fn field_json(name: &str, kind: &FieldKind, required: bool, read_only: bool) -> Value {
    let (ty, k, target) = match kind {
        FieldKind::Int => ("Int", "Value", None),
        FieldKind::Text => ("String", "Value", None),
        FieldKind::Html => ("RichText", "Value", None),
        FieldKind::Number => ("Decimal", "Value", None),
        FieldKind::Bool => ("Bool", "Value", None),
        FieldKind::Date => ("DateTime", "Value", None),
        FieldKind::Ref(t) => ("Reference", "Reference", Some(t.as_str())),
        FieldKind::Collection(t) => ("Collection", "Collection", Some(t.as_str())),
        FieldKind::CustomFields => ("CustomFields", "CustomFields", None),
        FieldKind::Object => ("Object", "Value", None),
    };
    json!({"Name": name, "Type": ty, "Kind": k, "ResourceType": target, "Required": required, "ReadOnly": read_only})
}

fn type_json(shared: &Shared, ty: &TypeDef) -> Value {
    let fields: Vec<Value> = ty
        .fields
        .iter()
        .map(|f| field_json(&f.name, &f.kind, f.required, f.read_only))
        .collect();
    let custom: Vec<Value> = write::custom_defs(&lock(&shared.world).tp, &ty.resource_type)
        .into_iter()
        .map(|(n, t)| json!({"Name": n, "Type": t}))
        .collect();
    json!({
        "Name": ty.resource_type, "Plural": ty.plural, "EntityTypeId": ty.entity_type_id,
        "Uri": format!("{}/api/v1/{}/meta", shared.base_url, ty.plural),
        "ReadOnly": ty.read_only, "Fields": fields, "CustomFields": custom,
    })
}

pub fn index(shared: &Shared) -> Response {
    let tp = &shared.schema.tp;
    let items: Vec<Value> = shared
        .schema
        .types
        .iter()
        .map(|t| type_json(shared, t))
        .collect();
    axum::Json(json!({
        "Items": items,
        "PiPlanner": {
            "TeamObjectiveResource": tp.team_objective_resource,
            "ProgramObjectiveResource": tp.program_objective_resource,
            "ObjectiveProgramObjectiveField": tp.objective_program_objective_field,
            "FeatureObjectivesCollection": tp.feature_objectives_collection,
            "CommittedField": tp.committed_field,
            "BusinessValueField": tp.business_value_field,
            "ActualBusinessValueField": tp.actual_business_value_field,
            "JiraKeyField": tp.jira_key_field,
            "AcceptanceCriteriaField": tp.acceptance_criteria_field,
        }
    }))
    .into_response()
}

pub fn type_meta(shared: &Shared, ty: &TypeDef) -> Response {
    axum::Json(type_json(shared, ty)).into_response()
}
