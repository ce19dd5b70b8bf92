//! Engine state beside the plan file.
//!
//! * Shared, on the tracking branch: `.pi/<plan>.versions.json`, TP's `ModifyDate` and
//!   `EntityVersion` of every entity as last pulled — the optimistic-lock base.
//! * Local, under `.git/pi-planner/<plan>/`: the unresolved conflicts of the last pull
//!   (`conflicts.json`) and the push journal (`journal.sqlite`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use pi_model::merge::Conflict;
use serde::{Deserialize, Serialize};

use crate::error::{EngineError, Result};

/// One entity's version in Targetprocess when last pulled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// RFC 3339.
    pub modify_date: Option<String>,
    pub entity_version: Option<i64>,
}

impl From<&pi_targetprocess::SyncVersion> for Version {
    fn from(v: &pi_targetprocess::SyncVersion) -> Self {
        Version {
            modify_date: v.modify_date.map(|d| d.to_rfc3339()),
            entity_version: v.entity_version,
        }
    }
}

impl Version {
    /// The version as the client gives it; `None` when the date does not read.
    pub(crate) fn to_sync(&self) -> Option<pi_targetprocess::SyncVersion> {
        let modify_date = match &self.modify_date {
            Some(text) => Some(
                chrono::DateTime::parse_from_rfc3339(text)
                    .ok()?
                    .with_timezone(&chrono::Utc),
            ),
            None => None,
        };
        Some(pi_targetprocess::SyncVersion {
            modify_date,
            entity_version: self.entity_version,
        })
    }
}

/// The versions file of the tracking branch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versions {
    /// TP id → version of every team objective and feature of the plan.
    pub entities: BTreeMap<i64, Version>,
    /// Feature id → every team objective it is linked to (TP allows several).
    #[serde(default)]
    pub feature_links: BTreeMap<i64, Vec<i64>>,
}

impl Versions {
    pub fn from_remote(remote: &pi_targetprocess::RemotePlan) -> Self {
        let entities = remote
            .versions
            .iter()
            .map(|(id, v)| (*id, Version::from(v)))
            .collect();
        Self {
            entities,
            feature_links: remote.feature_links.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        // Serialising plain maps of strings and numbers cannot fail.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    pub fn from_json(path: &str, text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| EngineError::State {
            path: path.to_owned(),
            message: format!("not a versions file: {e}"),
        })
    }
}

/// Repository path of the versions file of a plan.
pub fn versions_path(plan_slug: &str) -> String {
    format!(".pi/{plan_slug}.versions.json")
}

/// `.git/pi-planner/<plan>/`, created on demand.
pub fn local_dir(git_dir: &Path, plan_slug: &str) -> Result<PathBuf> {
    let dir = git_dir.join("pi-planner").join(plan_slug);
    fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The unresolved conflicts of a plan.
pub fn load_conflicts(dir: &Path) -> Result<Vec<Conflict>> {
    let path = dir.join("conflicts.json");
    match fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| EngineError::State {
            path: path.display().to_string(),
            message: format!("unreadable conflict list: {e}"),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// Replaces the stored conflicts (atomically: temp file, then rename).
pub fn save_conflicts(dir: &Path, conflicts: &[Conflict]) -> Result<()> {
    let path = dir.join("conflicts.json");
    if conflicts.is_empty() {
        return match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        };
    }
    let text = serde_json::to_string_pretty(conflicts).map_err(|e| EngineError::State {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(write_atomic(&path, text.as_bytes())?)
}

/// Writes `bytes` to `path` through a temporary file beside it, renamed over `path`: a process
/// stopped half-way leaves the old file or the new one, never a part of one.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.saving"));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}
