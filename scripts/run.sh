#!/usr/bin/env bash
# Installs what is missing. With a display, builds and opens the desktop app (in the demo when
# nothing is configured). Without one (or with PI_PLANNER_CLI_DEMO=1), builds tpcli, checks and
# shows the sample plan, then starts the local Targetprocess/Jira simulator with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

./scripts/install-deps.sh

# With a display: build the desktop app (UI embedded) and open it; with nothing configured yet it
# starts in the demo (a local Targetprocess with demo data). Without one: the command-line demo.
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${PI_PLANNER_CLI_DEMO:-}" ]; then
    (cd ui && npm run --silent build)
    cargo build --locked -p pi-planner --features custom-protocol
    exec target/debug/pi-planner --demo
fi
cargo build --locked -p tpcli
tpcli=target/debug/tpcli
sample=examples/pi-4-25.platform-eco.md

echo "== tpcli plan validate $sample"
"$tpcli" plan validate "$sample"
echo
echo "== tpcli plan show $sample"
"$tpcli" plan show "$sample"
echo
echo "== tpcli sim (demo Targetprocess and Jira; Ctrl-C to stop)"
exec "$tpcli" sim --seed 42
