#!/usr/bin/env bash
# Starts and stops the real binary on a private cluster, as `make run` does,
# and checks what a user relies on: the first admin is printed once, the CLI
# works beside a running server and without one, Ctrl-C/SIGTERM leave no
# postgres behind, and data survives a restart. Prints TAP-style lines.
set -uo pipefail
bin=$(realpath "${1:?usage: lifecycle-test.sh BIN}")
cd "$(dirname "$0")/.."

work=$(mktemp -d /tmp/callscope-life.XXXXXX)
# When run as root the cluster runs as `postgres`, which must pass through.
chmod 0711 "$work"
data="$work/data"
n=0 failures=0
# The webhook receivers below listen on loopback, which webhooks may not
# reach unless the operator allows it; the server and the CLI both read this.
export CALLSCOPE_WEBHOOK_ALLOW_NETWORKS=127.0.0.0/8,::1/128
check() { # check "description" command...
  n=$((n + 1))
  if "${@:2}"; then echo "ok $n - $1"; else echo "not ok $n - $1"; failures=$((failures + 1)); fi
}
no_postgres_left() { ! pgrep -f -- "$data/pg" >/dev/null; }
cleanup() {
  [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null
  pkill -INT -f -- "$data/pg" 2>/dev/null
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT

start() { # start LOG: runs the server on a free port, sets $pid and $addr
  # Logging everything, so the secrets check below reads all the server says.
  RUST_LOG=debug "$bin" --data-dir "$data" --addr 127.0.0.1:0 serve >"$1" 2>"$1.err" &
  pid=$!
  addr=""
  for _ in $(seq 1 600); do
    addr=$(grep -oE 'listening on http://[0-9.:]+' "$1" | head -n1 | sed 's#.*http://##')
    [ -n "$addr" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "# server did not start:"; sed 's/^/#   /' "$1.err" | tail -n 20
  return 1
}
stop() { # stop SIGNAL: signals the server and waits; true if it exited 0
  kill -"$1" "$pid" && wait "$pid"
  local status=$?
  pid=""
  return $status
}
healthy() { curl -fsS "http://$addr/readyz" | grep -q '"status":"ready"'; }
# SIGTERM with the default drain delay (5 s): /readyz answers 503 at once
# while /healthz still answers (the listener is open), then a clean exit.
drains_on_sigterm() {
  local code=""
  kill -TERM "$pid" || return 1
  for _ in $(seq 1 20); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://$addr/readyz")
    [ "$code" = 503 ] && break
    sleep 0.1
  done
  local failed=0
  { [ "$code" = 503 ] && curl -fsS "http://$addr/healthz" >/dev/null; } || failed=1
  wait "$pid" || failed=1
  pid=""
  return $failed
}
prints_first_admin() { grep -q 'password: ' "$work/first.log"; }
no_second_admin() { ! grep -q 'password: ' "$work/second.log"; }
create_user() { echo 'lifecycle-password' | "$bin" --data-dir "$data" user create --email life@example.com --role support --json | grep -q '"email":"life@example.com"'; }
# The binary given DATABASE_URL (here: the private cluster's, from `db exec`)
# uses that server and starts no cluster in its own data directory.
uses_database_url() {
  "$bin" --data-dir "$data" db exec -- "$bin" --data-dir "$work/other" user list --json |
    grep -q '"email":"life@example.com"' && [ ! -e "$work/other/pg" ]
}
# A --json CLI command, logging everything to $work/cli.err.
cli() { RUST_LOG=debug "$bin" --data-dir "$data" --json "$@" 2>>"$work/cli.err"; }
# Prints the "secret" of a JSON answer on stdin and keeps it in $work/secrets.
keep_secret() { sed -n 's/.*"secret":"\([^"]*\)".*/\1/p' | tee -a "$work/secrets"; }
# No secret the CLI printed appears in what the server or the CLI logged,
# even at debug level; the secrets were used meanwhile (/authenticate).
secrets_never_logged() {
  [ "$(wc -l <"$work/secrets")" -ge 3 ] && ! grep -qF -f "$work/secrets" "$work"/*.err "$work/cli.err"
}
# docs/collector.md, run as written (scripts/collector-example.sh) against
# an app made by the CLI beside the running server.
collector_walkthrough() {
  local app app_id secret out
  app=$(cli app create --name Walkthrough) || return 1
  app_id=$(sed -n 's/.*"appID":"\([0-9]*\)".*/\1/p' <<<"$app")
  secret=$(keep_secret <<<"$app")
  out=$(scripts/collector-example.sh "http://$addr" "$app_id" "$secret") || { echo "# $out"; return 1; }
  [ "$(grep -c '"status":"success"' <<<"$out")" -eq 3 ]
}
# Every `app` subcommand, as an operator runs them, on one app.
app_commands() {
  local app app_id
  app=$(cli app create --name Commands) || return 1
  keep_secret <<<"$app" >/dev/null
  app_id=$(sed -n 's/.*"appID":"\([0-9]*\)".*/\1/p' <<<"$app")
  cs() { cli app "$@"; }
  cs origin add --app "$app_id" 'https://Meet.Example.com:443/' | grep -q '"origin":"https://meet.example.com"' &&
    cs origin list --app "$app_id" | grep -q '"origin":"https://meet.example.com"' &&
    cs origin remove --app "$app_id" https://meet.example.com | grep -q '"removed":true' &&
    cs key add --app "$app_id" --key-id k1 --pem tests/fixtures/es256-public.pem | grep -q '"fingerprint":"[0-9a-f]\{64\}"' &&
    ! cs key add --app "$app_id" --key-id k2 --pem tests/fixtures/rs256-public.pem 2>/dev/null &&
    cs key list --app "$app_id" | grep '"key_id":"k1"' | grep -q '"fingerprint":"[0-9a-f]\{64\}"' &&
    cs key revoke --app "$app_id" --key-id k1 | grep -q '"revoked":true' &&
    cs secret rotate --app "$app_id" | keep_secret | grep -q . &&
    [ "$(cs secret list --app "$app_id" | grep -o '"revoked_at":null' | wc -l)" -eq 2 ] &&
    cs secret revoke --app "$app_id" --secret-id "$(cs secret list --app "$app_id" | grep -o '"id":[0-9]*' | head -n1 | cut -d: -f2)" | grep -q '"revoked":true' &&
    [ "$(cs secret list --app "$app_id" | grep -o '"revoked_at":null' | wc -l)" -eq 1 ] &&
    cs retention --app "$app_id" --stats-days 7 --detail-days 14 |
      grep -q '"applied":{"detailDays":14,"statsDays":7,"webhookDays":30}' &&
    ! cs retention --app "$app_id" --stats-days 20 2>/dev/null &&
    cs retention --app "$app_id" --stats-days default --detail-days default |
      grep -q '"set":{"detailDays":null,"statsDays":null,"webhookDays":null}' &&
    cs rename --app "$app_id" --name 'Commands 2' | grep -q '"name":"Commands 2"' &&
    cs disable --app "$app_id" | grep -q '"disabled":true' &&
    cs enable --app "$app_id" | grep -q '"disabled":false' &&
    cs list | grep -q "\"appID\":\"$app_id\"" &&
    [ "$(audit_count "$app_id")" -eq 12 ]
}
# A free loopback port, and the first webhook of an app.
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
hook_of() { cli app webhook list --app "$1" | grep -o '"id":[0-9]*' | head -n1 | cut -d: -f2; }
# A webhook made and managed with the CLI: a failed conference played
# through the collector is delivered by the running server to the receiver
# of docs/webhooks.md (scripts/webhook-receiver.mjs), which checks its signature.
webhook_commands() {
  local app app_id secret port hook hook_id receiver delivery
  app=$(cli app create --name Hooked) || return 1
  app_id=$(sed -n 's/.*"appID":"\([0-9]*\)".*/\1/p' <<<"$app")
  secret=$(keep_secret <<<"$app")
  port=$(free_port)
  hook=$(cli app webhook add --app "$app_id" --url "http://127.0.0.1:$port/callscope-webhook?token=t0k" \
    --reason failedConferences --trigger individual) || return 1
  hook_id=$(sed -n 's/.*"webhookID":\([0-9]*\).*/\1/p' <<<"$hook")
  CALLSCOPE_WEBHOOK_SECRET=$(keep_secret <<<"$hook") PORT=$port node scripts/webhook-receiver.mjs >"$work/hooks.out" 2>"$work/hooks.err" &
  receiver=$!
  FABRIC_EVENT=fabricSetupFailed scripts/collector-example.sh "http://$addr" "$app_id" "$secret" >/dev/null
  for _ in $(seq 1 150); do grep -q '"reason":"failedConferences"' "$work/hooks.out" && break; sleep 0.2; done
  kill "$receiver"
  grep -q '"triggerType":"individual"' "$work/hooks.out" &&
    cli app webhook deliveries --app "$app_id" --id "$hook_id" | grep -q '"status":"delivered"' &&
    delivery=$(cli app webhook deliveries --app "$app_id" --id "$hook_id" | grep -o '"id":[0-9]*' | head -n1 | cut -d: -f2) &&
    cli app webhook replay --app "$app_id" --id "$hook_id" --delivery "$delivery" | grep -q '"replayID":' &&
    cli app webhook update --app "$app_id" --id "$hook_id" --trigger interval --threshold 0.2 --period-minutes 30 \
      --disabled | grep -q '"enabled":false' &&
    cli app webhook list --app "$app_id" | grep -q '"interval_seconds":1800' &&
    cli app webhook rotate-secret --app "$app_id" --id "$hook_id" | keep_secret | grep -q '^whsec_' &&
    cli app webhook remove --app "$app_id" --id "$hook_id" | grep -q '"removed":true' &&
    [ "$("$bin" --data-dir "$data" --json audit list --app "$app_id" | grep -o '"action":"webhook[.a-z_]*"' | wc -l)" -eq 5 ]
}
# A notification to a receiver that is down stays pending across a restart
# of the server, and is delivered once the receiver is up.
webhook_pending() {
  local app app_id secret
  app=$(cli app create --name Pending) || return 1
  app_id=$(sed -n 's/.*"appID":"\([0-9]*\)".*/\1/p' <<<"$app")
  secret=$(keep_secret <<<"$app")
  free_port >"$work/down.port"
  cli app webhook add --app "$app_id" --url "http://127.0.0.1:$(cat "$work/down.port")/callscope-webhook" \
    --reason failedConferences --trigger individual | keep_secret >"$work/down.secret" || return 1
  FABRIC_EVENT=fabricSetupFailed scripts/collector-example.sh "http://$addr" "$app_id" "$secret" >/dev/null || return 1
  echo "$app_id" >"$work/down.app"
  for _ in $(seq 1 50); do # the first attempt fails: nobody listens
    cli app webhook deliveries --app "$app_id" --id "$(hook_of "$app_id")" | grep -q '"error":"could not connect' && return 0
    sleep 0.2
  done
  return 1
}
webhook_delivered_after_restart() {
  local app_id receiver delivered=""
  app_id=$(cat "$work/down.app")
  CALLSCOPE_WEBHOOK_SECRET=$(cat "$work/down.secret") PORT=$(cat "$work/down.port") \
    node scripts/webhook-receiver.mjs >"$work/down.out" 2>"$work/down.err" &
  receiver=$!
  # The retry is due 15 to 30 s after the failed attempt.
  for _ in $(seq 1 300); do grep -q '"reason":"failedConferences"' "$work/down.out" && delivered=1 && break; sleep 0.2; done
  kill "$receiver"
  [ -n "$delivered" ] && [ "$(grep -c . "$work/down.out")" -eq 1 ] &&
    cli app webhook deliveries --app "$app_id" --id "$(hook_of "$app_id")" | grep -q '"status":"delivered"'
}
# Audit records of an app, as `callscope audit list` shows them: one per
# change above (create, origin add/remove, key add/revoke, secret
# rotate/revoke, rename, disable, enable; the refused key leaves none).
audit_count() {
  "$bin" --data-dir "$data" --json audit list --app "$1" | grep -o '"actorKind":"cli"' | wc -l
}
# Every `user` subcommand beyond create and list, on the user made above.
user_commands() {
  local app_id
  app_id=$("$bin" --data-dir "$data" --json app list | grep -o '"appID":"[0-9]*"' | head -n1 | grep -o '[0-9]*')
  us() { "$bin" --data-dir "$data" --json user "$@"; }
  us role --email life@example.com --role engineer | grep -q '"role":"engineer"' &&
    us grant --email life@example.com --app "$app_id" | grep -q '"granted":true' &&
    us revoke --email life@example.com --app "$app_id" | grep -q '"granted":false' &&
    echo 'another lifecycle password' | us reset-password --email life@example.com | grep -q '"passwordReset":true' &&
    us disable --email life@example.com | grep -q '"disabled":true' &&
    us enable --email life@example.com | grep -q '"disabled":false' &&
    ! us role --email admin@localhost --role support 2>/dev/null
}
# psql ignores DATABASE_URL: `db psql` gives it the private cluster's socket.
psql_reaches_store() { "$bin" --data-dir "$data" db psql -tAc 'select current_database()' | grep -qx callscope; }
user_listed() { "$bin" --data-dir "$data" user list --json | grep -q '"email":"life@example.com"'; }

check "first start serves" start "$work/first.log"
check "the server is ready: database reachable, migrations applied" healthy
check "the first start prints an admin login" prints_first_admin
check "the CLI creates a user beside the running server" create_user
check "the collector walk-through of docs/collector.md works" collector_walkthrough
check "every app subcommand works beside the running server" app_commands
check "a webhook made with the CLI is delivered, signed, by the running server" webhook_commands
check "a notification to a receiver that is down stays pending" webhook_pending
check "every user subcommand works; the last admin stays admin" user_commands
check "no app or webhook secret is ever logged, even at debug level" secrets_never_logged
check "Ctrl-C (SIGINT) stops the server cleanly" stop INT
check "no postgres is left after Ctrl-C" no_postgres_left
check "second start serves" start "$work/second.log"
check "the second start prints no new admin" no_second_admin
check "users created before the restart are kept" user_listed
check "the pending notification is delivered after the restart, once" webhook_delivered_after_restart
check "SIGTERM fails /readyz at once, serves through the drain delay, then stops cleanly" drains_on_sigterm
check "no postgres is left after SIGTERM" no_postgres_left
check "the CLI works with the server stopped" user_listed
check "the CLI leaves no postgres behind" no_postgres_left
check "with DATABASE_URL set the binary uses that server, no cluster of its own" uses_database_url
check "db exec leaves no postgres behind" no_postgres_left
check "db psql opens the private cluster's callscope database" psql_reaches_store
check "db psql leaves no postgres behind" no_postgres_left

echo "1..$n"
[ "$failures" -eq 0 ]
