//! Targetprocess REST v1 routes under `/api/v1`: collections, single items, inner collections,
//! create/update via POST, delete, bulk, metadata and `Authentication`. Resource names are
//! matched singular or plural in any case.
//!
//! Auth and faults happen before these handlers (see `server`).

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{bulk, meta, op_error};
use crate::editor::Editor;
use crate::ops::{self, OpError};
use crate::query::{self, include};
use crate::render::{self, Ctx};
use crate::schema::{FieldKind, TypeDef};
use crate::shared::{Shared, lock};

pub type Pairs = Vec<(String, String)>;

pub fn pairs(uri: &Uri) -> Pairs {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

pub fn parse_body(body: &Bytes) -> Result<Value, OpError> {
    serde_json::from_slice(body)
        .map_err(|e| OpError::bad(format!("Error during deserializing resource: {e}")))
}

/// Entry point for every `/api/v1/...` request. `editor` is the user the gate authenticated.
pub async fn dispatch(
    State(shared): State<Arc<Shared>>,
    editor: Option<Extension<Editor>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let segs: Vec<&str> = path
        .trim_start_matches("/api/v1")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let q = pairs(&uri);
    let by = editor.map_or(Editor(None), |Extension(e)| e);
    let result = match (method.as_str(), segs.as_slice()) {
        ("GET", [a]) if a.eq_ignore_ascii_case("Authentication") => {
            Ok(axum::Json(json!({"Token": shared.creds.service_token})).into_response())
        }
        ("GET", [i, m] | [i, m, ..])
            if i.eq_ignore_ascii_case("Index") && m.eq_ignore_ascii_case("meta") =>
        {
            Ok(meta::index(&shared))
        }
        ("GET", [i]) if i.eq_ignore_ascii_case("Index") => Ok(meta::index(&shared)),
        (_, [res, rest @ ..]) => {
            let req = Req {
                method: &method,
                q: &q,
                path: &path,
                body: &body,
                by,
            };
            resource(&shared, res, rest, &req)
        }
        _ => Err(OpError::not_found("Resource type is missing")),
    };
    result.unwrap_or_else(op_error)
}

/// One API request after routing to a resource.
struct Req<'a> {
    method: &'a Method,
    q: &'a Pairs,
    path: &'a str,
    body: &'a Bytes,
    /// The user writes are attributed to (`LastEditor`).
    by: Editor,
}

fn resource(shared: &Shared, res: &str, rest: &[&str], req: &Req<'_>) -> Result<Response, OpError> {
    let Req {
        method,
        q,
        path,
        body,
        by,
    } = *req;
    let ty = ops::resolve(shared, res)?;
    let id = |s: &str| {
        s.parse::<i64>().map_err(|_| {
            OpError::not_found(format!("{} with Id '{s}' is not found", ty.resource_type))
        })
    };
    match (method.as_str(), rest) {
        ("GET", []) => list(shared, ty, q, path, None),
        ("POST", []) => post(shared, ty, q, body, by),
        ("GET", [m]) if m.eq_ignore_ascii_case("meta") => Ok(meta::type_meta(shared, ty)),
        ("POST", [b]) if b.eq_ignore_ascii_case("bulk") => {
            let inc = include_param(shared, ty, q, "resultInclude")?;
            bulk::post(shared, ty, body, by, inc.as_deref())
        }
        ("DELETE", [b]) if b.eq_ignore_ascii_case("bulk") => bulk::delete(shared, ty, body),
        ("GET", [i]) => single(shared, ty, id(i)?, q),
        ("POST", [i]) => post_update(shared, ty, id(i)?, q, body, by),
        ("DELETE", [i]) => {
            ops::refused(shared, ty, Some(id(i)?), None)?;
            ops::delete(shared, ty, id(i)?).map(|()| StatusCode::OK.into_response())
        }
        ("GET", [i, coll]) => inner(shared, ty, id(i)?, coll, q, path),
        ("POST", [i, coll]) => link(shared, ty, id(i)?, coll, body, by),
        ("DELETE", [i, coll]) => {
            let children = children_param(q)?;
            ops::unlink(shared, ty, id(i)?, coll, &children, by)
                .map(|()| StatusCode::OK.into_response())
        }
        ("DELETE", [i, coll, child]) => ops::unlink(shared, ty, id(i)?, coll, &[id(child)?], by)
            .map(|()| StatusCode::OK.into_response()),
        ("GET" | "POST" | "DELETE", _) => Err(OpError::not_found(format!("No route for {path}"))),
        _ => Err(OpError {
            status: 405,
            message: format!("Method {method} is not supported"),
        }),
    }
}

