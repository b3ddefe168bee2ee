#!/usr/bin/env bash
# `make test`: every check in order, each step's output shown and kept in
# $CARGO_TARGET_DIR/test-logs/, then a summary. Exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

logs="${CARGO_TARGET_DIR:-target}/test-logs"
mkdir -p "$logs"
names=() results=() times=()

step() {
  local name=$1; shift
  printf '\n\033[1m━━ %s\033[0m  (%s)\n' "$name" "$*"
  local start=$SECONDS
  "$@" 2>&1 | tee "$logs/$name.log"
  local status=${PIPESTATUS[0]}
  names+=("$name") times+=($((SECONDS - start)))
  if [ "$status" -eq 0 ]; then results+=(ok); else results+=(FAILED); fi
}

step tools      scripts/ensure-tools.sh test
step fmt        cargo fmt --check
step clippy     make --no-print-directory clippy
step sdk-unit   make --no-print-directory sdk-unit
step build      make --no-print-directory build
step unit       make --no-print-directory unit
step lifecycle  make --no-print-directory lifecycle
step e2e        make --no-print-directory e2e

# Test counts from the runners' own summaries.
strip() { sed 's/\x1b\[[0-9;]*m//g' "$1" 2>/dev/null; }
rust_passed=$(strip "$logs/unit.log" | grep -oE '[0-9]+ tests? run: [0-9]+ passed' | tail -n1 | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
rust_failed=$(strip "$logs/unit.log" | grep -oE '[0-9]+ failed' | tail -n1 | grep -oE '[0-9]+')
e2e_passed=$(strip "$logs/e2e.log" | grep -oE '^ *[0-9]+ passed' | tail -n1 | grep -oE '[0-9]+')
e2e_failed=$(strip "$logs/e2e.log" | grep -oE '^ *[0-9]+ failed' | tail -n1 | grep -oE '[0-9]+')
# The SDK's tests run twice (source and minified build): their counts add up.
sdk_passed=$(strip "$logs/sdk-unit.log" | grep -oE '^# pass [0-9]+' | grep -oE '[0-9]+' | awk '{ n += $1 } END { print n + 0 }')
sdk_failed=$(strip "$logs/sdk-unit.log" | grep -oE '^# fail [0-9]+' | grep -oE '[0-9]+' | awk '{ n += $1 } END { print n + 0 }')
life_passed=$(strip "$logs/lifecycle.log" | grep -c '^ok ')
life_failed=$(strip "$logs/lifecycle.log" | grep -c '^not ok ')

printf '\n\033[1m━━ summary\033[0m\n'
failed_steps=0
for i in "${!names[@]}"; do
  printf '  %-10s %-7s %4ss\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
  [ "${results[$i]}" = ok ] || failed_steps=$((failed_steps + 1))
done
printf '  rust tests: %s passed, %s failed; SDK unit tests: %s passed, %s failed; lifecycle checks: %s passed, %s failed; browser tests: %s passed, %s failed\n' \
  "${rust_passed:-0}" "${rust_failed:-0}" "${sdk_passed:-0}" "${sdk_failed:-0}" "$life_passed" "$life_failed" "${e2e_passed:-0}" "${e2e_failed:-0}"
passed=$(( ${rust_passed:-0} + ${sdk_passed:-0} + life_passed + ${e2e_passed:-0} ))
failed=$(( ${rust_failed:-0} + ${sdk_failed:-0} + life_failed + ${e2e_failed:-0} ))
if [ "$failed_steps" -gt 0 ] && [ "$failed" -eq 0 ]; then failed=$failed_steps; fi
echo "make test: $passed passed, $failed failed"
[ "$failed_steps" -eq 0 ]
