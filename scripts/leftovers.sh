#!/usr/bin/env bash
# Says whether anything `make test` started is still running: every process it starts carries
# TOUCHPOINT_RUN=<this run> in its environment (make exports it), so whatever still does, other
# than make and this script, outlived the run. Prints one line either way; never fails the run.
set -uo pipefail
run=${TOUCHPOINT_RUN:?leftovers: TOUCHPOINT_RUN is not set}

# This script and the processes it runs under (make, the shell) carry the mark too.
ours=" $$ "
pid=$$
while [ "$pid" -gt 1 ]; do
  pid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null) || break
  ours+="$pid "
done

left=()
for env in /proc/[0-9]*/environ; do
  p=${env#/proc/}
  p=${p%/environ}
  [[ $ours == *" $p "* ]] && continue
  # Children of this script (the loop's own subshells) are not leftovers either.
  [ "$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null)" = "$$" ] && continue
  state=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) || continue
  [ "$state" = Z ] && continue
  if { tr '\0' '\n' <"$env"; } 2>/dev/null | grep -qx "TOUCHPOINT_RUN=$run"; then
    left+=("$p $({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | cut -c1-100)")
  fi
done

if [ ${#left[@]} -eq 0 ]; then
  echo "leftovers: nothing this run started is still running"
else
  echo "leftovers: ${#left[@]} process(es) this run started are still running:"
  printf '  %s\n' "${left[@]}"
fi
