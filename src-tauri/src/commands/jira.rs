//! Commands of Jira: the connection (Connect screen, Settings), the "Out of sync" view and
//! creating a feature's stories from its acceptance criteria.

use tauri::State;

use crate::dto::{
    DecomposeDto, DecomposeRequest, JiraCheckDto, JiraConnectRequest, JiraStatusDto, LintDto,
    LintFixRequest,
};
use crate::error::UiError;
use crate::session::Session;

#[tauri::command]
pub async fn jira_status(session: State<'_, Session>) -> Result<JiraStatusDto, UiError> {
    Ok(session.jira_status().await)
}

#[tauri::command]
pub async fn jira_test(
    session: State<'_, Session>,
    req: JiraConnectRequest,
) -> Result<JiraCheckDto, UiError> {
    session.jira_test(&req).await
}

#[tauri::command]
pub async fn jira_save(
    session: State<'_, Session>,
    req: JiraConnectRequest,
) -> Result<JiraStatusDto, UiError> {
    session.jira_save(&req).await
}

#[tauri::command]
pub async fn jira_forget(session: State<'_, Session>) -> Result<JiraStatusDto, UiError> {
    session.jira_forget().await
}

#[tauri::command]
pub async fn jira_lint(session: State<'_, Session>) -> Result<LintDto, UiError> {
    session.jira_lint().await
}

#[tauri::command]
pub async fn jira_lint_fix(
    session: State<'_, Session>,
    req: LintFixRequest,
) -> Result<LintDto, UiError> {
    session.jira_lint_fix(req).await
}

#[tauri::command]
pub async fn jira_decompose(
    session: State<'_, Session>,
    req: DecomposeRequest,
) -> Result<DecomposeDto, UiError> {
    session.jira_decompose(req).await
}
