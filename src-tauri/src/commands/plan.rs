//! Commands of the workspace picker and the plan editor.

use tauri::State;

use crate::dto::{OpenRequest, PickItem, PlanDto, PlanView, UndoPreviewDto, UserDto};
use crate::error::UiError;
use crate::session::Session;

#[tauri::command]
pub async fn arts_list(session: State<'_, Session>) -> Result<Vec<PickItem>, UiError> {
    session.arts().await
}

#[tauri::command]
pub async fn releases_list(
    session: State<'_, Session>,
    art: i64,
) -> Result<Vec<PickItem>, UiError> {
    session.releases(art).await
}

#[tauri::command]
pub async fn teams_list(session: State<'_, Session>, art: i64) -> Result<Vec<PickItem>, UiError> {
    session.teams(art).await
}

#[tauri::command]
pub async fn workspace_open(
    session: State<'_, Session>,
    req: OpenRequest,
) -> Result<PlanView, UiError> {
    session.open(req).await
}

#[tauri::command]
pub async fn plan_get(session: State<'_, Session>) -> Result<PlanView, UiError> {
    session.plan().await
}

#[tauri::command]
pub async fn plan_save(session: State<'_, Session>, plan: PlanDto) -> Result<PlanView, UiError> {
    session.save_plan(plan).await
}

#[tauri::command]
pub async fn plan_undo(session: State<'_, Session>) -> Result<PlanView, UiError> {
    session.undo().await
}

#[tauri::command]
pub async fn users_list(session: State<'_, Session>) -> Result<Vec<UserDto>, UiError> {
    session.users().await
}

#[tauri::command]
pub async fn plan_undo_preview(session: State<'_, Session>) -> Result<UndoPreviewDto, UiError> {
    session.undo_preview().await
}
