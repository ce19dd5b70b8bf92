//! Commands of the train view: every team of an ART and PI, "Sync all" with progress per team,
//! batch resolution (preview, then apply), opening a team's plan of the train, and the train's
//! report (shown, and exported as markdown or HTML).

use tauri::State;
use tauri::ipc::Channel;

use crate::dto::{
    OpenRequest, PlanView, ReportExportDto, ReportFormatDto, TrainProgressDto, TrainReportDto,
    TrainRequest, TrainResolveDto, TrainResolveRequest, TrainStatusDto, TrainSyncDto,
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
    crate::notify::trained(&app, &synced).await;
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

/// The train's report (`tpcli plan report --art`), to show.
#[tauri::command]
pub async fn train_report(
    session: State<'_, Session>,
    req: TrainRequest,
) -> Result<TrainReportDto, UiError> {
    session.train_report(req).await
}

/// Saves the train's report as markdown or HTML in the planner's Downloads folder (Documents,
/// then the home folder, where there is none); returns where.
#[tauri::command]
pub async fn train_report_export(
    app: tauri::AppHandle,
    session: State<'_, Session>,
    req: TrainRequest,
    format: ReportFormatDto,
) -> Result<ReportExportDto, UiError> {
    let folder = super::sync::downloads(&app)?;
    session.train_report_export(req, format, &folder).await
}
