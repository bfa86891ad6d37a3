#!/usr/bin/env bash
# The head office's console in a real browser: builds the console and the server, starts the
# server on a free loopback port over a fresh database of the PostgreSQL that DATABASE_URL
# points at (run it through scripts/with-postgres.sh), creates the first administrator with
# the CLI, and runs ui/console/e2e/console.e2e.mjs (playwright-core driving Debian's Chromium,
# a headless desk of the real core enrolled from the console, axe on every page).
#
#   scripts/with-postgres.sh scripts/console-e2e.sh                 # what `make test` runs
#   SHOTS=/tmp/shots scripts/with-postgres.sh scripts/console-e2e.sh  # and a screenshot a page
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?run this through scripts/with-postgres.sh}"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/touchpoint/target}
SERVER=$CARGO_TARGET_DIR/debug/touchpoint-server
DESK=$CARGO_TARGET_DIR/debug/headless-desk

npm --prefix ui run --silent build:console >/dev/null
# Two builds: the headless desk's crate turns on the server's test hooks, which the server
# binary must not get (one build would unify the features).
cargo build -q -p touchpoint-server
cargo build -q -p touchpoint-sync-tests --bin headless-desk

name="tp_console_$(date +%s)_$$"
psql "$DATABASE_URL" -qc "CREATE DATABASE $name"
base=${DATABASE_URL%%\?*}
query=${DATABASE_URL#"$base"}
db_url="${base%/*}/$name$query"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp -t touchpoint-console.XXXXXX)
"$SERVER" --database-url "$db_url" serve --listen "127.0.0.1:$port" --token-secret console-e2e \
  --console-dir ui/dist-console --webhooks-allow-http >"$log" 2>&1 &
server=$!
stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true
  rm -f "$log"
}
trap stop EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

password="console-e2e-$$-$(date +%s)"
TOUCHPOINT_CONSOLE_PASSWORD=$password "$SERVER" --database-url "$db_url" admin create-console-user \
  --new-org "Acme Stores" --name "Helena Reis" --login helena@acme.example >/dev/null

[ -z "${SHOTS:-}" ] || mkdir -p "$SHOTS"
status=0
CONSOLE_URL="http://127.0.0.1:$port" ADMIN_LOGIN=helena@acme.example ADMIN_PASSWORD=$password HEADLESS_DESK=$DESK \
  node ui/console/e2e/console.e2e.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "console-e2e: the server's log:" >&2
  tail -40 "$log" >&2
fi
exit "$status"
