#!/usr/bin/env bash
# lockorder-check over real codebases nobody here wrote, against Clang parsing the same
# translation units and nothing more, in one run, for each of:
#   LevelDB 1.23 (Debian's `leveldb` source package): library, tests and benchmarks;
#   SRT 1.5.1 (Debian's `srt` source package): srtcore, bonding on, encryption off.
# Every translation unit of each CMake-generated compile_commands.json, 2 at a time:
#   - baseline: `clang++-19 -fsyntax-only -w` with each unit's own flags (xargs -P 2);
#   - cold:     lockorder-check -p ... -j 2 --no-cache;
#   - warm:     lockorder-check -p ... -j 2 with its fact cache filled, after one source file
#               changed (a comment appended), then after it changed again (the file being
#               edited: parsed on the preamble the first change kept), and Clang parsing that
#               file alone (the floor of a run without a preamble);
#   - the same with --preambles=all (every file keeps a preamble from the run that fills the
#               cache, whose time is shown too).
# Prints wall times (medians of the repetitions) and the ratios, and what lockorder-check found.
# Usage: bench/analyzer_vs_syntax_only.sh [repetitions]   (run as root on an idle machine)
#        LOCKORDER_BENCH_ONLY=leveldb|srt bench/analyzer_vs_syntax_only.sh ...   (one codebase)
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-3}"
root=$(pwd)
check="$root/build/bin/lockorder-check"
[ -x "$check" ] || { echo "build first: scripts/test.sh" >&2; exit 2; }
source bench/lib/debian_source.sh
source bench/lib/timing.sh
install_missing clang-19 cmake python3 bc
results="$root/build/bench-results"
mkdir -p "$results"

# One syntax-only command per translation unit, from the database (each unit's own flags, its
# output and dependency-file options dropped).
syntax_commands() {  # database, output
  python3 - "$1" > "$2" <<'PY'
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
}

elapsed() {  # command...: wall seconds
  local start end
  start=$(now)
  "$@" >/dev/null 2>&1 || true
  end=$(now)
  echo "$end - $start" | bc
}

