# Shared by the bench scripts: Debian source packages, fetched once into build/bench-src.
# Usage: source bench/lib/debian_source.sh; fetch_debian_source PACKAGE DIRECTORY_IT_UNPACKS_TO

# deb-src lines, added once (as root) when the machine has none.
enable_debian_sources() {
  if ! grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    cat > /etc/apt/sources.list.d/lockorder-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt-get update -qq
  fi
}

fetch_debian_source() {  # package, directory
  local work="$LOCKORDER_BENCH_SRC"
  mkdir -p "$work"
  [ -d "$work/$2" ] && return 0
  enable_debian_sources
  (cd "$work" && apt-get source -qq "$1" >/dev/null 2>&1)
  [ -d "$work/$2" ] || { echo "could not fetch the $1 source package" >&2; exit 2; }
}

# install_missing PACKAGE...: the project's own installer (scripts/setup.sh).
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/setup.sh"
install_missing() { lockorder_install_missing "$@"; }

LOCKORDER_BENCH_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/bench-src"
