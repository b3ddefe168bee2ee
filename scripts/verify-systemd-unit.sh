#!/usr/bin/env bash
# Checks deploy/callscope.service with `systemd-analyze verify`.
#
#   scripts/verify-systemd-unit.sh [PATH-TO-callscope]
#
# verify refuses a unit whose ExecStart names no executable file, and the
# shipped unit names /usr/local/bin/callscope. So a copy of the unit is
# verified in which only that path is replaced by a real binary: argument 1,
# else `callscope` on PATH; without one the check fails (no stand-in).
#
# verify only warns about an unknown key or a value it cannot parse, and
# still exits 0, although systemd then runs the service without that
# setting. A clean unit verifies silently, so any line about the unit counts
# as a failure, as does a non-zero exit.
#
# Prints systemd's output as `# ` lines, then `ok - systemd unit verifies`
# or `not ok - systemd unit: REASON` (TAP-style, as scripts/lifecycle-test.sh).
# Without systemd-analyze it says so and exits 0.
set -uo pipefail
cd "$(dirname "$0")/.."

unit=deploy/callscope.service
name=${unit##*/}
shipped=/usr/local/bin/callscope

fail() {
  echo "not ok - systemd unit: $*"
  exit 1
}

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "skipped: systemd-analyze not installed"
  exit 0
fi
[ -f "$unit" ] || fail "$unit not found"

bin=${1:-$(command -v callscope 2>/dev/null || true)}
if [ -z "$bin" ]; then
  echo "usage: $0 PATH-TO-callscope   (no callscope on PATH)" >&2
  fail "no binary given and no callscope on PATH"
fi
[ -f "$bin" ] && [ -x "$bin" ] || fail "$bin is not an executable file"
bin=$(realpath "$bin")
# systemd reads quotes, backslashes, `%` specifiers, `$` variables and
# whitespace in ExecStart; a path with none of them is written as it is.
case $bin in
  *[[:space:]\"\'\\%\$\;]*) fail "$bin: use a path without spaces, quotes, backslashes, %, \$ or ;" ;;
esac

starts=$(grep -c "^ExecStart=" "$unit")
[ "$starts" -eq 1 ] || fail "expected one ExecStart= line in $unit, found $starts"
grep -q "^ExecStart=$shipped serve\$" "$unit" || fail "ExecStart is not \`$shipped serve\`"

work=$(mktemp -d "${TMPDIR:-/tmp}/callscope-unit.XXXXXX") || fail "cannot create a temporary directory"
trap 'rm -rf "$work"' EXIT
# Same file name, so the unit keeps its name (and its dynamic user's).
while IFS= read -r line || [ -n "$line" ]; do
  case $line in
    "ExecStart=$shipped serve") printf 'ExecStart=%s serve\n' "$bin" ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$unit" >"$work/$name"

args=()
# Judge this unit only, not the host's units it is ordered after.
if systemd-analyze --help 2>/dev/null | grep -q -- '--recursive-errors'; then
  args+=(--recursive-errors=no)
fi
output=$(systemd-analyze verify ${args[@]+"${args[@]}"} "$work/$name" 2>&1)
status=$?
if [ -n "$output" ]; then
  printf '%s\n' "$output" | sed 's/^/# /'
fi

about_unit=$(printf '%s\n' "$output" | grep -F -- "$name" | head -n 1)
[ -z "$about_unit" ] || fail "${about_unit#"$work/"}"
[ "$status" -eq 0 ] || fail "systemd-analyze verify exited with status $status"
echo "ok - systemd unit verifies"