bench_one() {  # name, database directory, file to change for the warm runs
  local name=$1 cdb=$2 touched=$3
  local commands="$results/syntax-only-$name.commands" cache="$results/lockorder-cache-$name"
  syntax_commands "$cdb/compile_commands.json" "$commands"
  local units
  units=$(wc -l < "$commands")
  syntax_once() { tr '\n' '\0' < "$commands" | xargs -0 -P 2 -I{} sh -c '{}'; }
  cold_once() {
    "$check" -p "$cdb" -j 2 --no-cache --allow-parse-errors > "$results/lockorder-check-$name.txt" \
      2> "$results/lockorder-check-$name.err"
  }
  warm_once() { "$check" -p "$cdb" -j 2 --cache-dir="$cache" --allow-parse-errors --quiet "$@"; }
  cp "$touched" "$results/touched.orig"
  # For each preamble mode: the run that fills the cache, then per repetition the file changed
  # twice. With the default mode the first change parses the file whole and keeps its preamble
  # (the kept preambles are removed before each repetition), the second parses on it; with
  # --preambles=all the run that filled the cache kept every file's preamble already.
  edits() {  # preamble mode: prints "fill first again" a line per repetition
    local mode=$1 fill
    rm -rf "$cache"
    fill=$(elapsed warm_once --preambles="$mode")
    for i in $(seq "$reps"); do
      [ "$mode" = edited ] && rm -rf "$cache/preambles"
      echo "// lockorder bench edit $i $(now)" >> "$touched"
      first=$(elapsed warm_once --preambles="$mode")
      echo "// lockorder bench edit $i again $(now)" >> "$touched"
      echo "$fill $first $(elapsed warm_once --preambles="$mode")"
      cp "$results/touched.orig" "$touched"
    done
  }
  # Cold and baseline alternate, so that a slower stretch of the machine hits both.
  local pairs
  pairs=$(for _ in $(seq "$reps"); do echo "$(elapsed syntax_once) $(elapsed cold_once)"; done)
  local edited all
  edited=$(edits edited)
  all=$(edits all)
  local preamble_mb
  preamble_mb=$(du -sm "$cache/preambles" | cut -f1)  # every file's, from the last fill
  warm_once >/dev/null 2>&1 || true  # the cache as the file is again
  local warm again fill_all warm_all again_all
  warm=$(awk '{print $2}' <<<"$edited" | median)
  again=$(awk '{print $3}' <<<"$edited" | median)
  fill_all=$(awk '{print $1}' <<<"$all" | head -1)
  warm_all=$(awk '{print $2}' <<<"$all" | median)
  again_all=$(awk '{print $3}' <<<"$all" | median)
  # The floor of a warm run: Clang parsing the changed file alone.
  local alone
  alone=$(for _ in $(seq "$reps"); do
    elapsed sh -c "$(grep -F "$(basename "$touched")" "$commands" | head -1)"
  done | median)
  local syntax cold
  syntax=$(awk '{print $1}' <<<"$pairs" | median)
  cold=$(awk '{print $2}' <<<"$pairs" | median)
  {
    echo "$name: $units translation units, 2 at a time (median of $reps)"
    printf '  clang++-19 -fsyntax-only           %7.2f s   1.00x\n' "$syntax"
    printf '  lockorder-check -j 2, cold          %7.2f s   %5.2fx\n' "$cold" \
      "$(echo "$cold / $syntax" | bc -l)"
    printf '  lockorder-check -j 2, one file changed %4.2f s   %5.1f%% of cold\n' "$warm" \
      "$(echo "100 * $warm / $cold" | bc -l)"
    printf '  lockorder-check -j 2, changed again   %4.2f s   %5.1f%% of cold\n' "$again" \
      "$(echo "100 * $again / $cold" | bc -l)"
    printf '  --preambles=all: filling the cache  %7.2f s   %5.2fx cold\n' "$fill_all" \
      "$(echo "$fill_all / $cold" | bc -l)"
    printf '  --preambles=all: preambles on disk  %7s MB\n' "$preamble_mb"
    printf '  --preambles=all: one file changed   %4.2f s   %5.1f%% of cold\n' "$warm_all" \
      "$(echo "100 * $warm_all / $cold" | bc -l)"
    printf '  --preambles=all: changed again      %4.2f s   %5.1f%% of cold\n' "$again_all" \
      "$(echo "100 * $again_all / $cold" | bc -l)"
    printf '  clang++-19 -fsyntax-only, that file   %4.2f s   %5.1f%% of cold\n' "$alone" \
      "$(echo "100 * $alone / $cold" | bc -l)"
    echo "  what lockorder-check reported:"
    tail -1 "$results/lockorder-check-$name.err" | sed 's/^/    /'
  } | tee "$results/analyzer-summary-$name.txt"
}

if [ "${LOCKORDER_BENCH_ONLY:-leveldb}" = leveldb ]; then
  fetch_debian_source leveldb leveldb-1.23
  cdb="$LOCKORDER_BENCH_SRC/leveldb-cdb"
  if [ ! -f "$cdb/compile_commands.json" ]; then
    cmake -S "$LOCKORDER_BENCH_SRC/leveldb-1.23" -B "$cdb" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
      -DCMAKE_BUILD_TYPE=Release -DLEVELDB_BUILD_TESTS=ON -DLEVELDB_BUILD_BENCHMARKS=ON \
      -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
  fi
  bench_one leveldb "$cdb" "$LOCKORDER_BENCH_SRC/leveldb-1.23/util/env_posix.cc"
fi
if [ "${LOCKORDER_BENCH_ONLY:-srt}" = srt ]; then
  fetch_debian_source srt srt-1.5.1
  cdb="$LOCKORDER_BENCH_SRC/srt-cdb"
  if [ ! -f "$cdb/compile_commands.json" ]; then
    install_missing tcl
    cmake -S "$LOCKORDER_BENCH_SRC/srt-1.5.1" -B "$cdb" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
      -DCMAKE_BUILD_TYPE=Release -DENABLE_ENCRYPTION=OFF -DENABLE_BONDING=ON -DENABLE_APPS=OFF \
      -DENABLE_SHARED=OFF -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
  fi
  bench_one srt "$cdb" "$LOCKORDER_BENCH_SRC/srt-1.5.1/srtcore/epoll.cpp"
fi
