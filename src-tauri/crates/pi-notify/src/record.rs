//! The record of the last digest sent per team (`.git/pi-planner/digest-sent.json` in a clone),
//! so that the digest goes out once a day per team.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The day each team's digest was last sent, by plan slug.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestRecord {
    pub sent: BTreeMap<String, NaiveDate>,
}

/// The record could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("digest record {path}: {message}")]
pub struct RecordError {
    pub path: PathBuf,
    pub message: String,
}

impl DigestRecord {
    /// The record at `path`; none yet is an empty record.
    pub fn load(path: &Path) -> Result<DigestRecord, RecordError> {
        let err = |message: String| RecordError {
            path: path.to_owned(),
            message,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                serde_json::from_str(&text).map_err(|e| err(format!("not a digest record: {e}")))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(DigestRecord::default()),
            Err(e) => Err(err(e.to_string())),
        }
    }

    /// Whether `plan`'s digest was sent on `day`.
    pub fn sent_on(&self, plan: &str, day: NaiveDate) -> bool {
        self.sent.get(plan) == Some(&day)
    }

    /// Records `plan`'s digest as sent on `day` and writes the record (through a temporary file
    /// renamed over it, so a crash never leaves half a record).
    pub fn mark_and_save(
        &mut self,
        plan: &str,
        day: NaiveDate,
        path: &Path,
    ) -> Result<(), RecordError> {
        self.sent.insert(plan.to_owned(), day);
        let err = |e: std::io::Error| RecordError {
            path: path.to_owned(),
            message: e.to_string(),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| RecordError {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }
}
