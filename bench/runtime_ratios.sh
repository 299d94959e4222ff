#!/usr/bin/env bash
# Runs bench/runtime_bench.cc (built into build/bin/runtime_bench) and prints each lockorder
# figure as a ratio against std::mutex measured in the same run, with the issue's targets.
# Usage: bench/runtime_ratios.sh [repetitions]   (run on an otherwise idle machine)
set -euo pipefail
cd "$(dirname "$0")/.."
bench=build/bin/runtime_bench
[ -x "$bench" ] || { echo "build first: scripts/test.sh (or cmake --build --preset default)" >&2; exit 2; }
reps="${1:-7}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# The hot-path figures, repeated; the one-shot graph figures each in a process of its own, so that
# memory freed by one is not reused by the next.
"$bench" --benchmark_filter='Depth|Nest|Two' --benchmark_repetitions="$reps" \
  --benchmark_enable_random_interleaving=true --benchmark_min_time=0.2 \
  --benchmark_report_aggregates_only=true --benchmark_format=json > "$out.hot"
for filter in ToNewLocks AmongFewLocks 'SlidingWindowOf5<std::mutex>' 'SlidingWindowOf5<lockorder::mutex>'; do
  "$bench" --benchmark_filter="$filter" --benchmark_format=json > "$out.$RANDOM"
done
python3 - "$out".* <<'PY'
import json, sys
rows = {}
for path in sys.argv[1:]:
    for b in json.load(open(path))["benchmarks"]:
        if b.get("aggregate_name") not in (None, "median"):
            continue
        rows[b["run_name"]] = b

def t(name):
    b = rows[name]
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
    return b["real_time"] * scale

def line(label, ours, theirs, target, higher_is_better=False):
    ratio = ours / theirs
    ok = ratio >= target if higher_is_better else ratio <= target
    cmp = ">=" if higher_is_better else "<="
    print(f"{label:58s} {ratio:5.2f}x   target {cmp} {target}x   {'met' if ok else 'NOT MET'}")

print("hot path (median of repetitions; time per lock+unlock, std::mutex in the same run)")
for d in (0, 1, 3):
    s, o = t(f"BM_LockUnlockAtDepth<std::mutex>/{d}"), t(f"BM_LockUnlockAtDepth<lockorder::mutex>/{d}")
    target = {0: 1.3, 1: 1.5, 3: 1.5}[d]
    line(f"  depth {d}: {o:.1f} ns vs {s:.1f} ns", o, s, target)
s, o = t("BM_NestOfThree<std::mutex>"), t("BM_NestOfThree<lockorder::mutex>")
line(f"  nest of three, known order: {o:.1f} ns vs {s:.1f} ns", o, s, 1.5)
s = t("BM_TwoThreadsPrivateNestedLocks<std::mutex>/real_time/threads:2")
o = t("BM_TwoThreadsPrivateNestedLocks<lockorder::mutex>/real_time/threads:2")
line(f"  two threads, private nested locks: throughput", s, o, 0.7, higher_is_better=True)
print("graph (one run each)")
b = rows["BM_AddOneMillionEdgesToNewLocks/iterations:1/real_time"]
print(f"  1M new edges to new locks: {t(b['run_name'])/1e6:.0f} ms, {t(b['run_name'])/b['new_edges']:.0f} ns and "
      f"{b['heap_bytes_per_edge_and_node']:.0f} heap bytes per edge with its node")
b = rows["BM_AddOneMillionEdgesAmongFewLocks/iterations:1/real_time"]
print(f"  1M new edges among 1,449 locks: {t(b['run_name'])/1e6:.0f} ms, {t(b['run_name'])/b['new_edges']:.0f} ns and "
      f"{b['heap_bytes_per_edge']:.0f} heap bytes per edge")
print(f"  lock object: {b.get('lock_object_bytes', rows['BM_AddOneMillionEdgesToNewLocks/iterations:1/real_time']['lock_object_bytes']):.0f} bytes "
      f"(std::mutex: {rows['BM_AddOneMillionEdgesToNewLocks/iterations:1/real_time']['std_mutex_bytes']:.0f}); a lock never nested adds no graph memory")
s = t("BM_SlidingWindowOf5<std::mutex>/iterations:1")
o = t("BM_SlidingWindowOf5<lockorder::mutex>/iterations:1")
ok = "met" if o < 1e9 else "NOT MET"
destroy = rows["BM_SlidingWindowOf5<lockorder::mutex>/iterations:1"]["destroy_ms"]
print(f"  2^17 locks in a sliding window of 5: {o/1e6:.0f} ms (std::mutex {s/1e6:.1f} ms)   target < 1000 ms   {ok}")
print(f"  ... then destroying those 2^17 locks and their 524k edges: {destroy:.0f} ms")
PY
