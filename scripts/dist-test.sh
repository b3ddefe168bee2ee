#!/usr/bin/env bash
# The release artefact of `make dist`, on its own: copied into an empty
# directory (no checkout, no site, no Leptos.toml, no LEPTOS_* or
# CALLSCOPE_* variables), it starts on a private cluster, serves the
# dashboard with its bundle, and its first admin signs in; the systemd
# unit verifies against it. Prints TAP-style lines.
#
#   scripts/dist-test.sh dist/callscope-<version>-<arch>-linux
set -uo pipefail
dist=$(realpath "${1:?usage: dist-test.sh DIST_BINARY}")
repo=$(cd "$(dirname "$0")/.." && pwd)

work=$(mktemp -d /tmp/callscope-dist.XXXXXX)
# When run as root the cluster runs as `postgres`, which must pass through.
chmod 0711 "$work"
n=0 failures=0
check() { # check "description" command...
  n=$((n + 1))
  if "${@:2}"; then echo "ok $n - $1"; else echo "not ok $n - $1"; failures=$((failures + 1)); fi
}
cleanup() {
  [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null
  pkill -INT -f -- "$work/data/pg" 2>/dev/null
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT

checksum_matches() { (cd "$(dirname "$dist")" && sha256sum --quiet -c "$(basename "$dist").sha256"); }
start() {
  cp "$dist" "$work/callscope" && cd "$work" || return 1
  env -i PATH=/usr/bin:/bin HOME="$work" ./callscope --data-dir "$work/data" --addr 127.0.0.1:0 serve \
    >"$work/serve.log" 2>"$work/serve.err" &
  pid=$!
  for _ in $(seq 1 600); do
    addr=$(grep -oE 'listening on http://[0-9.:]+' "$work/serve.log" | head -n1 | sed 's#.*http://##')
    [ -n "$addr" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "# the server did not start:"; sed 's/^/#   /' "$work/serve.err" | tail -n 20
  return 1
}
signs_in() {
  local password status
  password=$(sed -n 's/^ *password: *//p' "$work/serve.log")
  status=$(curl -sS -o /dev/null -w '%{http_code}' -c "$work/cookies" -H "Origin: http://$addr" \
    --data-urlencode email=admin@localhost --data-urlencode "password=$password" "http://$addr/login")
  [ "$status" = 303 ] && curl -fsS -b "$work/cookies" -H 'Accept: text/html' "http://$addr/search" >"$work/search.html" &&
    grep -q 'name="conferenceID"' "$work/search.html"
}
serves_its_bundle() {
  local wasm
  wasm=$(grep -oE '/pkg/callscope_bg\.[0-9a-f]+\.wasm' "$work/search.html" | head -n1)
  [ -n "$wasm" ] &&
    curl -fsS -o /dev/null -D "$work/wasm.headers" -H 'Accept-Encoding: br' "http://$addr$wasm" &&
    grep -qi '^content-encoding: br' "$work/wasm.headers" &&
    grep -qi '^cache-control: public, max-age=31536000, immutable' "$work/wasm.headers" &&
    curl -fsS -o "$work/callstats.js" "http://$addr/callstats.js" && grep -q 'fabricTerminated' "$work/callstats.js"
}
stops() { kill -TERM "$pid" && wait "$pid"; local status=$?; pid=""; return $status; }
no_postgres_left() { ! pgrep -f -- "$work/data/pg" >/dev/null; }

check "the artefact matches its checksum" checksum_matches
check "the artefact starts alone in an empty directory" start
check "its first admin signs in and sees the search page" signs_in
check "it serves its built-in bundle, compressed and cached for a year, and the SDK" serves_its_bundle
check "SIGTERM stops it cleanly" stops
check "no postgres is left" no_postgres_left
"$repo/scripts/verify-systemd-unit.sh" "$work/callscope" || failures=$((failures + 1))

echo "1..$n"
[ "$failures" -eq 0 ]
