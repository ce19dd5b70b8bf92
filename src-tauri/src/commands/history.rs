//! Commands of the History screen: the plan's versions, the comparison of two versions, what
//! differs from Targetprocess since the last sync, committed effort over time, and the conflicts
//! found and resolved.

use tauri::State;

use crate::dto::{ComparisonDto, ConflictLogDto, EffortSeriesDto, HistoryDto, SyncChangeDto};
use crate::error::UiError;
use crate::session::Session;

#[tauri::command]
pub async fn history_list(session: State<'_, Session>) -> Result<HistoryDto, UiError> {
    session.history().await
}

/// `before` and `after`: `working`, `tp`, `baseline:NAME` or a commit id from the history.
#[tauri::command]
pub async fn plan_compare(
    session: State<'_, Session>,
    before: String,
    after: String,
) -> Result<ComparisonDto, UiError> {
    session.compare(before, after).await
}

#[tauri::command]
pub async fn sync_changes(session: State<'_, Session>) -> Result<Vec<SyncChangeDto>, UiError> {
    session.sync_changes().await
}

#[tauri::command]
pub async fn effort_series(session: State<'_, Session>) -> Result<EffortSeriesDto, UiError> {
    session.effort_series().await
}

#[tauri::command]
pub async fn history_conflicts(
    session: State<'_, Session>,
) -> Result<Vec<ConflictLogDto>, UiError> {
    session.conflict_log().await
}
