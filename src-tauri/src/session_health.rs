//! The open plan's sync health: the metrics of the operations run in its folder (`pi-metrics`'
//! database beside the journal, `.git/pi-planner/metrics.sqlite`), over the last weeks, as the
//! dashboard shows them. Read only: nothing is measured or written here.

use chrono::Utc;

use super::Session;
use super::sync::in_workspace;
use crate::dto::SyncHealthDto;
use crate::error::{ErrorCode, UiError};

/// How many weeks the dashboard looks back.
pub const HEALTH_WEEKS: i64 = 12;

impl Session {
    /// The sync health of the open plan's folder over the last [`HEALTH_WEEKS`] weeks.
    pub async fn sync_health(&self) -> Result<SyncHealthDto, UiError> {
        let dir = {
            let inner = self.inner.lock().await;
            super::sync::workspace_dir(&inner)?
        };
        in_workspace(dir, |ws, _| {
            let path = ws
                .repo
                .git_dir()
                .join("pi-planner")
                .join(pi_metrics::FILE_NAME);
            let now = Utc::now();
            let since = now - chrono::Duration::weeks(HEALTH_WEEKS);
            if !path.is_file() {
                return Ok(SyncHealthDto::empty(since.to_rfc3339()));
            }
            let unreadable = |e: pi_metrics::MetricsError| {
                UiError::new(
                    ErrorCode::WorkspaceProblem,
                    format!("The sync metrics could not be read: {e}"),
                )
            };
            let store = pi_metrics::Store::open(&path).map_err(unreadable)?;
            let stats = store
                .stats(&pi_metrics::Filter {
                    art: None,
                    since: Some(since),
                    now,
                })
                .map_err(unreadable)?;
            Ok(SyncHealthDto::of(&stats, true))
        })
        .await
    }
}

#[cfg(test)]
#[path = "session_health_tests.rs"]
mod tests;
