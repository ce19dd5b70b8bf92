//! Merging discovered `[tp]` names into `pi-planner.toml` with toml_edit: every other section,
//! key and comment stays as it is; a key the file lacks is added; a key whose value differs is
//! replaced only when forced (its comments kept), otherwise nothing is written and each
//! difference is reported. The result must still be a valid configuration before it is written.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use pi_targetprocess::{Discovery, FindingSource};
use serde::Serialize;
use toml_edit::{DocumentMut, Item, Table, Value};

use crate::files;

/// What `--write` did.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Merge {
    pub path: PathBuf,
    pub written: bool,
    pub added: Vec<String>,
    pub replaced: Vec<String>,
    pub unchanged: Vec<String>,
    /// Keys whose value differs and were not replaced (no `--force`).
    pub conflicts: Vec<Conflict>,
}

/// A `[tp]` key whose value in the file differs from the account's.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Conflict {
    pub key: String,
    pub file: String,
    pub found: String,
}

/// The `[tp]` keys discovery decided, with their values, in the order of its findings.
fn decided(found: &Discovery) -> Result<Vec<(String, Value)>> {
    let all = toml::Value::try_from(&found.schema)?;
    let mut out = Vec::new();
    for f in &found.findings {
        let Some(key) = f.key.as_deref() else {
            continue;
        };
        let keep = f.source != FindingSource::NotFound;
        if let (true, Some(v)) = (keep, all.get(key)) {
            out.push((key.to_owned(), to_edit(v)?));
        }
        if key == "feature_objectives_collection" && keep {
            let link = all
                .get("feature_objectives_link")
                .map(to_edit)
                .transpose()?;
            out.extend(link.map(|v| ("feature_objectives_link".to_owned(), v)));
        }
    }
    Ok(out)
}

fn to_edit(v: &toml::Value) -> Result<Value> {
    Ok(v.to_string().parse::<Value>()?)
}

/// The decided keys as a `[tp]` section, for showing.
pub fn section(found: &Discovery) -> String {
    let mut table = Table::new();
    for (key, value) in decided(found).unwrap_or_default() {
        table.insert(&key, Item::Value(value));
    }
    let mut doc = DocumentMut::new();
    doc.insert("tp", Item::Table(table));
    doc.to_string()
}

/// Merges the decided keys into the file at `path` (created when missing).
pub fn write(path: &Path, found: &Discovery, force: bool) -> Result<Merge> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => bail!("cannot read {}: {e}", path.display()),
    };
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        anyhow::anyhow!(
            "{}: not valid TOML, nothing written: {}",
            path.display(),
            e.to_string().trim()
        )
    })?;
    let mut merge = merge_into(&mut doc, &decided(found)?, force)?;
    merge.path = path.to_path_buf();
    if !merge.conflicts.is_empty() || (merge.added.is_empty() && merge.replaced.is_empty()) {
        return Ok(merge);
    }
    let out = doc.to_string();
    if let Err(e) = pi_model::RepoConfig::from_toml_str(&out) {
        bail!(
            "{}: the merged file would not be a valid configuration ({e}); nothing written",
            path.display()
        );
    }
    files::write_atomic(path, &out)?;
    merge.written = true;
    Ok(merge)
}

fn merge_into(doc: &mut DocumentMut, keys: &[(String, Value)], force: bool) -> Result<Merge> {
    let mut m = Merge {
        path: PathBuf::new(),
        written: false,
        added: vec![],
        replaced: vec![],
        unchanged: vec![],
        conflicts: vec![],
    };
    let tp = doc.entry("tp").or_insert_with(|| Item::Table(Table::new()));
    let Some(tp) = tp.as_table_like_mut() else {
        bail!("tp in the file is not a table; nothing written");
    };
    for (key, value) in keys {
        let current = tp
            .get(key)
            .and_then(Item::as_value)
            .map(|v| v.clone().decorated("", ""));
        match current {
            None => {
                tp.insert(key, Item::Value(value.clone()));
                m.added.push(key.clone());
            }
            Some(old) if old.to_string() == value.to_string() => m.unchanged.push(key.clone()),
            Some(_) if force => {
                if let Some(slot) = tp.get_mut(key).and_then(Item::as_value_mut) {
                    let decor = slot.decor().clone();
                    *slot = value.clone();
                    *slot.decor_mut() = decor;
                }
                m.replaced.push(key.clone());
            }
            Some(old) => m.conflicts.push(Conflict {
                key: key.clone(),
                file: old.to_string(),
                found: value.to_string(),
            }),
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests;