fn children_param(q: &Pairs) -> Result<Vec<i64>, OpError> {
    let raw = q
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("childrenIds"))
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    raw.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| OpError::bad(format!("Invalid child id '{s}'")))
        })
        .collect()
}

/// Include list from `include` (reads) or `resultInclude` (writes).
fn include_param(
    shared: &Shared,
    ty: &TypeDef,
    q: &Pairs,
    name: &str,
) -> Result<Option<Vec<include::IncludeItem>>, OpError> {
    let Some((_, raw)) = q.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) else {
        return Ok(None);
    };
    let items = include::parse(raw).map_err(OpError::bad)?;
    render::check_include(&items, &shared.schema, ty).map_err(OpError::bad)?;
    Ok(Some(items))
}

fn single(shared: &Shared, ty: &TypeDef, id: i64, q: &Pairs) -> Result<Response, OpError> {
    let inc = include_param(shared, ty, q, "include")?;
    Ok(axum::Json(ops::get(shared, ty, id, inc.as_deref())?).into_response())
}

fn post(
    shared: &Shared,
    ty: &TypeDef,
    q: &Pairs,
    body: &Bytes,
    by: Editor,
) -> Result<Response, OpError> {
    let value = parse_body(body)?;
    let inc = include_param(shared, ty, q, "resultInclude")?;
    let (id, created) = ops::upsert(shared, ty, &value, by)?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        axum::Json(ops::get(shared, ty, id, inc.as_deref())?),
    )
        .into_response())
}

fn post_update(
    shared: &Shared,
    ty: &TypeDef,
    id: i64,
    q: &Pairs,
    body: &Bytes,
    by: Editor,
) -> Result<Response, OpError> {
    let value = parse_body(body)?;
    let inc = include_param(shared, ty, q, "resultInclude")?;
    ops::refused(shared, ty, Some(id), Some(&value))?;
    ops::api_update(shared, ty, id, &value, by)?;
    Ok(axum::Json(ops::get(shared, ty, id, inc.as_deref())?).into_response())
}

/// A collection page: filter, order, `take`/`skip`, links. `only` restricts to the given ids.
pub fn list(
    shared: &Shared,
    ty: &TypeDef,
    q: &Pairs,
    path: &str,
    only: Option<Vec<i64>>,
) -> Result<Response, OpError> {
    let lq = query::parse(q, &shared.schema, ty).map_err(OpError::bad)?;
    let endless = lock(&shared.faults).faults.endless_paging;
    let world = lock(&shared.world);
    let store = &world.tp;
    let rt = ty.resource_type.as_str();
    let ids = match only {
        None => query::rows::select(&shared.rows, &shared.schema, store, ty, &lq),
        Some(ids) => {
            let rows = ids
                .iter()
                .filter_map(|id| store.get(rt, *id).map(|e| (*id, e)))
                .collect();
            Arc::new(query::rows::filter_and_order(
                &shared.schema,
                store,
                ty,
                &lq,
                rows,
            ))
        }
    };
    let total = ids.len();
    let ctx = Ctx {
        schema: &shared.schema,
        store,
        tz_offset_minutes: shared.tz_offset_minutes,
    };
    let items: Vec<Value> = ids
        .iter()
        .skip(lq.skip)
        .take(lq.take)
        .filter_map(|id| store.get(rt, *id))
        .map(|e| row(ctx, ty, e, &lq))
        .collect();
    // Endless paging (a fault): as if there were always another page.
    let total = if endless {
        lq.skip.saturating_add(lq.take).saturating_add(1)
    } else {
        total
    };
    let (prev, next) = query::page_links(&shared.base_url, path, q, lq.take, lq.skip, total);
    let mut out = Map::new();
    if let Some(p) = prev {
        out.insert("Prev".into(), p.into());
    }
    if let Some(n) = next {
        out.insert("Next".into(), n.into());
    }
    out.insert("Items".into(), Value::Array(items));
    Ok(axum::Json(Value::Object(out)).into_response())
}

