//! Targetprocess v1 wire JSON, as read. Private to the crate: callers only see pi-model types
//! and the small records in [`crate::model`].

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::dates::de_opt_date;

/// `{"Id": 1, "Name": "x"}` (any other fields ignored).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Ref {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UserRef {
    pub id: i64,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub login: Option<String>,
}

impl UserRef {
    /// `FullName`, else `First Last`, else `Login`, else `user {id}`.
    pub fn display(&self) -> String {
        let nonempty = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        if let Some(full) = nonempty(&self.full_name) {
            return full;
        }
        let parts: Vec<String> = [nonempty(&self.first_name), nonempty(&self.last_name)]
            .into_iter()
            .flatten()
            .collect();
        if !parts.is_empty() {
            return parts.join(" ");
        }
        nonempty(&self.login).unwrap_or_else(|| format!("user {}", self.id))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CustomField {
    pub name: String,
    #[serde(default)]
    pub value: Value,
}

/// The fields shared by objectives and features, plus everything else kept raw so that
/// account-specific names (from `TpSchema`) can be looked up.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WorkItem {
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub entity_state: Option<Ref>,
    #[serde(default)]
    pub effort: Option<f64>,
    #[serde(default)]
    pub owner: Option<UserRef>,
    /// The user of the latest change in TP (read-only there).
    #[serde(default)]
    pub last_editor: Option<UserRef>,
    #[serde(default, deserialize_with = "de_opt_date")]
    pub modify_date: Option<DateTime<Utc>>,
    #[serde(default)]
    pub entity_version: Option<i64>,
    #[serde(default)]
    pub custom_fields: Vec<CustomField>,
    #[serde(flatten)]
    pub rest: serde_json::Map<String, Value>,
}

impl WorkItem {
    /// A top-level field by its account-specific name.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.rest.get(name).filter(|v| !v.is_null())
    }

    /// A custom field's value by name (`None` when absent or null).
    pub fn custom(&self, name: &str) -> Option<&Value> {
        self.custom_fields
            .iter()
            .find(|c| c.name == name)
            .map(|c| &c.value)
            .filter(|v| !v.is_null())
    }

    /// A configured field: a custom field when the name is `CustomFields.Name` (see
    /// [`pi_model::TpSchema::custom_field`]), else a top-level field.
    pub fn configured(&self, configured: &str) -> Option<&Value> {
        match pi_model::TpSchema::custom_field(configured) {
            Some(name) => self.custom(name),
            None => self.field(configured),
        }
    }

    /// Whether the answer carries a configured field at all (null counts as carried).
    pub fn carries(&self, configured: &str) -> bool {
        match pi_model::TpSchema::custom_field(configured) {
            Some(name) => self.custom_fields.iter().any(|c| c.name == name),
            None => self.rest.contains_key(configured),
        }
    }

    /// The item reduced to its id and its `link` field (the objectives it is linked to): what
    /// a read of team plans keeps of a feature linked to none of the teams' objectives, for the
    /// notices about the release's features.
    pub fn thin(mut self, link: &str) -> Self {
        let mut rest = serde_json::Map::new();
        if let Some(linked) = self.rest.remove(link) {
            rest.insert(link.to_owned(), linked);
        }
        Self {
            id: self.id,
            name: String::new(),
            description: None,
            entity_state: None,
            effort: None,
            owner: None,
            last_editor: None,
            modify_date: None,
            entity_version: None,
            custom_fields: Vec::new(),
            rest,
        }
    }

    /// The ids of a reference (`{Id}`) or collection (`{Items: [{Id}]}`) field.
    pub fn ref_ids(&self, name: &str) -> Vec<i64> {
        match self.field(name) {
            Some(Value::Object(map)) => match map.get("Items") {
                Some(Value::Array(items)) => items.iter().filter_map(id_of).collect(),
                _ => id_of(&Value::Object(map.clone())).into_iter().collect(),
            },
            Some(Value::Array(items)) => items.iter().filter_map(id_of).collect(),
            _ => Vec::new(),
        }
    }
}

fn id_of(v: &Value) -> Option<i64> {
    v.get("Id").and_then(Value::as_i64)
}

/// `Tags` is a comma-separated string in v1, an array in some accounts.
pub(crate) fn tags(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// A collection page: `Items` and an optional absolute `Next` link. Each item is kept as the
/// text it came as until its reader decodes it into what it needs: a page of a thousand
/// features held as JSON values would take several times the answer's size.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Page {
    #[serde(default)]
    pub items: Vec<Box<RawValue>>,
    #[serde(default)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct StateWire {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub entity_type: Option<Value>,
}
