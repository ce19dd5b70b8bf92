#!/usr/bin/env bash
# Builds the desktop app's release installers for Linux with the Tauri CLI (the npm package in
# ui/, run from the repository root): always the .deb, and the AppImage when the AppImage tools
# are available on this machine. The .deb is then inspected: binary, desktop entry, icons and
# the WebKitGTK dependency must be in it.
#
#   scripts/package.sh            .deb, plus the AppImage when its tools are present
#   scripts/package.sh --deb      .deb only
#   scripts/package.sh --check    only inspect the .deb built last
#
# The AppImage: Tauri's bundler runs linuxdeploy, which it takes from its tools folder
# (${XDG_CACHE_HOME:-~/.cache}/tauri) and otherwise downloads from GitHub at build time
# (linuxdeploy-<arch>.AppImage, AppRun-<arch>, linuxdeploy-plugin-appimage.AppImage). On a machine
# without that access, put those files into the tools folder (or set
# TAURI_BUNDLER_TOOLS_GITHUB_MIRROR to a mirror) and run this script again. Without them the
# AppImage is skipped with a message saying so; nothing is faked.
# Windows (.msi) and macOS (.dmg) installers are built on those systems: see docs/packaging.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

mode="${1:-all}"
arch="$(uname -m)"
tools="${XDG_CACHE_HOME:-$HOME/.cache}/tauri"
bundle_dir="${CARGO_TARGET_DIR:-target}/release/bundle"

appimage_tools_present() {
    [ -x "$tools/linuxdeploy-$arch.AppImage" ] && [ -f "$tools/AppRun-$arch" ]
}

# Fails unless the .deb holds the app's binary, its desktop entry (starting the binary, with the
# icon) and icons, and depends on WebKitGTK 4.1.
check_deb() {
    local deb
    deb="$(ls -t "$bundle_dir"/deb/*.deb 2>/dev/null | head -n 1 || true)"
    if [ -z "$deb" ]; then
        echo "package: no .deb in $bundle_dir/deb; build it first (scripts/package.sh --deb)" >&2
        return 1
    fi
    local contents info
    contents="$(dpkg-deb -c "$deb")"
    info="$(dpkg-deb -I "$deb")"
    local missing=0
    expect() {
        if ! grep -qE "$2" <<<"$1"; then
            echo "package: $deb lacks $3" >&2
            missing=1
        fi
    }
    expect "$contents" 'usr/bin/pi-planner$' "the binary usr/bin/pi-planner"
    expect "$contents" 'usr/share/applications/PI Planner\.desktop$' "the desktop entry"
    expect "$contents" 'usr/share/icons/hicolor/32x32/apps/pi-planner\.png$' "the 32x32 icon"
    expect "$contents" 'usr/share/icons/hicolor/128x128/apps/pi-planner\.png$' "the 128x128 icon"
    local desktop
    desktop="$(dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*.desktop')"
    expect "$desktop" '^Exec=pi-planner$' "a desktop entry that starts pi-planner"
    expect "$desktop" '^Icon=pi-planner$' "a desktop entry with the app's icon"
    expect "$info" 'Package: pi-planner' "the package name pi-planner"
    expect "$info" 'Depends:.*libwebkit2gtk-4\.1-0' "a dependency on libwebkit2gtk-4.1-0"
    [ "$missing" = 0 ] || return 1
    echo "package: $deb ($(du -h "$deb" | cut -f1)) has the binary, desktop entry, icons and dependencies"
}

build() {
    echo "package: building the release .deb (UI, app with the UI embedded, bundle)"
    npm --prefix ui run --silent tauri -- build --bundles deb
    check_deb
}

build_appimage() {
    if appimage_tools_present || [ -n "${TAURI_BUNDLER_TOOLS_GITHUB_MIRROR:-}" ]; then
        echo "package: building the AppImage with the tools in $tools"
        # No FUSE needed: the AppImage tools run extracted.
        APPIMAGE_EXTRACT_AND_RUN=1 npm --prefix ui run --silent tauri -- build --bundles appimage
        ls -l "$bundle_dir"/appimage/*.AppImage
    else
        cat >&2 <<EOF
package: AppImage NOT built. Tauri's bundler needs linuxdeploy-$arch.AppImage and AppRun-$arch
  (and, optionally, linuxdeploy-plugin-appimage.AppImage) in $tools and would otherwise download
  them from GitHub, which this machine cannot reach. Copy them there (or set
  TAURI_BUNDLER_TOOLS_GITHUB_MIRROR) and run scripts/package.sh again. The .deb above is complete.
EOF
    fi
}

case "$mode" in
    --check) check_deb ;;
    --deb) build ;;
    all) build && build_appimage ;;
    *)
        echo "usage: scripts/package.sh [--deb | --check]" >&2
        exit 2
        ;;
esac
