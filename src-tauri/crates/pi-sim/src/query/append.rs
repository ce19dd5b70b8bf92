//! `append=[Features-Count,TeamPIObjectives-Count]`: computed collection counts added to each
//! entity of a collection answer, under the appended name (`"Features-Count": 4`).
//!
//! A collection is either a collection field of the entity (a feature's objectives) or the
//! entities of another type that refer to it (a team objective's features), as for inner
//! collection routes. Only `-Count` is simulated; the `-{Field}-Sum|Avg|Min|Max` aggregates are
//! rejected with 400.

use serde_json::Value;

use crate::schema::{FieldKind, Schema, TypeDef};
use crate::store::{Fields, Store};

/// One appended count: the name it is served under and what it counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Append {
    pub name: String,
    source: Source,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Source {
    /// A collection field of the entity itself.
    Own(String),
    /// Entities of this resource type whose reference or collection field points to the entity.
    Referring(String),
}

/// Parses `[A-Count,B-Count]` (brackets optional) against the entity type; errors are 400
/// messages.
pub fn parse(raw: &str, schema: &Schema, ty: &TypeDef) -> Result<Vec<Append>, String> {
    let inner = raw.trim().trim_start_matches('[').trim_end_matches(']');
    inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| one(item, schema, ty))
        .collect()
}

fn one(item: &str, schema: &Schema, ty: &TypeDef) -> Result<Append, String> {
    let collection = item
        .len()
        .checked_sub(6)
        .filter(|n| item.is_char_boundary(*n) && item[*n..].eq_ignore_ascii_case("-Count"))
        .map(|n| &item[..n])
        .filter(|c| !c.contains('-'))
        .ok_or_else(|| format!("Unsupported append '{item}': only Collection-Count is served"))?;
    let own = ty.fields.iter().find(|f| {
        f.name.eq_ignore_ascii_case(collection) && matches!(f.kind, FieldKind::Collection(_))
    });
    let source = match (own, schema.resolve(collection)) {
        (Some(f), _) => Source::Own(f.name.clone()),
        (None, Some(t)) if refers_to(t, &ty.resource_type) => {
            Source::Referring(t.resource_type.clone())
        }
        _ => {
            return Err(format!(
                "Collection '{collection}' is not found on {}",
                ty.resource_type
            ));
        }
    };
    Ok(Append {
        name: item.to_owned(),
        source,
    })
}

/// True when `target` has a reference or collection field of type `rt`.
fn refers_to(target: &TypeDef, rt: &str) -> bool {
    target.fields.iter().any(|f| match &f.kind {
        FieldKind::Ref(t) | FieldKind::Collection(t) => t == rt,
        _ => false,
    })
}

/// The count of one appended collection for an entity of type `ty`.
pub fn count(a: &Append, schema: &Schema, store: &Store, ty: &TypeDef, e: &Fields) -> usize {
    match &a.source {
        Source::Own(field) => e.get(field).and_then(Value::as_array).map_or(0, Vec::len),
        Source::Referring(rt) => {
            let (Some(target), Some(id)) =
                (schema.by_type(rt), e.get("Id").and_then(Value::as_i64))
            else {
                return 0;
            };
            store
                .all(rt)
                .filter(|(_, o)| points_to(target, o, &ty.resource_type, id))
                .count()
        }
    }
}

/// True when entity `e` of type `target` refers to `rt` `id` by a reference or collection field.
pub fn points_to(target: &TypeDef, e: &Fields, rt: &str, id: i64) -> bool {
    target.fields.iter().any(|f| match &f.kind {
        FieldKind::Ref(t) if t == rt => e.get(&f.name).and_then(Value::as_i64) == Some(id),
        FieldKind::Collection(t) if t == rt => e
            .get(&f.name)
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| v.as_i64() == Some(id))),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pi_model::TpSchema;

    #[test]
    fn own_and_referring_collections_and_rejections() {
        let s = Schema::new(TpSchema::default());
        let feature = s.resolve("Features").expect("type");
        let objective = s.resolve("TeamPIObjectives").expect("type");
        let got = parse("[TeamPIObjectives-Count]", &s, feature).expect("own");
        assert_eq!(got[0].source, Source::Own("TeamPIObjectives".into()));
        let got = parse("[features-count, Features-Count]", &s, objective).expect("referring");
        assert_eq!(got[0].name, "features-count");
        assert_eq!(got[1].source, Source::Referring("Feature".into()));
        assert!(parse("[Features-Effort-Sum]", &s, objective).is_err());
        assert!(parse("[Bugs-Count]", &s, objective).is_err());
        assert!(parse("[Features]", &s, objective).is_err());
        assert_eq!(parse("", &s, objective), Ok(vec![]));
    }
}
