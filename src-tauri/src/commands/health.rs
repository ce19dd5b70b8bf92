//! The sync health dashboard's command: the open plan's folder's sync metrics.

use tauri::State;

use crate::dto::SyncHealthDto;
use crate::error::UiError;
use crate::session::Session;

/// The sync health of the open plan's folder over the last weeks (what `tpcli plan stats`
/// reads).
#[tauri::command]
pub async fn sync_health_get(session: State<'_, Session>) -> Result<SyncHealthDto, UiError> {
    session.sync_health().await
}
