#!/usr/bin/env bash
# Runs the same base/local/remote plan-file triples through git's line merge
# (`git merge-file --diff3`), mergiraf (syntax-aware merge, if installed) and
# `tpcli plan merge-file`, and prints a markdown table:
#   scenario | git | mergiraf | tpcli
# Each cell is `clean`, `conflict` or `clean, EDITS LOST` (a clean result that lacks a line one
# of the sides wrote). Run on demand, not in CI:
#   cargo build -p tpcli && tests/merge-comparison/compare.sh
# TPCLI and MERGIRAF override the binaries.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tpcli="${TPCLI:-$root/target/debug/tpcli}"
mergiraf="${MERGIRAF:-$(command -v mergiraf || true)}"
work="$(mktemp -d)"
# KEEP=1 keeps the scenario folder (printed on stderr) for a look at each result.
if [ -n "${KEEP:-}" ]; then echo "scenarios in $work" >&2; else trap 'rm -rf "$work"' EXIT; fi

[ -x "$tpcli" ] || { echo "build tpcli first: cargo build -p tpcli" >&2; exit 2; }

# replace FILE OLD NEW: literal, first occurrence, multi-line allowed.
replace() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
assert old in text, f"{old!r} not in {path}"
open(path, "w").write(text.replace(old, new, 1))
PY
}

epic() { # epic ID NAME: a new epic section (without its leading blank line)
  printf '### Epic: %s\n\n**ID**: tp:%s\n\n**Status**: Pending\n' "$2" "$1"
}

# Each scenario: a folder with base.md, local.md, remote.md and `expect` (lines both sides
# wrote that a clean merge must keep).
scenario() {
  local dir="$work/$1"
  mkdir -p "$dir"
  cp "$here/base.md" "$dir/base.md"
  cp "$here/base.md" "$dir/local.md"
  cp "$here/base.md" "$dir/remote.md"
  : >"$dir/expect"
  echo "$dir"
}

d=$(scenario "1 effort (local) + owner (remote), adjacent fields")
replace "$d/local.md" "**Effort**: 13 points" "**Effort**: 21 points"
replace "$d/remote.md" "**Owner**: John Smith" "**Owner**: Sarah Lee"
printf '%s\n' "**Effort**: 21 points" "**Owner**: Sarah Lee" >"$d/expect"

d=$(scenario "2 two epics added to one objective")
replace "$d/local.md" "Lets a tenant admin sign up alone.
" "Lets a tenant admin sign up alone.

$(epic 300 'Audit log')
"
replace "$d/remote.md" "Lets a tenant admin sign up alone.
" "Lets a tenant admin sign up alone.

$(epic 301 'SSO')
"
printf '%s\n' "### Epic: Audit log" "### Epic: SSO" >"$d/expect"

d=$(scenario "3 both change one effort (true conflict)")
replace "$d/local.md" "**Effort**: 13 points" "**Effort**: 21 points"
replace "$d/remote.md" "**Effort**: 13 points" "**Effort**: 20 points"

d=$(scenario "4 adjacent description lines edited")
replace "$d/local.md" "Cut onboarding from days to hours." "Cut onboarding from days to minutes."
replace "$d/remote.md" "Measured from first login to first deploy." "Measured from sign-up to first deploy."
printf '%s\n' "Cut onboarding from days to minutes." "Measured from sign-up to first deploy." >"$d/expect"

d=$(scenario "5 acceptance criteria added on both sides")
replace "$d/local.md" "- [ ] signup takes < 2 minutes" "- [ ] signup takes < 2 minutes
- [ ] audited in events"
replace "$d/remote.md" "- [ ] signup takes < 2 minutes" "- [ ] signup takes < 2 minutes
- [ ] works with SSO"
printf '%s\n' "- [ ] audited in events" "- [ ] works with SSO" >"$d/expect"

d=$(scenario "6 epic deleted locally, edited remotely")
python3 - "$d/local.md" <<'PY'
import sys, re
p = sys.argv[1]
t = open(p).read()
t = re.sub(r"\n### Epic: Self-service signup\n.*?(?=\n## Objective)", "", t, flags=re.S)
open(p, "w").write(t)
PY
replace "$d/remote.md" "**Status**: Pending

**Effort**: 13 points

**Owner**: John Smith

**Acceptance" "**Status**: Implementing

**Effort**: 13 points

**Owner**: John Smith

**Acceptance"

d=$(scenario "7 status (local) + owner (remote), one line apart")
replace "$d/local.md" "**Status**: Pending" "**Status**: Accepted"
replace "$d/remote.md" "**Owner**: John Smith" "**Owner**: Sarah Lee"
printf '%s\n' "**Status**: Accepted" "**Owner**: Sarah Lee" >"$d/expect"

d=$(scenario "8 objective added by each side at the end")
printf '\n## Objective: Local one\n\n**ID**: new:l1\n\n**Committed**: no\n' >>"$d/local.md"
printf '\n## Objective: Remote one\n\n**ID**: tp:900\n\n**Committed**: no\n' >>"$d/remote.md"
printf '%s\n' "## Objective: Local one" "## Objective: Remote one" >"$d/expect"

# verdict EXIT OUT EXPECT: clean / conflict / clean, EDITS LOST
verdict() {
  local code="$1" out="$2" expect="$3"
  if [ "$code" -ne 0 ] || grep -q '^<<<<<<<' "$out"; then
    echo "conflict"
    return
  fi
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    grep -qxF -- "$line" "$out" || { echo "clean, EDITS LOST"; return; }
  done <"$expect"
  echo "clean"
}

echo "| scenario | git merge-file | mergiraf | tpcli plan merge-file |"
echo "|---|---|---|---|"
for d in "$work"/*/; do
  d="${d%/}"
  name="$(basename "$d")"
  cp "$d/local.md" "$d/git.md"
  set +e
  git merge-file --diff3 "$d/git.md" "$d/base.md" "$d/remote.md" >/dev/null 2>&1
  g=$?
  if [ -n "$mergiraf" ]; then
    "$mergiraf" merge "$d/base.md" "$d/local.md" "$d/remote.md" -o "$d/mergiraf.md" \
      -p plan.md >/dev/null 2>&1
    m=$?
  fi
  "$tpcli" plan merge-file "$d/base.md" "$d/local.md" "$d/remote.md" -o "$d/tpcli.md" >/dev/null 2>&1
  t=$?
  set -e
  gv="$(verdict "$g" "$d/git.md" "$d/expect")"
  if [ -n "$mergiraf" ]; then
    mv="$(verdict "$m" "$d/mergiraf.md" "$d/expect")"
  else
    mv="not installed"
  fi
  if [ "$t" -eq 2 ]; then
    tv="error (input not read)"
  else
    tv="$(verdict "$t" "$d/tpcli.md" "$d/expect")"
  fi
  echo "| ${name#* } | $gv | $mv | $tv |"
done
[ -n "$mergiraf" ] && echo && echo "mergiraf: $("$mergiraf" --version)"
echo "git: $(git --version)"
