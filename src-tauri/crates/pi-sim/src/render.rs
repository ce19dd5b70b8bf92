//! Renders stored entities as TP v1 wire JSON: `ResourceType` + `Id` on every entity and nested
//! reference, `/Date(ms±hhmm)/` dates, references as `{ResourceType, Id, Name}` by default,
//! collections as `{"Items": [...]}`, and `include=[...]` projections with nested field lists.
//!
//! Rendering never fails on data; unknown include names are rejected by [`check_include`] first.

use serde_json::{Map, Value, json};

use crate::date;
use crate::query::include::IncludeItem;
use crate::schema::{FieldKind, Schema, TypeDef};
use crate::store::{Fields, Store};

/// What rendering needs besides the entity.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    pub schema: &'a Schema,
    pub store: &'a Store,
    pub tz_offset_minutes: i32,
}

/// Rejects include names the type does not have (TP answers 400).
pub fn check_include(items: &[IncludeItem], schema: &Schema, ty: &TypeDef) -> Result<(), String> {
    for item in items {
        if item.name == "ResourceType" {
            continue;
        }
        let field = ty
            .field(&item.name)
            .ok_or_else(|| format!("Invalid field '{}' for {}", item.name, ty.resource_type))?;
        if let (Some(nested), FieldKind::Ref(t) | FieldKind::Collection(t)) =
            (&item.nested, &field.kind)
            && let Some(target) = schema.by_type(t)
        {
            check_include(nested, schema, target)?;
        }
    }
    Ok(())
}

/// Renders one entity; `include = None` gives the default set (every field but collections).
pub fn entity(ctx: Ctx<'_>, ty: &TypeDef, e: &Fields, include: Option<&[IncludeItem]>) -> Value {
    let mut out = Map::new();
    out.insert("ResourceType".into(), ty.resource_type.clone().into());
    out.insert("Id".into(), e.get("Id").cloned().unwrap_or(Value::Null));
    match include {
        None => {
            for f in &ty.fields {
                if !matches!(f.kind, FieldKind::Collection(_)) && f.name != "Id" {
                    out.insert(f.name.clone(), field(ctx, &f.kind, e.get(&f.name), None));
                }
            }
        }
        Some(items) => {
            for item in items {
                if let Some(f) = ty.field(&item.name)
                    && f.name != "Id"
                {
                    let v = field(ctx, &f.kind, e.get(&f.name), item.nested.as_deref());
                    out.insert(f.name.clone(), v);
                }
            }
        }
    }
    Value::Object(out)
}

fn field(
    ctx: Ctx<'_>,
    kind: &FieldKind,
    v: Option<&Value>,
    nested: Option<&[IncludeItem]>,
) -> Value {
    let v = v.unwrap_or(&Value::Null);
    match kind {
        FieldKind::Date => v.as_i64().map_or(Value::Null, |ms| {
            date::format_tp(ms, ctx.tz_offset_minutes).into()
        }),
        FieldKind::Ref(target) => v
            .as_i64()
            .map_or(Value::Null, |id| reference(ctx, target, id, nested)),
        FieldKind::Collection(target) => {
            let items: Vec<Value> = v
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_i64)
                .map(|id| reference(ctx, target, id, nested))
                .filter(|r| !r.is_null())
                .collect();
            json!({ "Items": items })
        }
        // TP answers an entity without custom field values with an empty list.
        FieldKind::CustomFields if v.is_null() => json!([]),
        _ => v.clone(),
    }
}

