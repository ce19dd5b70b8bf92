//! The installer settings in `tauri.conf.json`, checked cheaply on every test run: every icon
//! the bundles use exists and has the size its name says, and the bundle targets and metadata
//! the packaging script and the Windows/macOS instructions rely on are present.
//!
//! It deliberately builds no installer: `scripts/package.sh` does that (a release build of
//! several minutes) and inspects the .deb it produced.

use std::path::{Path, PathBuf};

fn config() -> (PathBuf, serde_json::Value) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    let text = std::fs::read_to_string(dir.join("tauri.conf.json")).expect("tauri.conf.json");
    (dir, serde_json::from_str(&text).expect("valid JSON"))
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG file");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (be(16), be(20))
}

#[test]
fn every_bundle_icon_exists_with_the_size_its_name_says() {
    let (dir, config) = config();
    let icons = config["bundle"]["icon"].as_array().expect("bundle.icon");
    let mut pngs = Vec::new();
    for icon in icons {
        let rel = icon.as_str().expect("icon path");
        let bytes = std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let name = Path::new(rel)
            .file_name()
            .expect("file name")
            .to_string_lossy();
        if name.ends_with(".ico") {
            assert_eq!(&bytes[..4], b"\0\0\x01\0", "{rel} is a Windows icon");
            continue;
        }
        let size = png_size(&bytes);
        let expected = match name.as_ref() {
            "32x32.png" => (32, 32),
            "128x128.png" => (128, 128),
            "128x128@2x.png" => (256, 256),
            _ => (size.0, size.0),
        };
        assert_eq!(size, expected, "{rel}");
        pngs.push(size.0);
    }
    assert!(pngs.contains(&32) && pngs.contains(&128), "{pngs:?}");
    assert!(
        pngs.iter().any(|&s| s >= 512),
        "a large square icon for the AppImage and macOS"
    );
}

#[test]
fn bundles_name_the_app_and_target_every_platform() {
    let (_, config) = config();
    let bundle = &config["bundle"];
    assert_eq!(bundle["active"], true);
    let targets: Vec<&str> = bundle["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert_eq!(targets, ["deb", "appimage", "msi", "dmg"]);
    for key in ["category", "shortDescription", "longDescription"] {
        let value = bundle[key].as_str().unwrap_or_default();
        assert!(!value.trim().is_empty(), "bundle.{key} is set");
    }
    assert_eq!(config["productName"], "PI Planner");
    assert_eq!(config["identifier"], "dev.piplanner.app");
    assert_eq!(config["build"]["frontendDist"], "../ui/dist");
}
