#!/usr/bin/env bash
# Runs the fuzz targets in tests/fuzz (libFuzzer through cargo-fuzz): the op decoder and
# validator, and the CSV importer. `make test` runs each a fixed, small number of times; `make
# fuzz` for minutes each. New inputs go to a scratch folder (the seeds in the checkout stay as
# they are); a crash leaves its input in tests/fuzz/artifacts/.
#
#   scripts/fuzz.sh runs 20000      # each target 20000 inputs (csv_import a tenth of that)
#   scripts/fuzz.sh seconds 300     # each target for 5 minutes
set -euo pipefail
cd "$(dirname "$0")/../tests/fuzz"

mode=${1:-runs}
amount=${2:-20000}
# cargo-fuzz passes sanitizer flags (-Z…) that stable rustc takes only from its own bootstrap:
# this machine has one stable toolchain and no nightly to fetch.
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$HOME/.cache/touchpoint/fuzz-target}
command -v cargo-fuzz >/dev/null || { echo "fuzz: cargo-fuzz is not installed (scripts/setup.sh installs it)" >&2; exit 1; }

for target in op_decoder csv_import; do
  scratch=$(mktemp -d -t "touchpoint-fuzz-$target.XXXXXX")
  case "$mode" in
    runs)
      n=$amount
      # Each import input writes to a real SQLite file: it runs a tenth as many.
      [ "$target" = csv_import ] && n=$((amount / 10))
      limit=(-runs="$n")
      ;;
    seconds) limit=(-max_total_time="$amount") ;;
    *) echo "fuzz: runs N | seconds N" >&2; exit 2 ;;
  esac
  echo "fuzz: $target (${limit[*]})"
  log="$scratch.log"
  status=0
  cargo fuzz run --fuzz-dir . "$target" "$scratch" "seeds/$target" -- "${limit[@]}" -seed=20261203 \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "^(Done|stat::number_of_executed_units)" "$log" || true
  rm -rf "$scratch"
  if [ "$status" -ne 0 ]; then
    tail -60 "$log" >&2
    rm -f "$log"
    echo "fuzz: $target failed (a crashing input is kept in tests/fuzz/artifacts/$target)" >&2
    exit "$status"
  fi
  rm -f "$log"
done
