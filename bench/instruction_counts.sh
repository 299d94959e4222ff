#!/usr/bin/env bash
# Instructions per lock+unlock of a linked lockorder::mutex, counted exactly by Valgrind's
# cachegrind (the same on any x86-64 CPU, whatever else the machine does): bench/lock_loop.cc run
# for 100,000 and for 300,000 iterations, the difference divided by 200,000 (start-up cancels).
# Usage: bench/instruction_counts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
loop=build/bin/lock_loop
[ -x "$loop" ] || { echo "build first: scripts/test.sh" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }
count() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$loop" "$1" "$2" 2>&1 |
    awk '/I *refs/ { gsub(",", "", $NF); print $NF }'
}
for depth in 0 1; do
  small=$(count 100000 "$depth")
  large=$(count 300000 "$depth")
  echo "depth $depth: $(( (large - small) / 200000 )) instructions per iteration"
done
