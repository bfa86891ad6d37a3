#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at a throw-away PostgreSQL cluster (unix socket in a
# temp dir, nothing to clash with), stopped and removed however the command ends.
# Usage: scripts/with-postgres.sh CMD [ARGS...]
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres: PostgreSQL is not installed (scripts/setup.sh installs it)" >&2
  exit 1
fi

D=$(mktemp -d -t touchpoint-pg.XXXXXX)
AS=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb and postgres refuse to run as root.
  chown postgres: "$D"
  AS=(runuser -u postgres --)
fi
stop() {
  (cd / && "${AS[@]}" "$PGBIN/pg_ctl" -D "$D/data" -m immediate stop >/dev/null 2>&1) || true
  rm -rf "$D"
}
trap stop EXIT

(cd / && "${AS[@]}" "$PGBIN/initdb" -D "$D/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$D/initdb.log" 2>&1) \
  || { cat "$D/initdb.log" >&2; exit 1; }
# Many tests run at once, each with its own database and server pool.
(cd / && "${AS[@]}" "$PGBIN/pg_ctl" -D "$D/data" -l "$D/server.log" -w \
  -o "-c listen_addresses= -k $D -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=400" start >/dev/null) \
  || { cat "$D/server.log" >&2; exit 1; }

export DATABASE_URL="postgres://postgres@localhost/postgres?host=$D"
"$@"
