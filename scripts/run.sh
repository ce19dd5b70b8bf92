#!/usr/bin/env bash
# Installs what is missing, builds tpcli, checks and shows the sample plan, then starts the local
# Targetprocess/Jira simulator with demo data (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

./scripts/install-deps.sh
cargo build --locked -p tpcli
tpcli=target/debug/tpcli
sample=examples/pi-4-25-platform-eco.md

echo "== tpcli plan validate $sample"
"$tpcli" plan validate "$sample"
echo
echo "== tpcli plan show $sample"
"$tpcli" plan show "$sample"
echo
echo "== tpcli sim (demo Targetprocess and Jira; Ctrl-C to stop)"
exec "$tpcli" sim --seed 42
