//! The in-memory Targetprocess store: entities per resource type, in their stored (not wire)
//! form, with global ids, `CreateDate`/`ModifyDate` and an `EntityVersion` counter.
//!
//! It checks nothing about field names or references (that is `write`'s job) and knows no HTTP.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::jira::JiraStore;

/// One entity in stored form (see `schema::FieldKind` for the encoding of each kind).
pub type Fields = Map<String, Value>;

/// Everything the simulator serves: the TP store and the Jira store. This is what the state file
/// holds.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct World {
    pub tp: Store,
    pub jira: JiraStore,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Store {
    /// Resource type (singular, e.g. `Feature`) → id → fields.
    pub entities: BTreeMap<String, BTreeMap<i64, Fields>>,
    /// Next id to hand out; ids are unique across all types, like in TP.
    pub next_id: i64,
    /// Changes with every write, unique across every store of the process: results computed
    /// at one generation hold for the store as long as it has that generation (a clone shares
    /// it with the same content). See `query::rows`.
    #[serde(skip, default = "fresh_generation")]
    generation: u64,
}

static GENERATIONS: AtomicU64 = AtomicU64::new(1);

fn fresh_generation() -> u64 {
    GENERATIONS.fetch_add(1, Ordering::Relaxed)
}

impl Default for Store {
    fn default() -> Self {
        Self::new(0)
    }
}

impl Store {
    pub fn new(first_id: i64) -> Self {
        Self {
            entities: BTreeMap::new(),
            next_id: first_id,
            generation: fresh_generation(),
        }
    }

    /// The store's generation (see the field).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Marks a change made to `entities` directly (the methods below do it themselves).
    pub fn touched(&mut self) {
        self.generation = fresh_generation();
    }

    pub fn get(&self, resource_type: &str, id: i64) -> Option<&Fields> {
        self.entities.get(resource_type)?.get(&id)
    }

    /// All entities of a type in id order.
    pub fn all(&self, resource_type: &str) -> impl Iterator<Item = (&i64, &Fields)> {
        self.entities.get(resource_type).into_iter().flatten()
    }

    pub fn count(&self, resource_type: &str) -> usize {
        self.entities.get(resource_type).map_or(0, BTreeMap::len)
    }

    /// Stores a new entity and returns its id. `now` is the create/modify instant (epoch ms).
    pub fn insert(&mut self, resource_type: &str, mut fields: Fields, now: i64) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        fields.insert("Id".into(), id.into());
        fields.insert("CreateDate".into(), now.into());
        fields.insert("ModifyDate".into(), now.into());
        fields.insert("EntityVersion".into(), 1.into());
        self.touched();
        self.entities
            .entry(resource_type.to_owned())
            .or_default()
            .insert(id, fields);
        id
    }

    /// Merges `changes` into an entity and bumps `ModifyDate` (strictly increasing) and
    /// `EntityVersion`. Returns false when the entity does not exist.
    pub fn update(&mut self, resource_type: &str, id: i64, changes: Fields, now: i64) -> bool {
        let Some(entity) = self
            .entities
            .get_mut(resource_type)
            .and_then(|m| m.get_mut(&id))
        else {
            return false;
        };
        self.generation = fresh_generation();
        for (k, v) in changes {
            entity.insert(k, v);
        }
        let prev = entity
            .get("ModifyDate")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        entity.insert("ModifyDate".into(), now.max(prev + 1).into());
        let version = entity
            .get("EntityVersion")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        entity.insert("EntityVersion".into(), (version + 1).into());
        true
    }

    /// Removes an entity and drops its id from every collection. References to it stay and render
    /// as `null`, as a dangling reference does.
    pub fn delete(&mut self, resource_type: &str, id: i64) -> bool {
        let removed = self
            .entities
            .get_mut(resource_type)
            .and_then(|m| m.remove(&id))
            .is_some();
        if removed {
            self.touched();
            self.forget_references(id);
        }
        removed
    }

    fn forget_references(&mut self, id: i64) {
        for entity in self.entities.values_mut().flat_map(BTreeMap::values_mut) {
            for value in entity.values_mut() {
                if let Value::Array(items) = value
                    && items.iter().all(Value::is_i64)
                {
                    items.retain(|v| v.as_i64() != Some(id));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Fields {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn insert_update_bumps_version_and_modify_date() {
        let mut s = Store::new(100);
        let id = s.insert("Team", fields(json!({"Name": "A"})), 5_000);
        assert_eq!(id, 100);
        assert!(s.update("Team", id, fields(json!({"Name": "B"})), 5_000));
        let e = s.get("Team", id).unwrap();
        assert_eq!(e["Name"], "B");
        assert_eq!(e["EntityVersion"], 2);
        assert_eq!(e["ModifyDate"], 5_001);
        assert_eq!(e["CreateDate"], 5_000);
        assert!(!s.update("Team", 999, Fields::new(), 1));
    }

    #[test]
    fn delete_removes_from_collections() {
        let mut s = Store::new(1);
        let a = s.insert("Obj", Fields::new(), 0);
        let f = s.insert("Feature", fields(json!({"Objs": [a, 77]})), 0);
        assert!(s.delete("Obj", a));
        assert!(!s.delete("Obj", a));
        assert_eq!(s.get("Feature", f).unwrap()["Objs"], json!([77]));
        assert_eq!(s.count("Obj"), 0);
    }
}
