//! `pi-planner://` links: the one the app was started with (or was handed by a second start,
//! `single.rs`), taken once by the window, and opening the plan a link names.

use tauri::State;

use crate::PendingLink;
use crate::dto::{LinkDto, PlanView};
use crate::error::UiError;
use crate::session::Session;

/// The link the app was started with or handed since, if any; later calls answer `None`.
#[tauri::command]
pub fn link_take(pending: State<'_, PendingLink>) -> Option<LinkDto> {
    pending
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}

/// Opens the plan `link` names (`Session::open_link`).
#[tauri::command]
pub async fn link_open(session: State<'_, Session>, link: LinkDto) -> Result<PlanView, UiError> {
    session.open_link(&link).await
}
