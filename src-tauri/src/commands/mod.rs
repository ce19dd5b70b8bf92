//! The Tauri commands: thin adapters from IPC to one [`crate::session::Session`] call each.
//!
//! Deliberately no logic here beyond unpacking arguments: what a command does lives in the
//! session and the libraries, so it is tested without a window.

mod connection;
mod plan;
mod sync;

pub use connection::*;
pub use plan::*;
pub use sync::*;

/// Every command name; `build.rs` keeps the same list for the app's permissions.
pub const NAMES: &[&str] = &[
    "app_status",
    "demo_start",
    "connection_test",
    "connection_save",
    "identity_suggest",
    "identity_save",
    "arts_list",
    "releases_list",
    "teams_list",
    "workspace_open",
    "plan_get",
    "plan_save",
    "plan_undo",
    "sync_pull",
    "push_preview",
    "sync_push",
    "sync_status",
    "conflicts_list",
    "conflict_resolve",
    "conflicts_resolve_all",
    "settings_get",
    "settings_save",
    "sign_out",
    "approvals_status",
    "approve",
    "audit_trail",
    "audit_export",
    "templates_list",
];
