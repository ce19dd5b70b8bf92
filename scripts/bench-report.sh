#!/usr/bin/env bash
# Runs every benchmark of PI Planner in release mode against pi-sim with injected latency and
# writes the results: docs/performance.json (every record, the machine and its load average)
# and the table between the bench-report markers of docs/performance.md.
#
#   scripts/bench-report.sh            run everything (takes several minutes)
#   scripts/bench-report.sh render     only regenerate the table from docs/performance.json
#
# Extra arguments go to `pi-bench` (`--doc <file>`, `--json <file>`).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

command="${1:-report}"
[ $# -gt 0 ] && shift
exec cargo run --release --quiet -p pi-bench -- "$command" "$@"
