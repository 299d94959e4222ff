#!/usr/bin/env bash
# What lockorder-check reports on real codebases, with its default rules and with every rule
# (--checks=*): the counts that docs/lockorder-check.md ("On real code") classifies one by one.
#   SRT 1.5.1 (Debian's `srt`): srtcore, bonding on, encryption off (CMake's database);
#   memcached 1.6.18 (Debian's `memcached`): default configure, `bear -- make memcached`;
#   LevelDB 1.23 (Debian's `leveldb`): library, tests and benchmarks (CMake's database).
# Usage: bench/analyzer_findings.sh   (as root: installs what it needs, fetches the sources)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
check="$root/build/bin/lockorder-check"
[ -x "$check" ] || { echo "build first: scripts/test.sh" >&2; exit 2; }
source bench/lib/debian_source.sh
install_missing clang-19 cmake bear libevent-dev tcl
results="$root/build/bench-results"
mkdir -p "$results"

report() {  # name, database directory
  for rules in default all; do
    local extra=()
    [ "$rules" = all ] && extra=(--checks='*')
    (cd "$2" && "$check" -p . -j 2 --no-cache --allow-parse-errors "${extra[@]}") \
      > "$results/findings-$1-$rules.txt" 2> "$results/findings-$1-$rules.err" || true
    printf '%-10s %-8s %s\n' "$1" "$rules" "$(tail -1 "$results/findings-$1-$rules.err")"
  done
}

fetch_debian_source srt srt-1.5.1
srt="$LOCKORDER_BENCH_SRC/srt-cdb"
[ -f "$srt/compile_commands.json" ] ||
  cmake -S "$LOCKORDER_BENCH_SRC/srt-1.5.1" -B "$srt" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DCMAKE_BUILD_TYPE=Release -DENABLE_ENCRYPTION=OFF -DENABLE_BONDING=ON -DENABLE_APPS=OFF \
    -DENABLE_SHARED=OFF -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
report srt "$srt"

fetch_debian_source memcached memcached-1.6.18
memcached="$LOCKORDER_BENCH_SRC/memcached-cdb"
if [ ! -s "$memcached/compile_commands.json" ]; then
  rm -rf "$memcached" && cp -a "$LOCKORDER_BENCH_SRC/memcached-1.6.18" "$memcached"
  (cd "$memcached" && ./configure -q CC=clang-19 >/dev/null && bear -- make -j2 memcached >/dev/null)
fi
report memcached "$memcached"

fetch_debian_source leveldb leveldb-1.23
leveldb="$LOCKORDER_BENCH_SRC/leveldb-cdb"
[ -f "$leveldb/compile_commands.json" ] ||
  cmake -S "$LOCKORDER_BENCH_SRC/leveldb-1.23" -B "$leveldb" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DCMAKE_BUILD_TYPE=Release -DLEVELDB_BUILD_TESTS=ON -DLEVELDB_BUILD_BENCHMARKS=ON \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
report leveldb "$leveldb"
