#!/usr/bin/env bash
# A tour of lockorder: installs what is missing, builds, and runs the examples, showing what
# lockorder says about each. Reports go to stderr, as they would in a test run.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
lockorder_setup default

examples=build/examples
out=build/demo
mkdir -p "$out"
status_word() { [ "$1" -eq 0 ] && echo "exit 0, nothing reported" || echo "exit $1: lockorder reported"; }

show() {  # show TITLE PROGRAM [ARGS...]
  local title="$1"; shift
  printf '\n\033[1m== %s\033[0m\n$ %s\n' "$title" "$*"
  local status=0
  "$@" || status=$?
  echo "-> $(status_word "$status")"
}

echo "lockorder tour: the runtime, linked into small programs (examples/)."
show "Two threads take x_lock and y_lock in opposite orders (a potential deadlock)" \
  "$examples/two_locks"
show "The same, fixed with lockorder::ordered_lock" "$examples/two_locks_fixed"
LOCKORDER_OPTIONS="dot=$out/philosophers.dot:sarif=$out/philosophers.sarif" \
  show "Five dining philosophers, left fork then right fork" "$examples/philosophers"
show "Five dining philosophers, lower-numbered fork first" "$examples/philosophers" --ordered
show "A shared counter under one lock" "$examples/shared_counter"
show "A recursive counter re-entering its recursive_mutex" "$examples/recursive_counter"
show "A producer/consumer queue with a condition variable" "$examples/producer_consumer"
show "A connection pool limited by a counting semaphore" "$examples/connection_pool"
show "A service joins its worker under the lock the worker needs (a real deadlock)" \
  "$examples/join_under_lock"
show "The same, the lock released before the join" "$examples/join_under_lock" --fixed
show "Pages wait for images queued behind them on the same full pool (pool starvation)" \
  "$examples/pool_starvation"
show "The same, images on a pool of their own" "$examples/pool_starvation" --fixed

echo
echo "lockorder-run: the same runtime preloaded into a program that was not built with lockorder."
if [ -x build/bin/lockorder-run ]; then
  show "A plain std::mutex bank, transfers in both directions one after the other" \
    build/bin/lockorder-run --sarif="$out/bank.sarif" -- "$examples/unmodified_bank"
  show "The same transfers at the same moment: a real deadlock, reported instead of hanging" \
    build/bin/lockorder-run -- "$examples/unmodified_bank" --race
fi

echo
echo "lockorder-check: the same questions asked of the source, before anything runs."
if [ -x build/bin/lockorder-check ]; then
  show "A cycle across two files (orders.cc, stock.cc), a double-lock through a callee, a declared order broken" \
    build/bin/lockorder-check --sarif="$out/static.sarif" --dot="$out/static.dot" \
    examples/static/orders.cc examples/static/stock.cc examples/static/self_deadlock.cc \
    examples/static/declared_order.cc -- -std=c++20
  show "Safe ways to take two locks: nothing to report" \
    build/bin/lockorder-check examples/static/safe_patterns.cc -- -std=c++20
fi

echo
echo "lockorder-report: one lock-order graph across the processes of a test suite."
if [ -x build/bin/lockorder-report ] && [ -x "$examples/orders_test" ]; then
  rm -rf "$out/graphs"
  LOCKORDER_OPTIONS="graph_dir=$out/graphs" \
    show "orders_test: posts an order, accounts then ledger (clean alone)" "$examples/orders_test"
  LOCKORDER_OPTIONS="graph_dir=$out/graphs" \
    show "billing_test: bills an account, ledger then accounts (clean alone)" "$examples/billing_test"
  show "Their graphs merged: the cycle that neither test saw" \
    build/bin/lockorder-report --html="$out/graphs.html" --sarif="$out/graphs.sarif" "$out/graphs"
fi

echo
echo "watchdog: a production daemon that deadlocks on purpose and keeps serving."
if [ -x "$examples/watchdog_daemon" ]; then
  printf '\n\033[1m== %s\033[0m\n$ %s\n' \
    "3000 requests through injected lock cycles and a hung worker: victims retried, the worker replaced" \
    "$examples/watchdog_daemon"
  status=0
  LOCKORDER_OPTIONS="log_path=$out/daemon-reports.txt" "$examples/watchdog_daemon" \
    2>"$out/daemon-incidents.txt" || status=$?
  grep -v '^{' "$out/daemon-incidents.txt" | head -30
  echo "-> exit $status (incidents with their JSON lines: $out/daemon-incidents.txt;" \
    "the runtime's deadlock reports: $out/daemon-reports.txt)"
  printf '\n\033[1m== %s\033[0m\n$ %s\n' \
    "Every worker wedged for good: the supervisor escalates, lockorder-supervise restarts, then gives up" \
    "build/bin/lockorder-supervise --max-restarts=2 --backoff=200 -- $examples/watchdog_daemon --wedge"
  status=0
  LOCKORDER_OPTIONS="log_path=$out/wedge-reports.txt" build/bin/lockorder-supervise \
    --max-restarts=2 --backoff=200 -- "$examples/watchdog_daemon" --wedge 2>&1 |
    grep -E '^lockorder-(supervise|watchdog): (escalated|.*restart|.*giving up)' || true
  echo "-> lockorder-supervise gave up with the daemon's status (70) after 2 restarts"
fi

printf '\n\033[1m== Outputs\033[0m\n'
if command -v dot >/dev/null; then
  dot -Tsvg "$out/philosophers.dot" -o "$out/philosophers.svg"
  echo "lock-order graph of the philosophers: $out/philosophers.dot, picture: $out/philosophers.svg"
fi
if command -v dot >/dev/null && [ -f "$out/static.dot" ]; then
  dot -Tsvg "$out/static.dot" -o "$out/static.svg"
  echo "static lock-order graph of examples/static: $out/static.dot, picture: $out/static.svg"
fi
[ -f "$out/graphs.html" ] &&
  echo "the test suite's merged graph, its picture and cycles, viewable offline: $out/graphs.html"
echo "SARIF 2.1.0 for code scanning: $out/philosophers.sarif, $out/bank.sarif, $out/static.sarif," \
  "$out/graphs.sarif"
