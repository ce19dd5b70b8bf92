//! `tp schema --write`: reads `pi-planner.toml`, merges the discovered `[tp]` names into it
//! (pi-targetprocess's merge: other sections, keys and comments kept; a differing value replaced
//! only with `--force`) and writes it when something changed.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use pi_targetprocess::Discovery;
use serde::Serialize;

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

/// The decided keys as a `[tp]` section, for showing.
pub fn section(found: &Discovery) -> String {
    found.section()
}

/// Merges the decided keys into the file at `path` (created when missing).
pub fn write(path: &Path, found: &Discovery, force: bool) -> Result<Merge> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => bail!("cannot read {}: {e}", path.display()),
    };
    let merged = found
        .merge_into(&text, force)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let written = merged.changed();
    if written {
        files::write_atomic(path, &merged.text)?;
    }
    Ok(Merge {
        path: path.to_path_buf(),
        written,
        added: merged.added,
        replaced: merged.replaced,
        unchanged: merged.unchanged,
        conflicts: merged
            .conflicts
            .into_iter()
            .map(|c| Conflict {
                key: c.key,
                file: c.file,
                found: c.found,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests;
