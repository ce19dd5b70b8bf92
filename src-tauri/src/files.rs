//! File helpers of the app: atomic writes, and the JSON settings file.
//!
//! Deliberately small: plan files are rendered and parsed by pi-format, not here.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::dto::{IdentityDto, WorkspaceDto};

/// Writes `text` to `path` so that readers see the old or the new content, never a mix: a
/// temporary file in the same folder, flushed to disk, then renamed over the target.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// What the app remembers between runs (no secrets: the token is in the keychain).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    pub connection: SavedConnection,
    pub identity: Option<IdentityDto>,
    pub workspace: Option<WorkspaceDto>,
    /// Shared git remote new workspaces publish to.
    pub remote: Option<String>,
    /// Seconds between two looks at what changed in Targetprocess (live sync); 0 turns them
    /// off. (An older settings file's `pollMinutes` is ignored: the look is a small request.)
    #[serde(default = "default_poll_seconds")]
    pub poll_seconds: u32,
    /// The Jira site connected on this computer (its credentials are in the keychain).
    pub jira: Option<String>,
}

/// A look at Targetprocess every half minute unless the planner changes it.
pub fn default_poll_seconds() -> u32 {
    30
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            connection: SavedConnection::None,
            identity: None,
            workspace: None,
            remote: None,
            poll_seconds: default_poll_seconds(),
            jira: None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SavedConnection {
    #[default]
    None,
    Demo,
    Targetprocess {
        url: String,
    },
}

impl Settings {
    /// The settings in `path`; defaults when the file does not exist or cannot be understood
    /// (a broken settings file must never lock the planner out of the app).
    pub fn load(path: &Path) -> Settings {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        write_atomic(path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_content_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub").join("plan.md");
        write_atomic(&path, "one").expect("first write");
        write_atomic(&path, "two").expect("second write");
        assert_eq!(std::fs::read_to_string(&path).expect("readable"), "two");
        let names: Vec<_> = std::fs::read_dir(path.parent().expect("has parent"))
            .expect("listable")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("plan.md")]);
    }

    #[test]
    fn settings_round_trip_and_survive_a_broken_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        assert_eq!(Settings::load(&path), Settings::default());
        let settings = Settings {
            connection: SavedConnection::Targetprocess {
                url: "https://acme.tpondemand.com".into(),
            },
            identity: Some(IdentityDto {
                name: "Ann Planner".into(),
                email: "ann@example.com".into(),
            }),
            workspace: None,
            remote: Some("git@example.com:plans.git".into()),
            poll_seconds: 5,
            jira: Some("https://acme.atlassian.net".into()),
        };
        settings.save(&path).expect("saved");
        assert_eq!(Settings::load(&path), settings);
        std::fs::write(&path, "{ not json").expect("overwrite");
        assert_eq!(Settings::load(&path), Settings::default());
    }
}
