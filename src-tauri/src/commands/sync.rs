//! Commands of syncing: pull and push with progress, the push preview, conflicts, settings.
//! Outcomes worth an OS notification are announced through [`crate::notify`].

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::dto::{
    AppStatus, ApprovalsStatusDto, AuditEventDto, AuditExportDto, ChoiceDto, ConflictDto,
    DiscardRequest, ExportFormat, LogFolderDto, PlanView, ProgressDto, PullResultDto,
    PushOutcomeDto, ResolveRequest, SettingsDto, SettingsUpdate, SyncStatusDto, TemplateAddRequest,
    TemplatesDto,
};
use crate::error::UiError;
use crate::session::Session;

#[tauri::command]
pub async fn sync_pull(
    app: AppHandle,
    session: State<'_, Session>,
    progress: Channel<ProgressDto>,
) -> Result<PullResultDto, UiError> {
    let result = session
        .pull(false, &|p| {
            let _ = progress.send(p);
        })
        .await;
    for alert in session.take_alerts().await {
        crate::notify::announce(&app, &alert).await;
    }
    let result = result?;
    crate::notify::pulled(&app, &result, false).await;
    Ok(result)
}

#[tauri::command]
pub async fn push_preview(session: State<'_, Session>) -> Result<PushOutcomeDto, UiError> {
    session.push_preview().await
}

#[tauri::command]
pub async fn sync_push(
    app: AppHandle,
    session: State<'_, Session>,
    confirm_deletes: bool,
    progress: Channel<ProgressDto>,
) -> Result<PushOutcomeDto, UiError> {
    let outcome = session
        .push(confirm_deletes, &|p| {
            let _ = progress.send(p);
        })
        .await;
    crate::notify::pushed(&app, &outcome).await;
    for alert in session.take_alerts().await {
        crate::notify::announce(&app, &alert).await;
    }
    outcome
}

/// "Finish the interrupted push": completes a push Targetprocess did not confirm in full.
#[tauri::command]
pub async fn sync_resume(
    app: AppHandle,
    session: State<'_, Session>,
    progress: Channel<ProgressDto>,
) -> Result<PushOutcomeDto, UiError> {
    let outcome = session
        .resume(&|p| {
            let _ = progress.send(p);
        })
        .await;
    crate::notify::pushed(&app, &outcome).await;
    outcome
}

/// "Discard this change": puts a refused change back as Targetprocess has it.
#[tauri::command]
pub async fn change_discard(
    session: State<'_, Session>,
    req: DiscardRequest,
) -> Result<PlanView, UiError> {
    session.discard(req).await
}

#[tauri::command]
pub async fn sync_status(session: State<'_, Session>) -> Result<SyncStatusDto, UiError> {
    session.sync_status().await
}

#[tauri::command]
pub async fn conflicts_list(session: State<'_, Session>) -> Result<Vec<ConflictDto>, UiError> {
    session.conflicts().await
}

#[tauri::command]
pub async fn conflict_resolve(
    session: State<'_, Session>,
    req: ResolveRequest,
) -> Result<Vec<ConflictDto>, UiError> {
    session.resolve(req).await
}

#[tauri::command]
pub async fn conflicts_resolve_all(
    session: State<'_, Session>,
    choice: ChoiceDto,
) -> Result<Vec<ConflictDto>, UiError> {
    session.resolve_all(choice).await
}

#[tauri::command]
pub async fn settings_get(session: State<'_, Session>) -> Result<SettingsDto, UiError> {
    Ok(session.settings().await)
}

#[tauri::command]
pub async fn settings_save(
    session: State<'_, Session>,
    update: SettingsUpdate,
) -> Result<SettingsDto, UiError> {
    session.save_settings(update).await
}

#[tauri::command]
pub async fn sign_out(session: State<'_, Session>) -> Result<AppStatus, UiError> {
    session.sign_out().await
}

#[tauri::command]
pub async fn approvals_status(session: State<'_, Session>) -> Result<ApprovalsStatusDto, UiError> {
    session.approvals_status().await
}

#[tauri::command]
pub async fn approve(
    session: State<'_, Session>,
    comment: String,
) -> Result<ApprovalsStatusDto, UiError> {
    session.approve(comment).await
}

#[tauri::command]
pub async fn audit_trail(session: State<'_, Session>) -> Result<Vec<AuditEventDto>, UiError> {
    session.audit_trail().await
}

/// Saves the audit trail as CSV or JSON in the planner's Downloads folder (Documents, then the
/// home folder, where there is none); returns where.
#[tauri::command]
pub async fn audit_export(
    app: AppHandle,
    session: State<'_, Session>,
    format: ExportFormat,
) -> Result<AuditExportDto, UiError> {
    session.audit_export(format, &downloads(&app)?).await
}

/// The planner's Downloads folder (Documents, then the home folder, where there is none), where
/// exports are saved.
pub(super) fn downloads(app: &AppHandle) -> Result<std::path::PathBuf, UiError> {
    let paths = app.path();
    paths
        .download_dir()
        .or_else(|_| paths.document_dir())
        .or_else(|_| paths.home_dir())
        .map_err(|_| {
            UiError::new(
                crate::error::ErrorCode::FileAccess,
                "PI Planner found no Downloads folder to save the file in.",
            )
        })
}

/// Pushes although the approval policy is not met; the reason is recorded in the audit trail.
#[tauri::command]
pub async fn sync_push_override(
    app: AppHandle,
    session: State<'_, Session>,
    reason: String,
    confirm_deletes: bool,
    progress: Channel<ProgressDto>,
) -> Result<PushOutcomeDto, UiError> {
    let outcome = session
        .push_override(reason, confirm_deletes, &|p| {
            let _ = progress.send(p);
        })
        .await;
    crate::notify::pushed(&app, &outcome).await;
    for alert in session.take_alerts().await {
        crate::notify::announce(&app, &alert).await;
    }
    outcome
}

#[tauri::command]
pub async fn template_add(
    session: State<'_, Session>,
    req: TemplateAddRequest,
) -> Result<PlanView, UiError> {
    session.template_add(req).await
}

#[tauri::command]
pub async fn templates_list(session: State<'_, Session>) -> Result<TemplatesDto, UiError> {
    session.templates().await
}

/// The folder of the app's log files, for Settings to show.
#[tauri::command]
pub async fn log_folder_get(
    log: State<'_, crate::AppLog>,
) -> Result<Option<LogFolderDto>, UiError> {
    Ok(log.folder().map(|f| LogFolderDto::of(&f)))
}

/// "Open log folder": shows the log files' folder in the platform's file manager.
#[tauri::command]
pub async fn log_folder_open(log: State<'_, crate::AppLog>) -> Result<LogFolderDto, UiError> {
    crate::logging::open_in(log.folder(), crate::logging::open_folder)
}
