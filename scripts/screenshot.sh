#!/usr/bin/env bash
# Starts the built app under Xvfb at 1280x800 with the given data dir and writes a PNG.
#   scripts/screenshot.sh DATA_DIR OUT.png [SECONDS_TO_WAIT] [APP ARGS…]
set -euo pipefail
data_dir=${1:?usage: screenshot.sh DATA_DIR OUT.png [WAIT]}
out=${2:?usage: screenshot.sh DATA_DIR OUT.png [WAIT]}
wait_s=${3:-4}
shift 3 2>/dev/null || shift $#
extra=("$@")
app=${TOUCHPOINT_APP:-${CARGO_TARGET_DIR:-target}/debug/touchpoint}
[ -x "$app" ] || { echo "screenshot: no app binary at $app (run make app)" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  app=$1 data=$2 out=$3 wait_s=$4; shift 4
  "$app" --data-dir "$data" "$@" &
  pid=$!
  # The window is up at once; with --demo it shows the demo store filling in, then the desk.
  sleep "$wait_s"
  import -window root "$out"
  kill $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
' _ "$app" "$data_dir" "$out" "$wait_s" "${extra[@]}"
echo "screenshot: wrote $out"
