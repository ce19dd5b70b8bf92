//! `pi-planner`: the PI Planner desktop app — a Tauri 2 shell around the React UI in `ui/`.
//!
//! The UI talks to the app only through the commands in [`commands`] (typed DTOs in [`dto`],
//! errors as [`error::UiError`]); every command is one call of the [`session::Session`]. All
//! HTTP, file and keychain work happens here in Rust: the webview has no network access and no
//! file system, shell or HTTP permissions.
//!
//! It deliberately holds no domain rules and no sync logic: plans are rendered and parsed by
//! pi-format, validated by pi-model, opened, pulled, pushed and resolved by pi-engine. The shell
//! adds what needs the window: progress channels, OS notifications ([`notify`]) and live sync
//! ([`live`]: the plan file watched, Targetprocess asked what changed).

pub mod bridge;
pub mod commands;
pub mod credentials;
pub mod demo_config;
pub mod dto;
pub mod error;
pub mod files;
pub mod identity;
pub mod links;
pub mod live;
pub mod logging;
pub mod notify;
pub mod session;
#[cfg(test)]
mod session_fixture;
pub mod single;
pub mod words;

use std::sync::Arc;

use tauri::Manager;

use crate::credentials::{KEYCHAIN_SERVICE, KeychainStore};
use crate::session::{Dirs, Session};

/// How the app starts.
#[derive(Debug, Default)]
pub struct RunOptions {
    /// An app that is not connected yet starts in the demo instead of on the welcome screen.
    pub start_demo: bool,
    /// Serve the demo's control API and write its address to this file (end-to-end tests).
    pub sim_control_file: Option<std::path::PathBuf>,
    /// The `pi-planner://` link the app was started with (`links::from_args`).
    pub link: Option<dto::LinkDto>,
    /// Where later starts hand over their link (`single::start`); `None` when none can.
    pub listener: Option<single::Listener>,
}

/// Event name of a link handed over by a later start, for the window (`link_take` reads it).
pub const LINK_EVENT: &str = "link-opened";

/// The link the app was started with, until the window takes it (`link_take`).
#[derive(Debug, Default)]
pub struct PendingLink(pub std::sync::Mutex<Option<dto::LinkDto>>);

/// Builds and runs the app until its window closes.
pub fn run(options: RunOptions) {
    let RunOptions {
        start_demo,
        sim_control_file,
        link,
        listener,
    } = options;
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            app.manage(AppLog::start(app.path().app_log_dir().ok()));
            app.manage(PendingLink(std::sync::Mutex::new(link.clone())));
            if let Some(listener) = listener {
                let app = app.handle().clone();
                listener.serve(move |handover| handed_over(&app, handover));
            }
            let dirs = Dirs {
                config: app.path().app_config_dir()?,
                data: app.path().app_data_dir()?,
            };
            let store = Arc::new(KeychainStore::new(KEYCHAIN_SERVICE));
            let session = Session::new(dirs, store).with_sim_control_file(sim_control_file.clone());
            if start_demo {
                tauri::async_runtime::block_on(session.start_demo_if_unconnected())?;
            }
            app.manage(session);
            let live = AppLive(app.handle().clone());
            tauri::async_runtime::spawn(live::run(live, live::QUIET));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::demo_start,
            commands::connection_test,
            commands::connection_save,
            commands::connection_use_names,
            commands::jira_status,
            commands::jira_test,
            commands::jira_save,
            commands::jira_forget,
            commands::jira_lint,
            commands::jira_lint_fix,
            commands::jira_decompose,
            commands::identity_suggest,
            commands::identity_save,
            commands::arts_list,
            commands::releases_list,
            commands::teams_list,
            commands::workspace_open,
            commands::plan_get,
            commands::plan_save,
            commands::plan_undo,
            commands::plan_undo_preview,
            commands::users_list,
            commands::sync_pull,
            commands::push_preview,
            commands::sync_push,
            commands::sync_status,
            commands::sync_resume,
            commands::change_discard,
            commands::approvals_status,
            commands::approve,
            commands::audit_trail,
            commands::audit_export,
            commands::templates_list,
            commands::template_add,
            commands::sync_push_override,
            commands::history_list,
            commands::plan_compare,
            commands::sync_changes,
            commands::effort_series,
            commands::history_conflicts,
            commands::conflicts_list,
            commands::conflict_resolve,
            commands::conflicts_resolve_all,
            commands::settings_get,
            commands::settings_save,
            commands::sign_out,
            commands::log_folder_get,
            commands::sync_health_get,
            commands::link_take,
            commands::link_open,
            commands::health_checks,
            commands::review_status,
            commands::review_propose,
            commands::log_folder_open,
            commands::train_status,
            commands::train_sync,
            commands::train_resolve_preview,
            commands::train_resolve,
            commands::train_team_open,
            commands::live_status,
            commands::change_report,
            commands::plan_verify,
            commands::rollback_preview,
            commands::rollback,
            commands::rollback_pushes,
            commands::train_report,
            commands::train_report_export,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("PI Planner could not start: {e}");
        std::process::exit(1);
    }
}

