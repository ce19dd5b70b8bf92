//! The `pi-planner://` link the app was started with, taken once by the window.

use tauri::State;

use crate::PendingLink;
use crate::dto::LinkDto;

/// The link the app was started with, if any; later calls answer `None`.
#[tauri::command]
pub fn link_take(pending: State<'_, PendingLink>) -> Option<LinkDto> {
    pending
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}
