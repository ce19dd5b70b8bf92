//! Checking the configured `TpSchema` against what the account serves (`/api/v1/Index/meta`).
//!
//! The metadata format is not publicly specified, so the check is defensive: it collects every
//! string key and value in the answer and reports configured resource names that never appear.
//! It does not rewrite the schema; the caller decides what to do with a mismatch.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::Value;

use crate::client::TpClient;
use crate::error::TpError;
use crate::http::Replay;

/// The outcome of [`TpClient::check_schema`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaCheck {
    /// Configured resource names the metadata does not mention.
    pub missing_resources: Vec<String>,
}

impl TpClient {
    /// Compares the configured resource names with `/api/v1/Index/meta`.
    pub async fn check_schema(&self) -> Result<SchemaCheck, TpError> {
        let meta = self
            .http
            .send(Method::GET, "Index/meta", &[], None, Replay::Safe)
            .await?;
        let mut names = HashSet::new();
        collect_names(&meta, &mut names);
        let schema = &self.config.schema;
        let wanted = [
            schema.team_objective_resource.as_str(),
            schema.program_objective_resource.as_str(),
            "Features",
        ];
        let missing_resources = wanted
            .iter()
            .filter(|w| {
                let singular = crate::query_type_name(w).to_ascii_lowercase();
                !names.contains(&w.to_ascii_lowercase()) && !names.contains(&singular)
            })
            .map(|w| (*w).to_owned())
            .collect();
        Ok(SchemaCheck { missing_resources })
    }
}

fn collect_names(v: &Value, out: &mut HashSet<String>) {
    match v {
        Value::String(s) => {
            out.insert(s.to_ascii_lowercase());
        }
        Value::Array(items) => items.iter().for_each(|i| collect_names(i, out)),
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.to_ascii_lowercase());
                collect_names(v, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_keys_and_values() {
        let mut names = HashSet::new();
        collect_names(
            &json!({"Items": [{"Name": "Feature"}, {"TeamPIObjectives": {}}]}),
            &mut names,
        );
        assert!(names.contains("feature"));
        assert!(names.contains("teampiobjectives"));
    }
}
