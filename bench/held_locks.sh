#!/usr/bin/env bash
# One thread holding N locks at once (bench/held_locks.c: take N mutexes in order, release them,
# take them again, release them), natively and under lockorder-run, released last-first and
# first-first: wall time and peak memory of each, the median of REPS runs.
# Usage: bench/held_locks.sh [N] [REPS]   (defaults: 50000 locks, 5 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
program=build/bin/held_locks
run=build/bin/lockorder-run
[ -x "$program" ] && [ -x "$run" ] || { echo "build first: scripts/test.sh" >&2; exit 2; }
n="${1:-50000}"
reps="${2:-5}"
python3 - "$program" "$run" "$n" "$reps" <<'PY'
import resource, statistics, subprocess, sys, time
program, run, n, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def measure(argv):
    """Wall seconds and peak resident KiB of one run (in a process of its own, so that the
    children's peak is this run's)."""
    code = ("import resource, subprocess, sys, time; t = time.perf_counter();"
            "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code] + argv, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1])

print(f"{n} locks held at once, taken twice (median of {reps} runs)")
for order in ("lifo", "fifo"):
    rows = {"native": [program, n, order], "lockorder-run": [run, "--", program, n, order]}
    results = {}
    for label, argv in rows.items():
        runs = [measure(argv) for _ in range(reps)]
        results[label] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
    (nt, nm), (lt, lm) = results["native"], results["lockorder-run"]
    print(f"  release {order}: lockorder-run {lt:6.3f} s {lm / 1024:6.1f} MB"
          f"   native {nt:6.3f} s {nm / 1024:6.1f} MB")
PY
