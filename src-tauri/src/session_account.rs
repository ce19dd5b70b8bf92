//! What a Targetprocess account calls things, for the Connect screen: discovery
//! (`TpClient::discover`) in plain words, compared with the plans folder's `pi-planner.toml`,
//! and "Use these names", which merges the account's `[tp]` names into that file (comments and
//! other settings kept; pi-targetprocess's merge, the one `tpcli tp schema --write` uses).

use std::path::Path;

use pi_targetprocess::{Discovery, FindingSource, SchemaMerge, TpClient};

use super::Session;
use crate::dto::{AccountNamesDto, ConnectRequest, ConnectionCheck};
use crate::error::{ErrorCode, UiError, file_error};
use crate::files::SavedConnection;

impl Session {
    /// Writes the account's names into the plans folder's `pi-planner.toml` of the account in
    /// `req` (replacing names that differ) and says how things stand afterwards.
    pub async fn use_account_names(
        &self,
        req: &ConnectRequest,
    ) -> Result<ConnectionCheck, UiError> {
        let client = TpClient::new(super::quick_config(req)?)?;
        let found = client.discover().await?;
        let path = self.folder_config_path(&folder_of(req));
        let merged = found.merge_into(&read(&path)?, true).map_err(|e| {
            UiError::new(
                ErrorCode::InvalidInput,
                format!("The settings file {} was not changed: {e}", path.display()),
            )
            .hint("Fix it in a text editor (see docs/configuration.md), then try again.")
        })?;
        if merged.changed() {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| file_error("the plans folder", &e))?;
            }
            crate::files::write_atomic(&path, &merged.text)
                .map_err(|e| file_error("the plans folder's settings", &e))?;
        }
        // The next client of this account speaks the new names.
        self.inner.lock().await.client = None;
        let arts = client.list_arts().await?;
        Ok(ConnectionCheck {
            arts: u32::try_from(arts.len()).unwrap_or(u32::MAX),
            names: Some(self.names_of(req, &found)?),
        })
    }

    /// The account's names for the Connect screen, compared with the plans folder's settings.
    pub(super) async fn account_names(
        &self,
        req: &ConnectRequest,
        client: &TpClient,
    ) -> Option<AccountNamesDto> {
        match client.discover().await {
            Ok(found) => self.names_of(req, &found).ok(),
            Err(e) => {
                tracing::warn!(error = %e, "the account's names could not be read");
                None
            }
        }
    }

    fn names_of(
        &self,
        req: &ConnectRequest,
        found: &Discovery,
    ) -> Result<AccountNamesDto, UiError> {
        let path = self.folder_config_path(&folder_of(req));
        let (differences, problem) = match found.merge_into(&read(&path)?, false) {
            Ok(merged) => (differences(&merged), None),
            Err(e) => (
                Vec::new(),
                Some(format!("The settings file has a mistake ({e}).")),
            ),
        };
        let (not_found, found_words): (Vec<_>, Vec<_>) = found
            .findings
            .iter()
            .partition(|f| f.source == FindingSource::NotFound);
        let words = |fs: Vec<&pi_targetprocess::DiscoveryFinding>| {
            fs.into_iter()
                .map(|f| sentence(&f.message))
                .collect::<Vec<_>>()
        };
        let mut not_found = words(not_found);
        not_found.extend(
            found
                .missing_resources
                .iter()
                .map(|r| format!("The account lists no {r}, which PI Planner reads.")),
        );
        Ok(AccountNamesDto {
            found: words(found_words),
            not_found,
            settings_file: path.display().to_string(),
            differences,
            problem,
        })
    }
}

/// The plans folder of the account in `req` (as the app keeps it once connected).
fn folder_of(req: &ConnectRequest) -> SavedConnection {
    SavedConnection::Targetprocess {
        url: pi_targetprocess::config::shown_url(&req.url),
    }
}

/// The text of the settings file; empty when there is none.
fn read(path: &Path) -> Result<String, UiError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(file_error("pi-planner.toml", &e)),
    }
}

/// How the file's `[tp]` names differ from the account's, in words.
fn differences(merged: &SchemaMerge) -> Vec<String> {
    let added = merged
        .added
        .iter()
        .map(|key| format!("The settings do not name {key} yet."));
    let differ = merged.conflicts.iter().map(|c| {
        format!(
            "The settings say {} = {}; the account shows {}.",
            c.key, c.file, c.found
        )
    });
    added.chain(differ).collect()
}

/// A finding as a sentence: capitalised, with a full stop.
fn sentence(message: &str) -> String {
    let mut chars = message.trim().chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut out: String = first.to_uppercase().chain(chars).collect();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[cfg(test)]
#[path = "session_account_tests.rs"]
mod tests;
