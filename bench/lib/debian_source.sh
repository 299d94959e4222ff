# Shared by the bench scripts: Debian source packages, fetched once into build/bench-src.
# Usage: source bench/lib/debian_source.sh; fetch_debian_source PACKAGE DIRECTORY_IT_UNPACKS_TO

# deb-src entries, added once (as root) when the machine has none: the machine's own Debian
# sources (deb822 stanzas and one-line entries) with their type changed, so that source packages
# come from wherever its binary packages do.
enable_debian_sources() {
  grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
  local out=/etc/apt/sources.list.d/lockorder-src.sources
  local stanzas
  stanzas=$(mktemp)
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && [ "$f" != "$out" ] || continue
    # Stanzas of Debian's archive keyring only: third-party repositories have no sources.
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
         /Types:[^\n]*deb/ && /debian-archive-keyring/ { sub(/Types:[^\n]*/, "Types: deb-src"); print }' \
      "$f" >> "$stanzas"
  done
  if [ -s "$stanzas" ]; then chmod 644 "$stanzas" && mv "$stanzas" "$out"; else rm -f "$stanzas"; fi
  if [ -f /etc/apt/sources.list ]; then
    sed -n 's/^deb \(.*debian.*\)$/deb-src \1/p' /etc/apt/sources.list > "${out%.sources}.list"
    [ -s "${out%.sources}.list" ] || rm -f "${out%.sources}.list"
  fi
  apt-get update -qq
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
