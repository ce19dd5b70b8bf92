//! Merging the discovered `[tp]` names into the text of `pi-planner.toml` with toml_edit: every
//! other section, key and comment stays as it is; a key the file lacks is added; a key whose
//! value differs is replaced only when forced (its comments kept), otherwise the text is left as
//! it was and each difference is reported. The merged text must still be a valid configuration.
//! Reading and writing the file is the caller's (tpcli's `tp schema --write`, the app's "Use
//! these names").

use toml_edit::{DocumentMut, Item, Table, Value};

use super::{Discovery, FindingSource};

/// The outcome of [`Discovery::merge_into`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaMerge {
    /// The file's text with the names merged in; the text given when nothing is to be written.
    pub text: String,
    pub added: Vec<String>,
    pub replaced: Vec<String>,
    pub unchanged: Vec<String>,
    /// Keys whose value differs and were not replaced (not forced).
    pub conflicts: Vec<SchemaConflict>,
}

impl SchemaMerge {
    /// Whether `text` differs from the text given: something was added or replaced and
    /// nothing was refused.
    pub fn changed(&self) -> bool {
        self.conflicts.is_empty() && !(self.added.is_empty() && self.replaced.is_empty())
    }
}

/// A `[tp]` key whose value in the file differs from the account's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaConflict {
    pub key: String,
    /// The value as the file writes it (TOML, e.g. `"Jira Key"`).
    pub file: String,
    /// The value the account shows (TOML).
    pub found: String,
}

/// Why the names could not be merged; nothing is to be written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SchemaMergeError {
    #[error("not valid TOML, nothing written: {0}")]
    NotToml(String),
    #[error("tp in the file is not a table; nothing written")]
    TpNotTable,
    #[error("the merged file would not be a valid configuration ({0}); nothing written")]
    Invalid(String),
}

impl Discovery {
    /// The `[tp]` keys discovery decided, with their values, in the order of its findings.
    fn decided(&self) -> Vec<(String, Value)> {
        let Ok(all) = toml::Value::try_from(&self.schema) else {
            return Vec::new();
        };
        let value = |key: &str| all.get(key).and_then(to_edit);
        let mut out = Vec::new();
        for f in &self.findings {
            let Some(key) = f.key.as_deref() else {
                continue;
            };
            if f.source == FindingSource::NotFound {
                continue;
            }
            out.extend(value(key).map(|v| (key.to_owned(), v)));
            if key == "feature_objectives_collection" {
                let link = "feature_objectives_link";
                out.extend(value(link).map(|v| (link.to_owned(), v)));
            }
        }
        out
    }

    /// The decided names as a `[tp]` section, for showing.
    pub fn section(&self) -> String {
        let mut table = Table::new();
        for (key, value) in self.decided() {
            table.insert(&key, Item::Value(value));
        }
        let mut doc = DocumentMut::new();
        doc.insert("tp", Item::Table(table));
        doc.to_string()
    }

    /// Merges the decided names into `text`, the content of a `pi-planner.toml` (empty when
    /// there is none); `force` replaces values that differ.
    pub fn merge_into(&self, text: &str, force: bool) -> Result<SchemaMerge, SchemaMergeError> {
        let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            SchemaMergeError::NotToml(e.to_string().trim().to_owned())
        })?;
        let mut merge = SchemaMerge {
            text: text.to_owned(),
            added: vec![],
            replaced: vec![],
            unchanged: vec![],
            conflicts: vec![],
        };
        let tp = doc.entry("tp").or_insert_with(|| Item::Table(Table::new()));
        let tp = tp.as_table_like_mut().ok_or(SchemaMergeError::TpNotTable)?;
        for (key, value) in self.decided() {
            let current = tp
                .get(&key)
                .and_then(Item::as_value)
                .map(|v| v.clone().decorated("", ""));
            match current {
                None => {
                    tp.insert(&key, Item::Value(value));
                    merge.added.push(key);
                }
                Some(old) if old.to_string() == value.to_string() => merge.unchanged.push(key),
                Some(_) if force => {
                    if let Some(slot) = tp.get_mut(&key).and_then(Item::as_value_mut) {
                        let decor = slot.decor().clone();
                        *slot = value;
                        *slot.decor_mut() = decor;
                    }
                    merge.replaced.push(key);
                }
                Some(old) => merge.conflicts.push(SchemaConflict {
                    file: old.to_string(),
                    found: value.to_string(),
                    key,
                }),
            }
        }
        if merge.changed() {
            let out = doc.to_string();
            pi_model::RepoConfig::from_toml_str(&out)
                .map_err(|e| SchemaMergeError::Invalid(e.to_string()))?;
            merge.text = out;
        }
        Ok(merge)
    }
}

fn to_edit(v: &toml::Value) -> Option<Value> {
    v.to_string().parse::<Value>().ok()
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
