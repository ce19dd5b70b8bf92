//! Build script: lets tauri-build read `tauri.conf.json`, and declares the app's own commands so
//! each gets an `allow-*` permission that `capabilities/main.json` grants one by one.

const COMMANDS: &[&str] = &[
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
    "approvals_status",
    "approve",
    "audit_trail",
    "audit_export",
    "templates_list",
    "conflicts_list",
    "conflict_resolve",
    "conflicts_resolve_all",
    "settings_get",
    "settings_save",
    "sign_out",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri.conf.json, the capabilities and the icons are valid");
}
