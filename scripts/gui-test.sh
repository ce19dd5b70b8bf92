#!/usr/bin/env bash
# Real-window tests of the desktop app: builds the UI and the app with the UI embedded
# (custom-protocol) and tpcli (whose simulator plays Targetprocess), then runs tests/gui through
# tauri-driver + WebKitWebDriver under Xvfb, in a private D-Bus session with an unlocked
# gnome-keyring, with dunst showing notifications and dbus-monitor logging them. Screenshots go to $PI_PLANNER_SHOTS_DIR when it is set.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# A full run builds everything once: incremental state would only take disk space (gigabytes).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

if [ -z "${PI_PLANNER_GUI_SESSION:-}" ]; then
    (cd ui && npm run --silent build)
    cargo build --locked -p pi-planner --features custom-protocol
    cargo build --locked -p tpcli
    PI_PLANNER_GUI_SESSION=1 exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@"
fi

# Inside Xvfb and the private session bus: a keyring of our own, unlocked.
XDG_DATA_HOME="$(mktemp -d)"
export XDG_DATA_HOME
eval "$(printf 'gui-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL

# A notification daemon, and a log of every notification the desktop is asked to show.
PI_PLANNER_NOTIFY_LOG="$(mktemp)"
export PI_PLANNER_NOTIFY_LOG
dunst >/dev/null 2>&1 &
DUNST=$!
dbus-monitor --session "interface='org.freedesktop.Notifications',member='Notify'" >"$PI_PLANNER_NOTIFY_LOG" 2>&1 &
MONITOR=$!
trap 'kill "$MONITOR" "$DUNST" 2>/dev/null || true' EXIT

target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
export PI_PLANNER_APP="$target_dir/debug/pi-planner"
export TPCLI="$target_dir/debug/tpcli"
node --test --test-concurrency=1 tests/gui/