/// A nested reference: default `{ResourceType, Id, Name}` (user fields for users), or the
/// requested nested fields. A dangling reference renders as `null`.
pub fn reference(ctx: Ctx<'_>, target: &str, id: i64, nested: Option<&[IncludeItem]>) -> Value {
    let (Some(ty), Some(e)) = (ctx.schema.by_type(target), ctx.store.get(target, id)) else {
        return Value::Null;
    };
    if let Some(items) = nested {
        return entity(ctx, ty, e, Some(items));
    }
    let names: &[&str] = if target == "User" {
        &["FirstName", "LastName", "FullName", "Email", "Login"]
    } else {
        &["Name"]
    };
    let mut out = Map::new();
    out.insert("ResourceType".into(), target.into());
    out.insert("Id".into(), id.into());
    for n in names {
        out.insert((*n).into(), e.get(*n).cloned().unwrap_or(Value::Null));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::include;
    use pi_model::TpSchema;

    fn fixture() -> (Schema, Store, i64) {
        let schema = Schema::new(TpSchema::default());
        let mut store = Store::new(1);
        let fields = |v: Value| v.as_object().cloned().unwrap();
        let art = store.insert("AgileReleaseTrain", fields(json!({"Name": "Orbit"})), 0);
        let team = store.insert(
            "Team",
            fields(json!({"Name": "Comets", "AgileReleaseTrain": art})),
            0,
        );
        let user = store.insert(
            "User",
            fields(json!({"FirstName": "Ada", "LastName": "Vale", "FullName": "Ada Vale", "Email": "a@x", "Login": "ada"})),
            0,
        );
        let obj = store.insert(
            "TeamPIObjective",
            fields(json!({"Name": "O1", "Team": team})),
            0,
        );
        let feat = store.insert(
            "Feature",
            fields(
                json!({"Name": "F", "Team": team, "Owner": user, "TeamPIObjectives": [obj],
                "CustomFields": [{"Name": "Jira Key", "Type": "TemplatedURL", "Value": "DAD-1"}]}),
            ),
            86_400_000,
        );
        (schema, store, feat)
    }

    #[test]
    fn default_projection_has_refs_dates_and_no_collections() {
        let (schema, store, id) = fixture();
        let ctx = Ctx {
            schema: &schema,
            store: &store,
            tz_offset_minutes: 60,
        };
        let ty = schema.resolve("Features").unwrap();
        let v = entity(ctx, ty, store.get("Feature", id).unwrap(), None);
        assert_eq!(v["ResourceType"], "Feature");
        assert_eq!(
            v["Team"],
            json!({"ResourceType": "Team", "Id": 2, "Name": "Comets"})
        );
        assert_eq!(v["Owner"]["FullName"], "Ada Vale");
        assert_eq!(v["Owner"]["ResourceType"], "User");
        assert_eq!(v["CreateDate"], "/Date(86400000+0100)/");
        assert_eq!(v["Release"], Value::Null);
        assert!(v.get("TeamPIObjectives").is_none());
        assert_eq!(v["CustomFields"][0]["Value"], "DAD-1");
    }

    #[test]
    fn include_projects_nested_fields_and_collections() {
        let (schema, store, id) = fixture();
        let ctx = Ctx {
            schema: &schema,
            store: &store,
            tz_offset_minutes: 0,
        };
        let ty = schema.resolve("Features").unwrap();
        let inc =
            include::parse("[Name,Team[AgileReleaseTrain[Name]],TeamPIObjectives,Owner[Login]]")
                .unwrap();
        check_include(&inc, &schema, ty).unwrap();
        let v = entity(ctx, ty, store.get("Feature", id).unwrap(), Some(&inc));
        assert_eq!(
            v,
            json!({
                "ResourceType": "Feature", "Id": id, "Name": "F",
                "Team": {"ResourceType": "Team", "Id": 2,
                         "AgileReleaseTrain": {"ResourceType": "AgileReleaseTrain", "Id": 1, "Name": "Orbit"}},
                "TeamPIObjectives": {"Items": [{"ResourceType": "TeamPIObjective", "Id": 4, "Name": "O1"}]},
                "Owner": {"ResourceType": "User", "Id": 3, "Login": "ada"}
            })
        );
    }

    #[test]
    fn unknown_include_names_are_rejected() {
        let schema = Schema::new(TpSchema::default());
        let ty = schema.resolve("Features").unwrap();
        let bad = include::parse("[Name,Team[Colour]]").unwrap();
        assert!(
            check_include(&bad, &schema, ty)
                .unwrap_err()
                .contains("Colour")
        );
        let bad = include::parse("[name]").unwrap();
        assert!(check_include(&bad, &schema, ty).is_err());
    }
}
