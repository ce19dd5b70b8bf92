//! Evaluates parsed `where` filters and `orderBy` paths against stored entities: follows
//! references through the store (`Team.AgileReleaseTrain.Id`), reads custom fields, and compares
//! values the way TP's v1 filters do (strings case-insensitively, booleans and dates as strings).
//!
//! It does not parse anything; see `query::filter`.

use std::cmp::Ordering;

use serde_json::Value;

use super::filter::{CmpOp, Filter, Literal, Path, Predicate};
use crate::date;
use crate::schema::{FieldKind, Schema, TypeDef};
use crate::store::{Fields, Store};

/// A value a path resolves to.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Null,
    Num(f64),
    Text(String),
    Bool(bool),
    Date(i64),
}

/// Checks every path of a filter against the schema, so a typo is a 400 even on an empty result.
pub fn check(filter: &Filter, schema: &Schema, ty: &TypeDef) -> Result<(), String> {
    filter
        .0
        .iter()
        .try_for_each(|p| check_path(path_of(p), schema, ty))
}

fn path_of(p: &Predicate) -> &Path {
    match p {
        Predicate::Cmp(path, ..)
        | Predicate::In(path, _)
        | Predicate::Contains(path, ..)
        | Predicate::IsNull(path, _) => path,
    }
}

/// Checks one path (also used for `orderBy`).
pub fn check_path(path: &Path, schema: &Schema, ty: &TypeDef) -> Result<(), String> {
    let segs = match path {
        Path::Custom(_) if ty.field("CustomFields").is_some() => return Ok(()),
        Path::Custom(name) => {
            return Err(format!("{} has no custom field '{name}'", ty.resource_type));
        }
        Path::Fields(segs) => segs,
    };
    let mut current = ty;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        if seg == "ResourceType" && last {
            return Ok(());
        }
        let field = current
            .field(seg)
            .ok_or_else(|| format!("Invalid field '{seg}' for {}", current.resource_type))?;
        match &field.kind {
            FieldKind::Ref(target) => match schema.by_type(target) {
                Some(t) if !last => current = t,
                _ => return Ok(()),
            },
            FieldKind::Object => return Ok(()),
            FieldKind::Collection(_) => {
                return Err(format!("Filtering by collection '{seg}' is not supported"));
            }
            FieldKind::CustomFields => return Err("Use CustomFields.Name to filter".into()),
            _ if !last => return Err(format!("'{seg}' is not a reference")),
            _ => {}
        }
    }
    Ok(())
}

/// Resolves a (checked) path on an entity.
pub fn resolve(path: &Path, schema: &Schema, store: &Store, ty: &TypeDef, e: &Fields) -> Scalar {
    let segs = match path {
        Path::Custom(name) => return custom(e, name),
        Path::Fields(segs) => segs,
    };
    let (mut current, mut entity) = (ty, e);
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        if seg == "ResourceType" {
            return Scalar::Text(current.resource_type.clone());
        }
        let Some(field) = current.field(seg) else {
            return Scalar::Null;
        };
        let value = entity.get(seg).unwrap_or(&Value::Null);
        match &field.kind {
            FieldKind::Ref(target) if !last => {
                let next = value.as_i64().and_then(|id| store.get(target, id));
                match (schema.by_type(target), next) {
                    (Some(t), Some(n)) => (current, entity) = (t, n),
                    _ => return Scalar::Null,
                }
            }
            FieldKind::Object => return object_path(value, &segs[i + 1..]),
            kind => return scalar(kind, value),
        }
    }
    Scalar::Null
}

fn object_path(value: &Value, rest: &[String]) -> Scalar {
    let v = rest
        .iter()
        .fold(value, |v, k| v.get(k).unwrap_or(&Value::Null));
    json_scalar(v)
}

