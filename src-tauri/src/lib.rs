//! `pi-planner`: the PI Planner desktop app — a Tauri 2 shell around the React UI in `ui/`.
//!
//! The UI talks to the app only through the commands in [`commands`] (typed DTOs in [`dto`],
//! errors as [`error::UiError`]); every command is one call of the [`session::Session`]. All
//! HTTP, file and keychain work happens here in Rust: the webview has no network access and no
//! file system, shell or HTTP permissions.
//!
//! It deliberately holds no domain rules and no sync logic: plans are rendered and parsed by
//! pi-format, validated by pi-model, fetched by pi-targetprocess; the sync engine will add its
//! commands next to these.

pub mod commands;
pub mod credentials;
pub mod dto;
pub mod error;
pub mod files;
pub mod identity;
pub mod session;

use std::sync::Arc;

use tauri::Manager;

use crate::credentials::{KEYCHAIN_SERVICE, KeychainStore};
use crate::session::{Dirs, Session};

/// Builds and runs the app until its window closes. With `start_demo`, an app that is not
/// connected yet starts in the demo instead of on the welcome screen.
pub fn run(start_demo: bool) {
    let app = tauri::Builder::default()
        .setup(move |app| {
            let dirs = Dirs {
                config: app.path().app_config_dir()?,
                data: app.path().app_data_dir()?,
            };
            let store = Arc::new(KeychainStore::new(KEYCHAIN_SERVICE));
            let session = Session::new(dirs, store);
            if start_demo {
                tauri::async_runtime::block_on(session.start_demo_if_unconnected())?;
            }
            app.manage(session);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::demo_start,
            commands::connection_test,
            commands::connection_save,
            commands::identity_suggest,
            commands::identity_save,
            commands::arts_list,
            commands::releases_list,
            commands::teams_list,
            commands::workspace_open,
            commands::plan_get,
            commands::plan_save,
            commands::plan_undo,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("PI Planner could not start: {e}");
        std::process::exit(1);
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

    /// build.rs declares the same commands as the handler, so each has its permission.
    #[test]
    fn build_script_lists_every_command() {
        let build = include_str!("../build.rs");
        for name in super::commands::NAMES {
            assert!(
                build.contains(&format!("\"{name}\"")),
                "{name} missing in build.rs"
            );
        }
    }
}