/// A later start's handover: its link waits for the window (`link_take`), which is told, and
/// the window comes to the front.
fn handed_over(app: &tauri::AppHandle, handover: single::Handover) {
    use tauri::Emitter;
    if let single::Handover::Open(arg) = handover {
        let Some(link) = links::parse(&arg) else {
            tracing::warn!("a later start handed over something that is no pi-planner link");
            return;
        };
        *app.state::<PendingLink>()
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(link);
        let _ = app.emit(LINK_EVENT, ());
    }
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The app's log file, written as long as the app runs (the guard is kept with the app).
#[derive(Debug)]
pub struct AppLog {
    folder: Option<std::path::PathBuf>,
    _guard: Option<logging::LogGuard>,
}

impl AppLog {
    /// Logs to `folder` (the platform's log folder for the app); the app runs on without a log
    /// file when it cannot be written, and says why on stderr.
    fn start(folder: Option<std::path::PathBuf>) -> Self {
        let Some(folder) = folder else {
            eprintln!("PI Planner: this platform gives the app no log folder; nothing is logged");
            return Self {
                folder: None,
                _guard: None,
            };
        };
        let guard = logging::install(&folder)
            .inspect_err(|e| eprintln!("PI Planner: {e}"))
            .ok();
        Self {
            folder: Some(folder),
            _guard: guard,
        }
    }

    /// The folder of the log files.
    pub fn folder(&self) -> Option<std::path::PathBuf> {
        self.folder.clone()
    }
}

/// Live sync in the app: the session of the app's state, announcements as OS notifications.
struct AppLive(tauri::AppHandle);

impl live::LiveHost for AppLive {
    fn session(&self) -> &Session {
        self.0.state::<Session>().inner()
    }

    fn announce(&self, event: &dto::SyncEventDto) {
        let (app, event) = (self.0.clone(), event.clone());
        tauri::async_runtime::spawn(async move { notify::announce(&app, &event).await });
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// The TypeScript declarations in the UI must match the Rust DTOs. Set
    /// `PI_PLANNER_WRITE_TS=1` to rewrite them after changing a DTO.
    #[test]
    fn generated_typescript_is_fresh() {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/generated/types.ts");
        let expected = crate::dto::typescript_declarations();
        if std::env::var_os("PI_PLANNER_WRITE_TS").is_some() {
            std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create dir");
            std::fs::write(&path, &expected).expect("write declarations");
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "ui/src/ipc/generated/types.ts is stale: run \
             `PI_PLANNER_WRITE_TS=1 cargo test -p pi-planner generated_typescript`"
        );
    }

    /// Every command is registered with the handler, has its permission (build.rs reads the same
    /// list) and is granted, one by one, by the window's capability.
    #[test]
    fn every_command_is_registered_permitted_and_granted() {
        let build = include_str!("../build.rs");
        assert!(build.contains("include!(\"src/commands/names.rs\")"));
        let lib = include_str!("lib.rs");
        let capability = include_str!("../capabilities/main.json");
        for name in super::commands::NAMES {
            assert!(
                lib.contains(&format!("commands::{name},")),
                "{name} is not registered"
            );
            let permission = format!("\"allow-{}\"", name.replace('_', "-"));
            assert!(capability.contains(&permission), "{name} is not granted");
        }
    }
}
