//! Every command by name, with its arguments as JSON: the app's commands for a host without a
//! window (the loopback bridge, [`crate::bridge`]). Each arm is the same one session call as the
//! Tauri command of that name, with the arguments under the names the UI sends over IPC.
//!
//! What a window does around a command (notifications, the Downloads folder) is the [`Host`]'s.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::dto::{LogFolderDto, ProgressDto, PullResultDto, PushOutcomeDto, TrainProgressDto};
use crate::error::{ErrorCode, UiError};
use crate::session::Session;

/// What a command needs from the host it runs in.
pub trait Host: Send + Sync {
    /// One step of a pull or push.
    fn progress(&self, progress: ProgressDto);
    /// One step of "Sync all" (a team's stage).
    fn train_progress(&self, progress: TrainProgressDto);
    /// A pull's result, to announce what is worth announcing.
    fn pulled(&self, result: &PullResultDto);
    /// A push's or resume's outcome, to announce a failure.
    fn pushed(&self, outcome: &Result<PushOutcomeDto, UiError>);
    /// "Sync all"'s result, to announce teams left with something to act on.
    fn trained(&self, _synced: &Result<crate::dto::TrainSyncDto, UiError>) {}
    /// Where an audit export is saved.
    fn downloads(&self) -> Result<PathBuf, UiError>;
    /// The folder of the app's log files; `None` when this host writes none.
    fn log_folder(&self) -> Option<PathBuf>;
    /// Shows `folder` in the platform's file manager.
    fn open_folder(&self, folder: &Path) -> std::io::Result<()>;
}

/// Runs command `name` with `args` (an object of the command's arguments, camelCase, as the
/// UI's IPC sends them) and returns its result as JSON.
pub async fn dispatch(
    session: &Session,
    host: &dyn Host,
    name: &str,
    args: &Value,
) -> Result<Value, UiError> {
    let progress = |p: ProgressDto| host.progress(p);
    match name {
        "app_status" => json(Ok(session.status().await)),
        "demo_start" => json(session.start_demo().await),
        "connection_test" => json(session.test_connection(&arg(name, args, "req")?).await),
        "connection_save" => json(session.connect(&arg(name, args, "req")?).await),
        "connection_use_names" => json(session.use_account_names(&arg(name, args, "req")?).await),
        "jira_status" => json(Ok(session.jira_status().await)),
        "jira_test" => json(session.jira_test(&arg(name, args, "req")?).await),
        "jira_save" => json(session.jira_save(&arg(name, args, "req")?).await),
        "jira_forget" => json(session.jira_forget().await),
        "jira_lint" => json(session.jira_lint().await),
        "jira_lint_fix" => json(session.jira_lint_fix(arg(name, args, "req")?).await),
        "jira_decompose" => json(session.jira_decompose(arg(name, args, "req")?).await),
        "identity_suggest" => json(Ok(crate::identity::suggest())),
        "identity_save" => json(session.save_identity(arg(name, args, "identity")?).await),
        "arts_list" => json(session.arts().await),
        "releases_list" => json(session.releases(arg(name, args, "art")?).await),
        "teams_list" => json(session.teams(arg(name, args, "art")?).await),
        "workspace_open" => json(session.open(arg(name, args, "req")?).await),
        "plan_get" => json(session.plan().await),
        "plan_save" => json(session.save_plan(arg(name, args, "plan")?).await),
        "plan_undo" => json(session.undo().await),
        "plan_undo_preview" => json(session.undo_preview().await),
        "users_list" => json(session.users().await),
        "sync_pull" => {
            let result = session.pull(false, &progress).await;
            if let Ok(r) = &result {
                host.pulled(r);
            }
            json(result)
        }
        "push_preview" => json(session.push_preview().await),
        "sync_push" => {
            let confirm = arg(name, args, "confirmDeletes")?;
            pushed(host, session.push(confirm, &progress).await)
        }
        "sync_resume" => pushed(host, session.resume(&progress).await),
        "sync_push_override" => {
            let reason = arg(name, args, "reason")?;
            let confirm = arg(name, args, "confirmDeletes")?;
            pushed(
                host,
                session.push_override(reason, confirm, &progress).await,
            )
        }
        _ => plan_commands(session, host, name, args).await,
    }
}

