//! The live indicator's command: whether the app looks at Targetprocess, when it last did, and
//! the changes that reached the open plan file meanwhile.

use tauri::State;

use crate::dto::LiveStatusDto;
use crate::error::UiError;
use crate::session::Session;

#[tauri::command]
pub async fn live_status(session: State<'_, Session>) -> Result<LiveStatusDto, UiError> {
    Ok(session.live_status())
}
