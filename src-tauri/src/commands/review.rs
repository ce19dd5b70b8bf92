//! The plan's review pull request on GitHub: its state and "Propose for review".

use tauri::State;

use crate::dto::{ProposeResultDto, ReviewDto};
use crate::error::UiError;
use crate::session::Session;

#[tauri::command]
pub async fn review_status(session: State<'_, Session>) -> Result<ReviewDto, UiError> {
    session.review_status().await
}

#[tauri::command]
pub async fn review_propose(session: State<'_, Session>) -> Result<ProposeResultDto, UiError> {
    session.review_propose().await
}
