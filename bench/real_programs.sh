#!/usr/bin/env bash
# lockorder-run on real software nobody here wrote, side by side with native, ThreadSanitizer and
# Helgrind, in one run:
#   - memcached from Debian's package, loaded by memcslap on 127.0.0.1 (a fixed number of
#     requests); ThreadSanitizer needs a rebuild, made from Debian's memcached source package;
#   - LevelDB's db_bench, built from Debian's leveldb source package (native, and a TSan build),
#     4 threads of fillrandom, readrandom and readwhilewriting.
# Prints wall time per configuration (median of the repetitions) and the ratio to native, and
# what lockorder reported for each program. Native and lockorder-run runs alternate, and
# lockorder-run's ratio is the median of each pair's ratio, so that a slower stretch of the
# machine weighs on both sides of a ratio; the pairs' first and third quartiles show how far they
# spread. memcached is also timed a second time on the same
# server (the same load again, after the first run: a long-running server that has learned its
# locks). Run on an otherwise idle machine, as root (it
# installs Debian packages and enables deb-src the first time).
# Usage: bench/real_programs.sh [repetitions (21)] [--no-helgrind]
#        LOCKORDER_BENCH_ONLY=leveldb|memcached bench/real_programs.sh ...   (one program)
# 21 pairs by default: one memcached pair's ratio moves by ten percent and more either way with
# the machine's scheduling, and the median of 7 to 11 pairs moved by several percent from one
# run to the next.
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-21}"
helgrind=1
[ "${2:-}" = "--no-helgrind" ] && helgrind=0
root=$(pwd)
work="$root/build/bench-src"
results="$root/build/bench-results"
run="$root/build/bin/lockorder-run"
[ -x "$run" ] || { echo "build first: scripts/test.sh" >&2; exit 2; }
mkdir -p "$work" "$results"

source bench/lib/debian_source.sh
install_missing memcached libmemcached-tools valgrind dpkg-dev libevent-dev cmake g++ \
  libbenchmark-dev bc

# --- builds from Debian source packages --------------------------------------------------
fetch_debian_source leveldb leveldb-1.23
fetch_debian_source memcached memcached-1.6.18
cd "$work"
build_leveldb() {  # dir, extra flags
  [ -x "$1/db_bench" ] && return
  cmake -S leveldb-1.23 -B "$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEVELDB_BUILD_TESTS=OFF \
    -DLEVELDB_BUILD_BENCHMARKS=ON -DBUILD_SHARED_LIBS=OFF -DCMAKE_CXX_FLAGS="$2" \
    -DCMAKE_EXE_LINKER_FLAGS="$2" >/dev/null
  cmake --build "$1" -j "$(nproc)" --target db_bench >/dev/null
}
build_leveldb leveldb-native ""
build_leveldb leveldb-tsan "-fsanitize=thread"
if [ ! -x memcached-tsan/memcached ]; then
  rm -rf memcached-tsan && cp -a memcached-1.6.18 memcached-tsan
  (cd memcached-tsan && ./configure -q CFLAGS="-O2 -g -fsanitize=thread" \
     LDFLAGS="-fsanitize=thread" >/dev/null && make -s -j "$(nproc)" memcached >/dev/null 2>&1)
fi
cd "$root"

source "$root/bench/lib/timing.sh"

# --- LevelDB db_bench ------------------------------------------------------------------------
ldb_args=(--threads=4 --num=30000 --benchmarks=fillrandom,readrandom,readwhilewriting)
ldb_once() {  # label, command prefix...
  local label=$1; shift
  local db; db=$(mktemp -d)
  local start end
  start=$(now)
  "$@" --db="$db" "${ldb_args[@]}" >/dev/null 2>"$results/leveldb-$label.err" || true
  end=$(now)
  rm -rf "$db"
  echo "$end - $start" | bc
}
declare -A ldb
ldb_config() {  # label, times, command...
  local label=$1 times=$2; shift 2
  ldb[$label]=$(for _ in $(seq "$times"); do ldb_once "$label" "$@"; done | median)
}
only="${LOCKORDER_BENCH_ONLY:-}"
native_ldb="$work/leveldb-native/db_bench"
if [ "$only" != memcached ]; then
# native and lockorder-run alternate, so that a slower stretch of the machine hits both.
ldb_pairs=$(for _ in $(seq "$reps"); do
  echo "$(ldb_once native "$native_ldb") $(ldb_once lockorder "$run" -- "$native_ldb")"
done)
echo "$ldb_pairs" >"$results/leveldb-pairs.txt"  # native, lockorder-run
ldb[native]=$(awk '{print $1}' <<<"$ldb_pairs" | median)
ldb[lockorder]=$(awk '{print $2}' <<<"$ldb_pairs" | median)
ldb[lockorder_ratio]=$(awk '{print $2 / $1}' <<<"$ldb_pairs" | median)
ldb[lockorder_spread]=$(awk '{print $2 / $1}' <<<"$ldb_pairs" | quartiles)
ldb_config tsan 3 env TSAN_OPTIONS=report_bugs=0 "$work/leveldb-tsan/db_bench"
if [ $helgrind = 1 ]; then ldb_config helgrind 1 valgrind -q --tool=helgrind "$native_ldb"; fi
fi

