#!/usr/bin/env bash
# Instructions per lock+unlock pair, counted exactly by Valgrind's cachegrind (the same on any
# x86-64 CPU, whatever else the machine does): bench/lock_loop.cc run for 100,000 and for
# 200,000 iterations, the difference divided by 100,000 (start-up cancels), for std::mutex and
# for a linked lockorder::mutex, for each pattern of bench/runtime_bench.cc: a pair with 0, 1 and
# 3 other locks held around the loop, a nest of three (per nest: three pairs), and two threads on
# private nested locks (per iteration of one thread: two pairs); and a pair with nothing held on
# a lockorder::thread (against one on a std::thread), which holds its life under every lock.
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
per_unit() {  # pattern kind: instructions per iteration (per thread for threads2)
  local threads=1
  [ "$1" = threads2 ] && threads=2
  echo $(( ($(count 200000 "$1" "$2") - $(count 100000 "$1" "$2")) / (100000 * threads) ))
}
status=0
printf '%-44s %8s %8s %8s\n' "pattern" "instr" "extra" "budget"
for pattern in 0 1 3 nest3 threads2 life; do
  case $pattern in
    0) label="lock+unlock, nothing held"; budget=40 ;;
    1) label="lock+unlock, 1 held"; budget= ;;
    3) label="lock+unlock, 3 held"; budget=60 ;;
    nest3) label="a nest of three (3 pairs)"; budget= ;;
    threads2) label="two threads, nested (2 pairs, per thread)"; budget= ;;
    life) label="nothing held, on a lockorder::thread"; budget= ;;
  esac
  base=$(per_unit "$pattern" std)
  mine=$(per_unit "$pattern" lockorder)
  printf '%-44s %8d\n' "std::mutex: $label" "$base"
  if [ -n "$budget" ]; then
    verdict=met
    [ $((mine - base)) -le "$budget" ] || { verdict="NOT MET"; status=1; }
    printf '%-44s %8d %+8d %+8d  %s\n' "lockorder::mutex: $label" "$mine" $((mine - base)) \
      "$budget" "$verdict"
  else
    printf '%-44s %8d %+8d %8s\n' "lockorder::mutex: $label" "$mine" $((mine - base)) "-"
  fi
done
exit $status
