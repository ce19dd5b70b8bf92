//! Commands of the open plan's checks: the change report, verify (with its safe repairs) and
//! undoing the latest push (preview, then the rollback).

use tauri::State;

use crate::dto::{ChangeReportDto, RollbackDto, VerifyDto};
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

/// What undoing the latest push would write back; nothing is sent.
#[tauri::command]
pub async fn rollback_preview(session: State<'_, Session>) -> Result<RollbackDto, UiError> {
    session.rollback(true, false).await
}

/// Undoes the latest push; deletions of what it created only with `confirm_deletes`.
#[tauri::command]
pub async fn rollback(
    session: State<'_, Session>,
    confirm_deletes: bool,
) -> Result<RollbackDto, UiError> {
    session.rollback(false, confirm_deletes).await
}