/// The commands after the sync's: changes, conflicts, settings, sign-off, templates, history.
async fn plan_commands(
    session: &Session,
    host: &dyn Host,
    name: &str,
    args: &Value,
) -> Result<Value, UiError> {
    match name {
        "change_discard" => json(session.discard(arg(name, args, "req")?).await),
        "sync_status" => json(session.sync_status().await),
        "live_status" => json(Ok(session.live_status())),
        "conflicts_list" => json(session.conflicts().await),
        "conflict_resolve" => json(session.resolve(arg(name, args, "req")?).await),
        "conflicts_resolve_all" => json(session.resolve_all(arg(name, args, "choice")?).await),
        "settings_get" => json(Ok(session.settings().await)),
        "settings_save" => json(session.save_settings(arg(name, args, "update")?).await),
        "sign_out" => json(session.sign_out().await),
        "approvals_status" => json(session.approvals_status().await),
        "approve" => json(session.approve(arg(name, args, "comment")?).await),
        "audit_trail" => json(session.audit_trail().await),
        "audit_export" => {
            let format = arg(name, args, "format")?;
            json(session.audit_export(format, &host.downloads()?).await)
        }
        "templates_list" => json(session.templates().await),
        "sync_health_get" => json(session.sync_health().await),
        // A browser has no program arguments: the bridge is never started with a link.
        "link_take" => json(Ok(None::<crate::dto::LinkDto>)),
        "link_open" => json(session.open_link(&arg(name, args, "link")?).await),
        "health_checks" => json(session.health_checks().await),
        "review_status" => json(session.review_status().await),
        "review_propose" => json(session.review_propose().await),
        "log_folder_get" => json(Ok(host.log_folder().map(|f| LogFolderDto::of(&f)))),
        "log_folder_open" => json(crate::logging::open_in(host.log_folder(), |f| {
            host.open_folder(f)
        })),
        "template_add" => json(session.template_add(arg(name, args, "req")?).await),
        "history_list" => json(session.history().await),
        "plan_compare" => {
            let before = arg(name, args, "before")?;
            json(session.compare(before, arg(name, args, "after")?).await)
        }
        "sync_changes" => json(session.sync_changes().await),
        "effort_series" => json(session.effort_series().await),
        "history_conflicts" => json(session.conflict_log().await),
        "train_status" => json(session.train_status(arg(name, args, "req")?).await),
        "train_sync" => {
            let req = arg(name, args, "req")?;
            let synced = session.train_sync(req, &|p| host.train_progress(p)).await;
            host.trained(&synced);
            json(synced)
        }
        "train_resolve_preview" => {
            json(session.train_resolve(arg(name, args, "req")?, false).await)
        }
        "train_resolve" => json(session.train_resolve(arg(name, args, "req")?, true).await),
        "train_team_open" => json(session.train_team_open(arg(name, args, "req")?).await),
        "change_report" => json(session.change_report().await),
        "plan_verify" => json(session.verify(arg(name, args, "repair")?).await),
        "rollback_pushes" => json(session.rollback_pushes().await),
        "rollback_preview" => json(
            session
                .rollback(opt(name, args, "opId")?, true, false)
                .await,
        ),
        "rollback" => {
            let (id, confirm) = (opt(name, args, "opId")?, arg(name, args, "confirmDeletes")?);
            json(session.rollback(id, false, confirm).await)
        }
        "train_report" => json(session.train_report(arg(name, args, "req")?).await),
        "train_report_export" => {
            let (req, format) = (arg(name, args, "req")?, arg(name, args, "format")?);
            json(
                session
                    .train_report_export(req, format, &host.downloads()?)
                    .await,
            )
        }
        _ => Err(UiError::new(
            ErrorCode::InvalidInput,
            format!("PI Planner has no command \"{name}\"."),
        )
        .hint("The page and the app may be of different versions: reload the page.")),
    }
}

fn pushed(host: &dyn Host, outcome: Result<PushOutcomeDto, UiError>) -> Result<Value, UiError> {
    host.pushed(&outcome);
    json(outcome)
}

/// Argument `key` of command `name`, read from `args`. The error does not quote the value: it
/// may hold an access token.
fn arg<T: DeserializeOwned>(name: &str, args: &Value, key: &str) -> Result<T, UiError> {
    let value = args.get(key).cloned().unwrap_or(Value::Null);
    serde_json::from_value(value).map_err(|_| {
        UiError::new(
            ErrorCode::InvalidInput,
            format!("The command \"{name}\" got no usable \"{key}\"."),
        )
        .hint("The page and the app may be of different versions: reload the page.")
    })
}

/// Optional argument `key` of command `name`: absent or null is `None` (as Tauri reads an
/// `Option`); a value that is not a `T` is an error, never taken for `None`.
fn opt<T: DeserializeOwned>(name: &str, args: &Value, key: &str) -> Result<Option<T>, UiError> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => arg(name, args, key).map(Some),
    }
}

fn json<T: Serialize>(result: Result<T, UiError>) -> Result<Value, UiError> {
    let value = result?;
    serde_json::to_value(value).map_err(|e| {
        UiError::new(
            ErrorCode::InvalidInput,
            format!("PI Planner could not write the command's result: {e}."),
        )
    })
}
