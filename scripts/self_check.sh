#!/usr/bin/env bash
# lockorder-check over lockorder's own sources (the runtime, the preload library, the watchdog,
# the report library), with the runtime's internal lock order declared
# (.ci/lockorder-self-check.json; runtime/src/process/internal_locks.h states it). A lock-order
# tool checks its own orders: any finding fails. Needs the default build (scripts/test.sh).
# Usage: scripts/self_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
check=build/bin/lockorder-check
[ -x "$check" ] && [ -f build/compile_commands.json ] || { echo "build first: scripts/test.sh" >&2; exit 2; }
mapfile -t files < <(python3 - <<'PY'
import json, os
root = os.getcwd() + "/"
seen = set()
for entry in json.load(open("build/compile_commands.json")):
    path = os.path.normpath(os.path.join(entry["directory"], entry["file"]))
    relative = path[len(root):] if path.startswith(root) else ""
    if relative.startswith(("runtime/src/", "runtime/preload/", "runtime/tools/",
                            "watchdog/src/", "watchdog/tools/", "report/src/")) \
            and path not in seen:
        seen.add(path)
        print(path)
PY
)
[ "${#files[@]}" -gt 0 ] || { echo "self-check: no sources in build/compile_commands.json" >&2; exit 2; }
"$check" -p build --config=.ci/lockorder-self-check.json -j "$(nproc)" "${files[@]}"
