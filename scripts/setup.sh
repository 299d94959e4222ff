#!/usr/bin/env bash
# Shared set-up for demo.sh and test.sh: installs the Debian packages lockorder needs (when run
# as root on a machine that lacks them), then configures and builds the given CMake preset.
# Usage: source scripts/setup.sh; lockorder_setup [preset]
set -euo pipefail

LOCKORDER_PACKAGES=(
  g++ make cmake pkg-config ccache          # the toolchain
  libgtest-dev libgmock-dev                  # GoogleTest
  libbenchmark-dev                           # Google Benchmark
  libboost-graph-dev                         # Boost.Graph: graph algorithms and DOT output
  nlohmann-json3-dev                         # JSON for SARIF
  libcereal-dev                              # lockorder-check: its facts in binary
  libdw-dev                                  # elfutils libdw: symbolizing stacks
  libsystemd-dev                             # the watchdog: sd_notify (READY, STATUS, WATCHDOG)
  graphviz                                   # dot: pictures of the lock-order graph
  chromium                                   # tests: lockorder-report's HTML page in a real browser
  clang-19                                   # tests: lockorder-run on a clang++-built program
  libclang-19-dev libclang-cpp19-dev llvm-19-dev  # lockorder-check: Clang 19 libTooling
  clang-format-19                            # style check
)

# Installs those of the given Debian packages that are missing (as root; otherwise says what
# to install and stops).
lockorder_install_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "lockorder: missing Debian packages: ${missing[*]}" >&2
    echo "lockorder: run this script as root, or: apt-get install ${missing[*]}" >&2
    exit 2
  fi
  echo "lockorder: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

lockorder_install_packages() { lockorder_install_missing "${LOCKORDER_PACKAGES[@]}"; }

# The SARIF Multitool (npm), which the analyzer's tests use to validate its SARIF. Without it
# (no network), that one test is skipped and says so.
lockorder_install_sarif_multitool() {
  local dir=build/sarif-multitool
  local tool="$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
  [ -x "$tool" ] && return 0
  if ! command -v npm >/dev/null && [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null || true
  fi
  if command -v npm >/dev/null &&
     npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
       @microsoft/sarif-multitool@5.7.0 >/dev/null 2>&1; then
    chmod u+x "$tool"  # its install script would, but npm no longer runs them by default
  else
    echo "lockorder: could not install the SARIF Multitool from npm; its test will be skipped" >&2
  fi
}

lockorder_build() {
  local preset="${1:-default}"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
}

lockorder_setup() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  lockorder_install_packages
  lockorder_build "${1:-default}"
}
