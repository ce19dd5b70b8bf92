//! Build script: lets tauri-build read `tauri.conf.json`, and declares the app's own commands so
//! each gets an `allow-*` permission that `capabilities/main.json` grants one by one.

mod names {
    include!("src/commands/names.rs");
}

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(names::NAMES);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri.conf.json, the capabilities and the icons are valid");
}
