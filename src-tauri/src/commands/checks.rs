//! Commands of the open plan's checks: the change report, verify (with its safe repairs) and
//! undoing a push of the plan's history (preview, then the rollback).

use tauri::State;

use crate::dto::{ChangeReportDto, PushEntryDto, RollbackDto, VerifyDto};
use crate::error::UiError;
use crate::session::Session;

/// The change report since the latest baseline, else since the last pull.
#[tauri::command]
pub async fn change_report(session: State<'_, Session>) -> Result<ChangeReportDto, UiError> {
    session.change_report().await
}

/// Compares the plan file, the last pull and Targetprocess; `repair`: first what is safe.
#[tauri::command]
pub async fn plan_verify(session: State<'_, Session>, repair: bool) -> Result<VerifyDto, UiError> {
    session.verify(repair).await
}

/// The plan's pushes, newest first, for "Undo a push" to pick from.
#[tauri::command]
pub async fn rollback_pushes(session: State<'_, Session>) -> Result<Vec<PushEntryDto>, UiError> {
    session.rollback_pushes().await
}

/// What undoing push `op_id` (`None`: the latest) would write back; nothing is sent.
#[tauri::command]
pub async fn rollback_preview(
    session: State<'_, Session>,
    op_id: Option<String>,
) -> Result<RollbackDto, UiError> {
    session.rollback(op_id, true, false).await
}

/// Undoes push `op_id` (`None`: the latest); deletions of what it created only with
/// `confirm_deletes`.
#[tauri::command]
pub async fn rollback(
    session: State<'_, Session>,
    op_id: Option<String>,
    confirm_deletes: bool,
) -> Result<RollbackDto, UiError> {
    session.rollback(op_id, false, confirm_deletes).await
}
