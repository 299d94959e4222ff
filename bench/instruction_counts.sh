#!/usr/bin/env bash
# Instructions per lock+unlock pair, counted exactly by Valgrind's cachegrind (the same on any
# x86-64 CPU, whatever else the machine does): bench/lock_loop.cc run for 100,000 and for
# 200,000 iterations, the difference divided by 100,000 (start-up cancels), for std::mutex and
# for a linked lockorder::mutex, with 0 and with 3 other locks held around the loop.
# Budget (docs/PERFORMANCE.md): lockorder at most +40 instructions over std::mutex with nothing
# held, +60 with 3 held. Exits 1 when a row is over its budget.
# Usage: bench/instruction_counts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
loop=build/bin/lock_loop
[ -x "$loop" ] || { echo "build first: scripts/test.sh" >&2; exit 2; }
source bench/lib/debian_source.sh
install_missing valgrind
count() {  # iterations depth kind
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$loop" "$@" 2>&1 |
    awk '/I *refs/ { gsub(",", "", $NF); print $NF }'
}
per_pair() {  # depth kind
  echo $(( ($(count 200000 "$1" "$2") - $(count 100000 "$1" "$2")) / 100000 ))
}
status=0
printf '%-28s %8s %8s %8s\n' "lock+unlock pair" "instr" "extra" "budget"
for depth in 0 3; do
  budget=$([ "$depth" = 0 ] && echo 40 || echo 60)
  base=$(per_pair "$depth" std)
  mine=$(per_pair "$depth" lockorder)
  printf '%-28s %8d\n' "std::mutex, $depth held" "$base"
  verdict=met
  [ $((mine - base)) -le "$budget" ] || { verdict="NOT MET"; status=1; }
  printf '%-28s %8d %+8d %+8d  %s\n' "lockorder::mutex, $depth held" "$mine" $((mine - base)) \
    "$budget" "$verdict"
done
exit $status