# --- memcached under memcslap ----------------------------------------------------------------
port=21211
memcslap_once() {  # prints the wall time of one memcslap run
  local start end
  start=$(now)
  memcslap --servers=127.0.0.1:$port --concurrency=8 --execute-number=20000 >/dev/null 2>&1
  end=$(now)
  echo "$end - $start" | bc
}
mc_once() {  # label, runs (1, or 2: the same load again), command prefix... (the server)
  local label=$1 runs=$2; shift 2
  # memcached sets both descriptor limits to -c, and under valgrind that must equal the limit
  # valgrind leaves the program (12 below the shell's), so every configuration runs with
  # 1036 descriptors and -c 1024.
  (ulimit -n 1036 && exec "$@" -p $port -l 127.0.0.1 -U 0 -t 4 -c 1024 -u root) \
    2>"$results/memcached-$label.err" &
  local server=$!
  for _ in $(seq 600); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
    sleep 0.1
  done
  local times; times=$(for _ in $(seq "$runs"); do memcslap_once; done)
  kill -TERM $server
  wait $server || true
  echo $times
}
declare -A mc
mc_config() {
  local label=$1 times=$2; shift 2
  mc[$label]=$(for _ in $(seq "$times"); do mc_once "$label" 1 "$@"; done | median)
}
declare -A mc_again
if [ "$only" != leveldb ]; then
# Each line: native's first and second run, then lockorder-run's.
mc_pairs=$(for _ in $(seq "$reps"); do
  echo "$(mc_once native 2 /usr/bin/memcached) $(mc_once lockorder 2 "$run" -- /usr/bin/memcached)"
done)
echo "$mc_pairs" >"$results/memcached-pairs.txt"
mc[native]=$(awk '{print $1}' <<<"$mc_pairs" | median)
mc[lockorder]=$(awk '{print $3}' <<<"$mc_pairs" | median)
mc[lockorder_ratio]=$(awk '{print $3 / $1}' <<<"$mc_pairs" | median)
mc[lockorder_spread]=$(awk '{print $3 / $1}' <<<"$mc_pairs" | quartiles)
mc_again[native]=$(awk '{print $2}' <<<"$mc_pairs" | median)
mc_again[lockorder]=$(awk '{print $4}' <<<"$mc_pairs" | median)
mc_again[lockorder_ratio]=$(awk '{print $4 / $2}' <<<"$mc_pairs" | median)
mc_again[lockorder_spread]=$(awk '{print $4 / $2}' <<<"$mc_pairs" | quartiles)
mc_config tsan 3 env TSAN_OPTIONS=report_bugs=0 "$work/memcached-tsan/memcached"
if [ $helgrind = 1 ]; then mc_config helgrind 1 valgrind -q --tool=helgrind /usr/bin/memcached; fi
fi

# --- results ---------------------------------------------------------------------------------
report() {  # name, assoc-array name
  local name=$1
  local -n times=$2
  [ -n "${times[native]:-}" ] || return 0
  printf '%s\n' "$name"
  for label in native lockorder tsan helgrind; do
    [ -n "${times[$label]:-}" ] || continue
    local ratio="${times[${label}_ratio]:-$(echo "${times[$label]} / ${times[native]}" | bc -l)}"
    printf '  %-10s %8.2f s   %6.2fx' "$label" "${times[$label]}" "$ratio"
    if [ -n "${times[${label}_spread]:-}" ]; then
      # shellcheck disable=SC2086  # two numbers
      printf '   (middle half of the pairs: %.2fx-%.2fx)' ${times[${label}_spread]}
    fi
    printf '\n'
  done
}
{
  echo "real programs (wall time, median of $reps; tsan 3 runs, helgrind 1;"
  echo "  lockorder: median of the ratios of $reps alternating native/lockorder-run pairs, and"
  echo "  the first and third quartiles of those ratios)"
  report "LevelDB db_bench ${ldb_args[*]}" ldb
  report "memcached 1.6.18 (Debian) under memcslap --concurrency=8 --execute-number=20000" mc
  report "memcached, the same load again on the same server" mc_again
  echo "what lockorder reported:"
  for f in "$results"/leveldb-lockorder.err "$results"/memcached-lockorder.err; do
    [ -f "$f" ] || continue
    n=$(grep -c "^WARNING: lockorder:" "$f" || true)
    echo "  $(basename "$f" .err): $n report(s)"
    grep "^WARNING: lockorder:" "$f" | sort | uniq -c | sed 's/^/    /' || true
  done
} | tee "$results/summary.txt"
