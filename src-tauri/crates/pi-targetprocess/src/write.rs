//! Writes: create (with an idempotency marker, never blindly retried), partial update, delete,
//! bulk update with per-item results and fallback, and state-name resolution.

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{Value, json};

use crate::body::write_body;
use crate::client::TpClient;
use crate::error::TpError;
use crate::http::{Replay, decode};
use crate::mapping;
use crate::model::{
    BulkItem, Created, FieldChange, IdempotencyMarker, Kind, Placement, SyncVersion, Written,
};
use crate::query::{Include, Query, Where};
use crate::wire::{StateWire, WorkItem, tags};

/// Version fields asked back from every write.
const RESULT_INCLUDE: &str = "[Id,ModifyDate,EntityVersion]";

impl TpClient {
    /// Creates a team objective or feature carrying `marker` in its `Tags`.
    ///
    /// The POST is never resent blindly: after an ambiguous failure (5xx, timeout, dropped
    /// connection) the client first looks the marker up and returns the entity it finds
    /// (`recovered = true`); only when nothing carries the marker is the POST sent once more.
    pub async fn create(
        &self,
        kind: Kind,
        placement: Placement,
        changes: &[FieldChange],
        marker: &IdempotencyMarker,
    ) -> Result<Created, TpError> {
        let mut body = self.body(kind, changes).await?;
        body.insert("Team".into(), json!({ "Id": placement.team }));
        body.insert("Release".into(), json!({ "Id": placement.release }));
        body.insert("Tags".into(), json!(marker.tag()));
        let body = Value::Object(body);
        let mut last = None;
        for attempt in 0..2 {
            if attempt > 0 {
                tracing::warn!(
                    marker = marker.tag(),
                    "create failed ambiguously and no entity carries the marker; sending it again"
                );
            }
            match self.post(self.resource(kind), &body, Replay::Never).await {
                Ok(v) => return created(&v, false, self.resource(kind)),
                Err(e) if e.is_ambiguous() => {
                    if let Some(found) = self.find_by_marker(kind, marker).await? {
                        return Ok(Created {
                            id: found.0,
                            version: found.1,
                            recovered: true,
                        });
                    }
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last
            .unwrap_or_else(|| decode(&Method::POST, self.resource(kind), "create failed".into())))
    }

    /// The entity carrying `marker` in its tags, if any; the oldest (lowest id) when two
    /// concurrent creates both landed.
    pub async fn find_by_marker(
        &self,
        kind: Kind,
        marker: &IdempotencyMarker,
    ) -> Result<Option<(i64, SyncVersion)>, TpError> {
        Ok(self
            .find_all_by_marker(kind, marker)
            .await?
            .into_iter()
            .next())
    }

    /// Every entity carrying `marker` in its tags, oldest (lowest id) first.
    pub async fn find_all_by_marker(
        &self,
        kind: Kind,
        marker: &IdempotencyMarker,
    ) -> Result<Vec<(i64, SyncVersion)>, TpError> {
        let query = Query::new(self.resource(kind))
            .filter(Where::new().contains("Tags", marker.tag()))
            .include(vec![
                Include::field("Tags"),
                Include::field("ModifyDate"),
                Include::field("EntityVersion"),
            ]);
        let items: Vec<WorkItem> = self.all(&query).await?;
        let mut found: Vec<(i64, SyncVersion)> = items
            .iter()
            .filter(|w| tags(w.rest.get("Tags")).iter().any(|t| t == marker.tag()))
            .map(|w| (w.id, mapping::version(w)))
            .collect();
        found.sort_by_key(|(id, _)| *id);
        Ok(found)
    }

    /// Partial update: only the given fields change (`POST /{Resource}/{id}`). Safe to retry.
    pub async fn update(
        &self,
        kind: Kind,
        id: i64,
        changes: &[FieldChange],
    ) -> Result<SyncVersion, TpError> {
        let body = Value::Object(self.body(kind, changes).await?);
        let path = format!("{}/{id}", self.resource(kind));
        let v = self.post(&path, &body, Replay::Safe).await?;
        Ok(created(&v, false, &path)?.version)
    }

    /// Deletes an entity. A 404 on a retried delete means it is gone, which is the goal.
    pub async fn delete(&self, kind: Kind, id: i64) -> Result<(), TpError> {
        let path = format!("{}/{id}", self.resource(kind));
        self.http
            .send(Method::DELETE, &path, &[], None, Replay::Safe)
            .await
            .map(drop)
    }

    /// Updates several entities through `/{resource}/bulk`; when the bulk call fails or its
    /// answer cannot be matched to the items, each item is sent on its own. Every item's result
    /// is confirmed with its new version: from the bulk answer when it carries the item (its
    /// `Items`, by `Id`, with `ModifyDate` or `EntityVersion`, as a single update's answer is
    /// trusted), otherwise by re-reading the versions of the items it does not carry (the
    /// reference leaves the bulk answer's shape open).
    pub async fn bulk_update(
        &self,
        kind: Kind,
        items: &[(i64, Vec<FieldChange>)],
    ) -> Vec<BulkItem> {
        let mut bodies = Vec::with_capacity(items.len());
        for (id, changes) in items {
            match self.body(kind, changes).await {
                Ok(mut b) => {
                    b.insert("Id".into(), json!(id));
                    bodies.push(Value::Object(b));
                }
                Err(e) => {
                    return items
                        .iter()
                        .map(|(id, _)| BulkItem {
                            id: *id,
                            result: Err(e.clone()),
                            written: None,
                        })
                        .collect();
                }
            }
        }
        let path = format!("{}/bulk", self.resource(kind));
        // Asked back whole, with the read's own field list: the answer then serves as the
        // entity's state after the push (see `BulkItem::written`).
        let schema = &self.config.schema;
        let (include, links) = match kind {
            Kind::TeamObjective => (crate::client::objective_include(schema), None),
            Kind::Feature => (
                crate::client::feature_include(schema),
                Some(schema.feature_objectives_collection.as_str()),
            ),
        };
        let result_include = crate::query::render_include(&include);
        let sent = self
            .post_including(&path, &Value::Array(bodies), Replay::Safe, &result_include)
            .await;
        let mut written: HashMap<i64, Written> = HashMap::new();
        let answered = match sent {
            Ok(answer) => {
                let items = answer_items(&answer);
                written.extend(items.iter().filter_map(|item| {
                    let id = item.get("Id").and_then(Value::as_i64)?;
                    Some((id, mapping::written(item, &include, links, schema)?))
                }));
                Some(answered_versions(items))
            }
            Err(e) => {
                tracing::warn!(error = %e, "bulk update failed; falling back to single updates");
                None
            }
        };
        let mut out = Vec::with_capacity(items.len());
        let verified_all = match answered {
            Some(mut versions) => {
                let unanswered: Vec<i64> = items
                    .iter()
                    .map(|(id, _)| *id)
                    .filter(|id| !versions.contains_key(id))
                    .collect();
                if !unanswered.is_empty()
                    && let Ok(reread) = self.reread_versions(kind, &unanswered).await
                {
                    versions.extend(reread);
                }
                Some(versions)
            }
            None => None,
        };
        for (id, changes) in items {
            let verified = verified_all.as_ref().and_then(|m| m.get(id)).cloned();
            let (result, written) = match verified {
                Some(v) => (Ok(v), written.remove(id)),
                None => (self.update(kind, *id, changes).await, None),
            };
            out.push(BulkItem {
                id: *id,
                result,
                written,
            });
        }
        out
    }

    /// The `EntityState` id named `name` (case-insensitive) for `kind`; states are read once
    /// (one request for all types) and cached.
    pub async fn state_id(&self, kind: Kind, name: &str) -> Result<i64, TpError> {
        let type_name = crate::query_type_name(self.resource(kind));
        let mut cache = self.states.lock().await;
        if cache.is_none() {
            let query = Query::new("EntityStates")
                .include(vec![Include::field("Name"), Include::field("EntityType")]);
            let states: Vec<StateWire> = self.all(&query).await?;
            *cache = Some(index_states(&states));
        }
        let key = (type_name.to_ascii_lowercase(), name.to_ascii_lowercase());
        cache
            .as_ref()
            .and_then(|m| m.get(&key).copied())
            .ok_or_else(|| TpError::UnknownState {
                entity_type: type_name,
                name: name.to_owned(),
            })
    }

    async fn body(
        &self,
        kind: Kind,
        changes: &[FieldChange],
    ) -> Result<serde_json::Map<String, Value>, TpError> {
        let state = changes.iter().find_map(|c| match c {
            FieldChange::Status(s) => Some(s.as_str()),
            _ => None,
        });
        let state_id = match state {
            Some(name) => Some(self.state_id(kind, name).await?),
            None => None,
        };
        Ok(write_body(kind, changes, &self.config.schema, state_id))
    }

    async fn post(&self, path: &str, body: &Value, replay: Replay) -> Result<Value, TpError> {
        self.post_including(path, body, replay, RESULT_INCLUDE)
            .await
    }

    /// A write whose answer carries the fields of `result_include` (`[A,B[C]]`).
    async fn post_including(
        &self,
        path: &str,
        body: &Value,
        replay: Replay,
        result_include: &str,
    ) -> Result<Value, TpError> {
        let params = [
            ("resultFormat".to_owned(), "json".to_owned()),
            ("resultInclude".to_owned(), result_include.to_owned()),
        ];
        self.http
            .send(Method::POST, path, &params, Some(body), replay)
            .await
    }
}

/// The `Items` of a bulk answer (none when it has another shape).
fn answer_items(answer: &Value) -> &[Value] {
    answer
        .get("Items")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The versions a bulk answer's `items` carry, by id: each entity with an `Id` and a
/// `ModifyDate` or `EntityVersion` (an item refused alone, `{"Error": ...}`, carries none).
fn answered_versions(items: &[Value]) -> HashMap<i64, SyncVersion> {
    items
        .iter()
        .filter(|item| item.get("Error").is_none())
        .filter_map(|item| serde_json::from_value::<WorkItem>(item.clone()).ok())
        .map(|item| (item.id, mapping::version(&item)))
        .filter(|(_, v)| v.modify_date.is_some() || v.entity_version.is_some())
        .collect()
}

fn index_states(states: &[StateWire]) -> HashMap<(String, String), i64> {
    let mut map = HashMap::new();
    for s in states {
        let ty = s
            .entity_type
            .as_ref()
            .and_then(|t| t.get("Name"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase();
        map.entry((ty, s.name.to_ascii_lowercase())).or_insert(s.id);
    }
    map
}

fn created(v: &Value, recovered: bool, path: &str) -> Result<Created, TpError> {
    let item: WorkItem = serde_json::from_value(v.clone())
        .map_err(|e| decode(&Method::POST, path, format!("no entity in the answer: {e}")))?;
    Ok(Created {
        id: item.id,
        version: mapping::version(&item),
        recovered,
    })
}
