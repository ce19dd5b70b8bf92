//! Commands of the first run: status, demo, Targetprocess connection, git identity.

use tauri::State;

use crate::dto::{AppStatus, ConnectRequest, ConnectionCheck, IdentityDto};
use crate::error::UiError;
use crate::session::Session;

#[tauri::command]
pub async fn app_status(session: State<'_, Session>) -> Result<AppStatus, UiError> {
    Ok(session.status().await)
}

#[tauri::command]
pub async fn demo_start(session: State<'_, Session>) -> Result<AppStatus, UiError> {
    session.start_demo().await
}

#[tauri::command]
pub async fn connection_test(
    session: State<'_, Session>,
    req: ConnectRequest,
) -> Result<ConnectionCheck, UiError> {
    session.test_connection(&req).await
}

#[tauri::command]
pub async fn connection_save(
    session: State<'_, Session>,
    req: ConnectRequest,
) -> Result<AppStatus, UiError> {
    session.connect(&req).await
}

#[tauri::command]
pub async fn connection_use_names(
    session: State<'_, Session>,
    req: ConnectRequest,
) -> Result<ConnectionCheck, UiError> {
    session.use_account_names(&req).await
}

#[tauri::command]
pub async fn identity_suggest() -> Result<IdentityDto, UiError> {
    Ok(crate::identity::suggest())
}

#[tauri::command]
pub async fn identity_save(
    session: State<'_, Session>,
    identity: IdentityDto,
) -> Result<AppStatus, UiError> {
    session.save_identity(identity).await
}
