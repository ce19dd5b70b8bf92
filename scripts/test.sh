#!/usr/bin/env bash
# Runs every check and test of PI Planner: formatting, lints and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

./scripts/install-deps.sh

echo "== cargo fmt --check"
cargo fmt --all --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked

echo "== UI: typecheck, lint, component tests"
(cd ui && npm run --silent typecheck && npm run --silent lint && npm test --silent)

echo "== UI: browser tests (built UI in chromium)"
(cd ui && npm run --silent build && npm run --silent e2e)

echo "== app: real-window tests (Xvfb, tauri-driver, Secret Service)"
./scripts/gui-test.sh
