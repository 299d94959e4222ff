#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through ctest.
#   scripts/test.sh          the default build (build/)
#   scripts/test.sh asan     the runtime's tests under AddressSanitizer + UBSan (build-asan/)
#   scripts/test.sh tsan     the runtime's tests under ThreadSanitizer (build-tsan/)
set -euo pipefail
source "$(dirname "$0")/setup.sh"
preset="${1:-default}"
case "$preset" in default|asan|tsan|debug) ;; *) echo "usage: $0 [default|asan|tsan|debug]" >&2; exit 2 ;; esac
lockorder_setup "$preset"
[ "$preset" = default ] && lockorder_install_sarif_multitool
ctest --preset "$preset" -j "$(nproc)" --timeout 600