/// One entity of a collection answer: its representation plus the `append` counts.
fn row(ctx: Ctx<'_>, ty: &TypeDef, e: &crate::store::Fields, lq: &query::ListQuery) -> Value {
    let mut v = render::entity(ctx, ty, e, lq.include.as_deref());
    if let Value::Object(m) = &mut v {
        for a in &lq.append {
            let n = query::append::count(a, ctx.schema, ctx.store, ty, e);
            m.insert(a.name.clone(), n.into());
        }
    }
    v
}

/// `GET /{Entities}/{id}/{Collection}`: a collection field of the entity, or the entities of
/// another type that reference it (e.g. `Teams/5/Features`).
fn inner(
    shared: &Shared,
    ty: &TypeDef,
    id: i64,
    coll: &str,
    q: &Pairs,
    path: &str,
) -> Result<Response, OpError> {
    let (target, ids) = {
        let world = lock(&shared.world);
        let e = world.tp.get(&ty.resource_type, id).ok_or_else(|| {
            OpError::not_found(format!("{} with Id {id} is not found", ty.resource_type))
        })?;
        let own = ty.fields.iter().find(|f| f.name.eq_ignore_ascii_case(coll));
        if let Some(FieldKind::Collection(t)) = own.map(|f| &f.kind) {
            let ids = e
                .get(&own.map(|f| f.name.clone()).unwrap_or_default())
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_i64)
                .collect();
            (
                shared
                    .schema
                    .by_type(t)
                    .ok_or_else(|| OpError::not_found(coll))?,
                ids,
            )
        } else {
            let target = ops::resolve(shared, coll)?;
            let ids = world
                .tp
                .all(&target.resource_type)
                .filter(|(_, o)| query::append::points_to(target, o, &ty.resource_type, id))
                .map(|(i, _)| *i)
                .collect();
            (target, ids)
        }
    };
    list(shared, target, q, path, Some(ids))
}

/// `POST /{Entities}/{id}/{Collection}` with `{"Id":n}` (or a list): adds to the collection.
fn link(
    shared: &Shared,
    ty: &TypeDef,
    id: i64,
    coll: &str,
    body: &Bytes,
    by: Editor,
) -> Result<Response, OpError> {
    let field = ty
        .fields
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(coll) && matches!(f.kind, FieldKind::Collection(_)))
        .ok_or_else(|| {
            OpError::not_found(format!("{} has no collection '{coll}'", ty.resource_type))
        })?;
    let value = parse_body(body)?;
    let items = match value {
        Value::Array(a) => a,
        Value::Object(ref o) if o.contains_key("Items") => {
            o["Items"].as_array().cloned().unwrap_or_default()
        }
        other => vec![other],
    };
    ops::api_update(
        shared,
        ty,
        id,
        &json!({ field.name.clone(): {"Items": items} }),
        by,
    )?;
    let inc = include::parse(&format!("[Name,{}]", field.name)).map_err(OpError::bad)?;
    Ok(axum::Json(ops::get(shared, ty, id, Some(&inc))?).into_response())
}
