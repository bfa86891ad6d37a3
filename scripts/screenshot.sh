#!/usr/bin/env bash
# Starts the built app under Xvfb at 1280x800 with the given data dir and writes a PNG.
#   scripts/screenshot.sh DATA_DIR OUT.png [SECONDS_TO_WAIT]
set -euo pipefail
data_dir=${1:?usage: screenshot.sh DATA_DIR OUT.png [WAIT]}
out=${2:?usage: screenshot.sh DATA_DIR OUT.png [WAIT]}
wait_s=${3:-4}
app=${TOUCHPOINT_APP:-${CARGO_TARGET_DIR:-target}/debug/touchpoint}
[ -x "$app" ] || { echo "screenshot: no app binary at $app (run make app)" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "$0" --data-dir "$1" &
  pid=$!
  sleep "$3"
  import -window root "$2"
  kill $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
' "$app" "$data_dir" "$out" "$wait_s"
echo "screenshot: wrote $out"
