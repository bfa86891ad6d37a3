#!/usr/bin/env bash
# Runs a local Touchpoint sync server for trying the app with sync: starts PostgreSQL (installed
# if missing) on a loopback port with a data folder that persists, builds and starts
# touchpoint-server, creates a demo organisation and store on first run, and prints an
# enrollment code to connect a desk with. Ctrl+C stops the server and PostgreSQL.
#
#   make server                     # http://127.0.0.1:8787
#   LISTEN=0.0.0.0:8787 make server # reachable from other machines on the network
set -euo pipefail
cd "$(dirname "$0")/.."

LISTEN=${LISTEN:-127.0.0.1:8787}
PGPORT=${PGPORT:-54329}
if [ "$(id -u)" -eq 0 ]; then
  # postgres cannot enter root's home, so its files live outside it.
  DIR=${TOUCHPOINT_SERVER_DIR:-/var/lib/touchpoint-server}
else
  DIR=${TOUCHPOINT_SERVER_DIR:-$HOME/.local/share/touchpoint-server}
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/touchpoint/target}

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "server: installing PostgreSQL"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

AS=()
mkdir -p "$DIR"
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$DIR"
  AS=(runuser -u postgres --)
fi
pg() { (cd / && "${AS[@]}" "$@"); }

if [ ! -f "$DIR/pg/PG_VERSION" ]; then
  echo "server: creating a PostgreSQL cluster in $DIR/pg"
  pg "$PGBIN/initdb" -D "$DIR/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! pg "$PGBIN/pg_ctl" -D "$DIR/pg" status >/dev/null 2>&1; then
  pg "$PGBIN/pg_ctl" -D "$DIR/pg" -l "$DIR/postgres.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $DIR" start >/dev/null
fi
stop_pg() { pg "$PGBIN/pg_ctl" -D "$DIR/pg" -m fast stop >/dev/null 2>&1 || true; }
trap stop_pg EXIT

PSQL=(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qtA)
if [ "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'touchpoint'")" != "1" ]; then
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE touchpoint" >/dev/null
fi
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/touchpoint"

echo "server: building touchpoint-server"
cargo build -q -p touchpoint-server
SERVER="$CARGO_TARGET_DIR/debug/touchpoint-server"

# Access tokens are signed with a secret that must survive restarts.
SECRET_FILE="$DIR/token-secret"
if [ ! -s "$SECRET_FILE" ]; then
  head -c 32 /dev/urandom | base64 > "$SECRET_FILE"
  chmod 600 "$SECRET_FILE"
fi
export TOUCHPOINT_TOKEN_SECRET
TOUCHPOINT_TOKEN_SECRET=$(cat "$SECRET_FILE")

DEMO_FILE="$DIR/demo.txt"
if [ ! -s "$DEMO_FILE" ]; then
  "$SERVER" admin demo > "$DEMO_FILE.tmp"
  mv "$DEMO_FILE.tmp" "$DEMO_FILE"
  code=$(awk '/^enrollment code/ {print $3}' "$DEMO_FILE")
  office=$(awk '/^supervisor code/ {print $3}' "$DEMO_FILE")
else
  org=$(awk '/^organisation/ {print $2}' "$DEMO_FILE")
  store=$(awk '/^store/ {print $2}' "$DEMO_FILE")
  code=$("$SERVER" admin enrollment-code --org "$org" --store "$store")
  office=$("$SERVER" admin enrollment-code --org "$org" --store "$store" --for supervisor)
fi

cat <<MSG

  Touchpoint sync server for the demo organisation "Demo Retail", store "High Street".
  In the app: click the sync status (top right) → Connect to a server, then enter
    Server address   http://$LISTEN
    Enrollment code  $code        (a till, valid 24 h; run \`make server\` again for another)
    Supervisor code  $office        (a supervisor's desk: reviews, deletions and erasures)
  Staff after connecting: Maria Lopes (frontline, PIN 1357), Priya Shah (supervisor, PIN 135246).
  More codes: $SERVER admin enrollment-code --org $(awk '/^organisation/ {print $2}' "$DEMO_FILE") --store $(awk '/^store/ {print $2}' "$DEMO_FILE")

MSG
"$SERVER" serve --listen "$LISTEN"