fn custom(e: &Fields, name: &str) -> Scalar {
    let found = e
        .get("CustomFields")
        .and_then(Value::as_array)
        .and_then(|cfs| {
            cfs.iter().find(|cf| {
                cf.get("Name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
        });
    found.map_or(Scalar::Null, |cf| json_scalar(&cf["Value"]))
}

fn json_scalar(v: &Value) -> Scalar {
    match v {
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Number(n) => n.as_f64().map_or(Scalar::Null, Scalar::Num),
        Value::String(s) => Scalar::Text(s.clone()),
        _ => Scalar::Null,
    }
}

fn scalar(kind: &FieldKind, v: &Value) -> Scalar {
    match (kind, v) {
        (_, Value::Null) => Scalar::Null,
        (FieldKind::Date, v) => v.as_i64().map_or(Scalar::Null, Scalar::Date),
        (FieldKind::Ref(_), v) => v.as_f64().map_or(Scalar::Null, Scalar::Num),
        (_, v) => json_scalar(v),
    }
}

/// True when the entity satisfies every predicate.
pub fn matches(f: &Filter, schema: &Schema, store: &Store, ty: &TypeDef, e: &Fields) -> bool {
    f.0.iter().all(|p| {
        let v = resolve(path_of(p), schema, store, ty, e);
        match p {
            Predicate::Cmp(_, op, lit) => {
                compare(&v, lit).is_some_and(|o| op_holds(*op, o))
                    || (*op == CmpOp::Ne && compare(&v, lit).is_none())
            }
            Predicate::In(_, lits) => lits.iter().any(|l| compare(&v, l) == Some(Ordering::Equal)),
            Predicate::Contains(_, negated, needle) => contains(&v, needle) != *negated,
            Predicate::IsNull(_, negated) => (v == Scalar::Null) != *negated,
        }
    })
}

fn op_holds(op: CmpOp, o: Ordering) -> bool {
    match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Gte => o != Ordering::Less,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Lte => o != Ordering::Greater,
    }
}

/// Orders a value against a literal; `None` when they cannot be compared (null, bad number).
pub fn compare(v: &Scalar, lit: &Literal) -> Option<Ordering> {
    let text = match lit {
        Literal::Text(t) => t.clone(),
        Literal::Number(n) => n.to_string(),
    };
    match v {
        Scalar::Null => None,
        Scalar::Num(x) => {
            let y = match lit {
                Literal::Number(n) => *n,
                Literal::Text(t) => t.trim().parse().ok()?,
            };
            x.partial_cmp(&y)
        }
        Scalar::Text(s) => Some(s.to_lowercase().cmp(&text.to_lowercase())),
        Scalar::Bool(b) => {
            let y = match text.to_ascii_lowercase().as_str() {
                "true" | "1" => true,
                "false" | "0" => false,
                _ => return None,
            };
            Some(b.cmp(&y))
        }
        Scalar::Date(ms) => {
            let y = match lit {
                Literal::Number(n) => *n as i64,
                Literal::Text(t) => date::parse_input(t)?,
            };
            Some(ms.cmp(&y))
        }
    }
}

/// Case-insensitive substring test; `*` wildcards in the needle are ignored.
fn contains(v: &Scalar, needle: &str) -> bool {
    let hay = match v {
        Scalar::Text(s) => s.to_lowercase(),
        Scalar::Num(n) => n.to_string(),
        _ => return false,
    };
    hay.contains(&needle.replace('*', "").to_lowercase())
}

/// Total order for `orderBy`: nulls first, then by value.
pub fn order(a: &Scalar, b: &Scalar) -> Ordering {
    use Scalar::*;
    match (a, b) {
        (Null, Null) => Ordering::Equal,
        (Null, _) => Ordering::Less,
        (_, Null) => Ordering::Greater,
        (Num(x), Num(y)) => x.total_cmp(y),
        (Date(x), Date(y)) => x.cmp(y),
        (Bool(x), Bool(y)) => x.cmp(y),
        (Text(x), Text(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        _ => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::filter::parse;
    use pi_model::TpSchema;
    use serde_json::json;

    fn run(where_: &str) -> Vec<String> {
        let schema = Schema::new(TpSchema::default());
        let mut store = Store::new(1);
        let f = |v: Value| v.as_object().cloned().unwrap();
        let art = store.insert("AgileReleaseTrain", f(json!({"Name": "Orbit"})), 0);
        let team = store.insert(
            "Team",
            f(json!({"Name": "Comets", "AgileReleaseTrain": art})),
            0,
        );
        store.insert(
            "Feature",
            f(
                json!({"Name": "Alpha", "Effort": 3.0, "Team": team, "StartDate": 86_400_000,
            "CustomFields": [{"Name": "Jira Key", "Value": "ORB-1"}]}),
            ),
            0,
        );
        store.insert(
            "Feature",
            f(json!({"Name": "beta O'Neil", "Effort": 8.0, "Tags": "Major, ui"})),
            0,
        );
        let ty = schema.resolve("Features").unwrap();
        let filter = parse(where_).unwrap();
        check(&filter, &schema, ty).unwrap();
        store
            .all("Feature")
            .filter(|(_, e)| matches(&filter, &schema, &store, ty, e))
            .map(|(_, e)| e["Name"].as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn comparisons_follow_references_and_custom_fields() {
        assert_eq!(run("Effort gt 3"), vec!["beta O'Neil"]);
        assert_eq!(run("Effort gte 3 and Effort lte 3"), vec!["Alpha"]);
        assert_eq!(run("Effort lt '8'"), vec!["Alpha"]);
        assert_eq!(run("Team.AgileReleaseTrain.Name eq 'orbit'"), vec!["Alpha"]);
        assert_eq!(
            run("Team.Id ne 2").len(),
            1,
            "null references are 'not equal'"
        );
        assert_eq!(run("'CustomFields.Jira Key' eq 'ORB-1'"), vec!["Alpha"]);
        assert_eq!(run("Name eq 'beta O\\'Neil'"), vec!["beta O'Neil"]);
        assert_eq!(run("StartDate gte '1970-01-02'"), vec!["Alpha"]);
        assert_eq!(run("Id in (3, 99)").len(), 1);
        assert_eq!(run("Tags contains '*major*'"), vec!["beta O'Neil"]);
        assert_eq!(run("Tags not contains 'major'"), vec!["Alpha"]);
        assert_eq!(run("Team is null"), vec!["beta O'Neil"]);
        assert_eq!(run("Team is not null and Effort eq 3"), vec!["Alpha"]);
        assert_eq!(run("ResourceType eq 'Feature'").len(), 2);
    }

    #[test]
    fn ordering_puts_nulls_first() {
        let mut v = vec![Scalar::Num(2.0), Scalar::Null, Scalar::Num(1.0)];
        v.sort_by(order);
        assert_eq!(v, vec![Scalar::Null, Scalar::Num(1.0), Scalar::Num(2.0)]);
    }
}
