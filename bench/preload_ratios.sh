#!/usr/bin/env bash
# Runs bench/preload_bench.cc (plain pthread code, built into build/bin/preload_bench) natively and
# under lockorder-run, alternately, and prints each figure's median and the ratio of the medians:
# what the preload library adds to a lock operation of a program that was not rebuilt.
# Usage: bench/preload_ratios.sh [repetitions]   (run on an otherwise idle machine)
set -euo pipefail
cd "$(dirname "$0")/.."
bench=build/bin/preload_bench
run=build/bin/lockorder-run
[ -x "$bench" ] && [ -x "$run" ] || { echo "build first: scripts/test.sh" >&2; exit 2; }
reps="${1:-7}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for i in $(seq "$reps"); do
  "$bench" --benchmark_min_time=0.3 --benchmark_format=json >"$out/native.$i"
  "$run" -- "$bench" --benchmark_min_time=0.3 --benchmark_format=json >"$out/lockorder.$i"
done
python3 - "$out" "$reps" <<'PY'
import json, statistics, sys
out, reps = sys.argv[1], int(sys.argv[2])
def medians(label):
    times = {}
    for i in range(1, reps + 1):
        for b in json.load(open(f"{out}/{label}.{i}"))["benchmarks"]:
            times.setdefault(b["name"], []).append(b["real_time"])  # ns
    return {name: statistics.median(t) for name, t in times.items()}
native, lockorder = medians("native"), medians("lockorder")
print(f"pthread code natively and under lockorder-run (median of {reps} alternating runs)")
for name, n in native.items():
    o = lockorder[name]
    print(f"  {name:28s} {o:6.1f} ns vs {n:6.1f} ns   {o / n:5.2f}x   (+{o - n:.1f} ns)")
PY
