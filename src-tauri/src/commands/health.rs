//! The sync health dashboard's command (the open plan's folder's sync metrics) and Settings →
//! Health's (the checks of `tpcli doctor`).

use tauri::State;

use crate::dto::{HealthChecksDto, SyncHealthDto};
use crate::error::UiError;
use crate::session::Session;

/// The sync health of the open plan's folder over the last weeks (what `tpcli plan stats`
/// reads).
#[tauri::command]
pub async fn sync_health_get(session: State<'_, Session>) -> Result<SyncHealthDto, UiError> {
    session.sync_health().await
}

/// Settings → Health: the checks `tpcli doctor` runs, on the open plan and the connection.
#[tauri::command]
pub async fn health_checks(session: State<'_, Session>) -> Result<HealthChecksDto, UiError> {
    session.health_checks().await
}
