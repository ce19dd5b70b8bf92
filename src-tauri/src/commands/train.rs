//! Commands of the train view: every team of an ART and PI, "Sync all" with progress per team,
//! batch resolution (preview, then apply) and opening a team's plan of the train.

use tauri::State;
use tauri::ipc::Channel;

use crate::dto::{
    OpenRequest, PlanView, TrainProgressDto, TrainRequest, TrainResolveDto, TrainResolveRequest,
    TrainStatusDto, TrainSyncDto,
};
use crate::error::UiError;
use crate::session::Session;

#[tauri::command]
pub async fn train_status(
    session: State<'_, Session>,
    req: TrainRequest,
) -> Result<TrainStatusDto, UiError> {
    session.train_status(req).await
}

/// "Sync all": every team's plan set up and synced; one progress step per team and stage.
#[tauri::command]
pub async fn train_sync(
    app: tauri::AppHandle,
    session: State<'_, Session>,
    req: TrainRequest,
    progress: Channel<TrainProgressDto>,
) -> Result<TrainSyncDto, UiError> {
    let synced = session
        .train_sync(req, &|p| {
            let _ = progress.send(p);
        })
        .await;
    crate::notify::trained(&app, &synced);
    synced
}

/// What a batch resolution would settle; nothing is changed.
#[tauri::command]
pub async fn train_resolve_preview(
    session: State<'_, Session>,
    req: TrainResolveRequest,
) -> Result<TrainResolveDto, UiError> {
    session.train_resolve(req, false).await
}

#[tauri::command]
pub async fn train_resolve(
    session: State<'_, Session>,
    req: TrainResolveRequest,
) -> Result<TrainResolveDto, UiError> {
    session.train_resolve(req, true).await
}

/// Opens a team's plan of the train in the editor.
#[tauri::command]
pub async fn train_team_open(
    session: State<'_, Session>,
    req: OpenRequest,
) -> Result<PlanView, UiError> {
    session.train_team_open(req).await
}
