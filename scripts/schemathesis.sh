#!/usr/bin/env bash
# Checks the served OpenAPI document against the live server's behaviour with schemathesis:
# a real touchpoint-server on a free loopback port over a fresh database of the PostgreSQL that
# DATABASE_URL points at (run it through scripts/with-postgres.sh), an enrolled device's access
# token, every check schemathesis has. It fails on any server error or schema violation.
#
#   scripts/with-postgres.sh scripts/schemathesis.sh            # what `make test` runs
#   EXAMPLES=500 scripts/with-postgres.sh scripts/schemathesis.sh   # a longer run
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?run this through scripts/with-postgres.sh}"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/touchpoint/target}
ST=${ST:-$HOME/.cache/touchpoint/schemathesis/bin/st}
EXAMPLES=${EXAMPLES:-40}
SEED=${SEED:-20261203}
SERVER=$CARGO_TARGET_DIR/debug/touchpoint-server

[ -x "$ST" ] || { echo "schemathesis: not installed at $ST (scripts/setup.sh installs it)" >&2; exit 1; }
cargo build -q -p touchpoint-server

name="tp_st_$(date +%s)_$$"
psql "$DATABASE_URL" -qc "CREATE DATABASE $name"
base=${DATABASE_URL%%\?*}
query=${DATABASE_URL#"$base"}
db_url="${base%/*}/$name$query"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp -t touchpoint-st.XXXXXX)
# Limits high enough for a fuzzer's thousands of calls; they have tests of their own.
"$SERVER" --database-url "$db_url" serve --listen "127.0.0.1:$port" --token-secret schemathesis \
  --enroll-per-minute 100000 --token-per-minute 100000 --lookups-per-minute 100000 \
  --sign-in-per-minute 100000 >"$log" 2>&1 &
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

# The protocol this build speaks, read from the source so the script never lags behind it.
protocol=$(sed -n 's/^pub const PROTOCOL_VERSION: u32 = \([0-9]*\);/\1/p' crates/protocol/src/lib.rs)
demo=$("$SERVER" --database-url "$db_url" admin demo)
code=$(awk '/^enrollment code/ {print $3}' <<<"$demo")
org=$(awk '/^organisation/ {print $2}' <<<"$demo")
device=$(python3 -c 'import uuid; print(uuid.uuid4())')
token=$(curl -sf "http://127.0.0.1:$port/v1/enroll" -H "x-touchpoint-protocol: $protocol" -H 'content-type: application/json' \
  -d "{\"code\": \"$code\", \"device_id\": \"$device\", \"device_name\": \"schemathesis\"}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

# The console's calls are checked signed in as an administrator (cookie and CSRF header). Signing
# out is left out of the run: it would end the session every call after it relies on.
password="schemathesis-console-$$"
TOUCHPOINT_CONSOLE_PASSWORD=$password "$SERVER" --database-url "$db_url" admin create-console-user \
  --org "$org" --login schemathesis-admin --name "Schemathesis Admin" --role admin >/dev/null
jar=$(mktemp -t touchpoint-st-jar.XXXXXX)
csrf=$(curl -sf -c "$jar" "http://127.0.0.1:$port/v1/org/session" -H 'content-type: application/json' \
  -d "{\"login\": \"schemathesis-admin\", \"password\": \"$password\"}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')
cookie=$(awk '$6 == "touchpoint_console" {print $7}' "$jar")
rm -f "$jar"
[ -n "$cookie" ] && [ -n "$csrf" ] || { echo "schemathesis: could not sign in to the console" >&2; exit 1; }

status=0
"$ST" run "http://127.0.0.1:$port/openapi.json" \
  -H "Authorization: Bearer $token" -H "x-touchpoint-protocol: $protocol" \
  -H "Cookie: touchpoint_console=$cookie" -H "x-csrf-token: $csrf" \
  --exclude-by 'method == "DELETE" && path == "/v1/org/session"' \
  --checks all --max-examples "$EXAMPLES" --seed "$SEED" --workers 1 --no-color || status=$?
if [ "$status" -ne 0 ]; then
  echo "schemathesis: the server's log:" >&2
  tail -40 "$log" >&2
fi
exit "$status"
