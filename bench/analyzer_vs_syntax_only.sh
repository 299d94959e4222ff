#!/usr/bin/env bash
# lockorder-check over a real codebase nobody here wrote, against Clang parsing the same
# translation units and nothing more, in one run:
#   LevelDB 1.23 from Debian's source package, every translation unit of its CMake-generated
#   compile_commands.json (library, tests, benchmarks), 2 at a time on both sides:
#   - baseline: `clang++-19 -fsyntax-only -w` with each unit's own flags (xargs -P 2);
#   - lockorder-check -p ... -j 2.
# Prints wall times (median of the repetitions), the ratio, and what lockorder-check found.
# Usage: bench/analyzer_vs_syntax_only.sh [repetitions]   (run as root on an idle machine)
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-3}"
root=$(pwd)
check="$root/build/bin/lockorder-check"
[ -x "$check" ] || { echo "build first: scripts/test.sh" >&2; exit 2; }
source bench/lib/debian_source.sh
install_missing clang-19 cmake python3 bc
fetch_debian_source leveldb leveldb-1.23
cdb="$LOCKORDER_BENCH_SRC/leveldb-cdb"
if [ ! -f "$cdb/compile_commands.json" ]; then
  cmake -S "$LOCKORDER_BENCH_SRC/leveldb-1.23" -B "$cdb" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DCMAKE_BUILD_TYPE=Release -DLEVELDB_BUILD_TESTS=ON -DLEVELDB_BUILD_BENCHMARKS=ON \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
fi
results="$root/build/bench-results"
mkdir -p "$results"

# One syntax-only command per translation unit, from the database (each unit's own flags, its
# output and dependency-file options dropped).
commands="$results/syntax-only.commands"
python3 - "$cdb/compile_commands.json" > "$commands" <<'PY'
import json, shlex, sys
seen = set()
for entry in json.load(open(sys.argv[1])):
    if entry["file"] in seen:
        continue
    seen.add(entry["file"])
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", "-MD", "-MMD"):
            continue
        out.append(a)
    compiler = "clang-19" if entry["file"].endswith(".c") else "clang++-19"
    print("cd " + shlex.quote(entry["directory"]) + " && " +
          " ".join(shlex.quote(x) for x in [compiler, "-fsyntax-only", "-w"] + out))
PY
units=$(wc -l < "$commands")

source "$root/bench/lib/timing.sh"
syntax_once() {
  local start end
  start=$(now)
  tr '\n' '\0' < "$commands" | xargs -0 -P 2 -I{} sh -c '{}' >/dev/null 2>&1
  end=$(now)
  echo "$end - $start" | bc
}
check_once() {
  local start end
  start=$(now)
  "$check" -p "$cdb" -j 2 > "$results/lockorder-check-leveldb.txt" 2> "$results/lockorder-check-leveldb.err" || true
  end=$(now)
  echo "$end - $start" | bc
}
# The two alternate, so that a slower stretch of the machine hits both.
pairs=$(for _ in $(seq "$reps"); do echo "$(syntax_once) $(check_once)"; done)
syntax=$(awk '{print $1}' <<<"$pairs" | median)
checker=$(awk '{print $2}' <<<"$pairs" | median)
{
  echo "LevelDB 1.23: $units translation units, 2 at a time (median of $reps)"
  printf '  clang++-19 -fsyntax-only  %7.2f s   1.00x\n' "$syntax"
  printf '  lockorder-check -j 2      %7.2f s   %5.2fx\n' "$checker" "$(echo "$checker / $syntax" | bc -l)"
  echo "what lockorder-check reported:"
  tail -1 "$results/lockorder-check-leveldb.err" | sed 's/^/  /'
} | tee "$results/analyzer-summary.txt"
