#!/usr/bin/env bash
# lockorder-report at the scale of a large test suite: FILES graph files (default 1,000), each a
# process that took 200 edges (100 of its own and 100 that other processes took too: 100,000
# distinct edges among 20,000 locks for 1,000 files, each edge with two 8-frame stacks), and 10
# cycles whose halves are in different files. Times the merge and its peak memory, then the same
# with half the files, so that memory per distinct edge can be compared.
# Target (docs/PERFORMANCE.md): 1,000 files with 100,000 distinct edges merged in under 10 s,
# memory proportional to the distinct edges.
# Usage: bench/report_merge.sh [FILES]
set -euo pipefail
cd "$(dirname "$0")/.."
report=build/bin/lockorder-report
[ -x "$report" ] || { echo "build first: scripts/test.sh" >&2; exit 2; }
files="${1:-1000}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

generate() {  # directory, number of files
  python3 - "$1" "$2" <<'PY'
import json, os, sys
out, files = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
locks = 20000
def stack(fn, frames, frame_index):
    out = []
    for depth in range(8):
        frame = (f"{fn}_{depth}", f"src/module{depth}.cc", 10 + depth)
        if frame not in frame_index:
            frame_index[frame] = len(frames)
            frames.append({"function": frame[0], "file": frame[1], "line": frame[2],
                           "module": "service_test"})
        out.append(frame_index[frame])
    return out
for f in range(files):
    names, edges = {}, []
    def index(lock):
        if lock not in names:
            names[lock] = len(names)
        return names[lock]
    # 100 edges of its own, 100 shared with the file before it: i -> j with i < j (acyclic).
    own = [(f * 100 + k) for k in range(100)]
    shared = [((f - 1) % files) * 100 + k for k in range(100)]
    for serial in own + shared:
        a = (serial * 7919) % (locks - 1)
        b = a + 1 + (serial % 97)
        if b >= locks:
            b = locks - 1
        edges.append((a, b))
    if f < 20:  # cycle halves: file 2c takes x -> y, file 2c+1 takes y -> x
        x, y = 30000 + f // 2 * 2, 30001 + f // 2 * 2
        edges.append((x, y) if f % 2 == 0 else (y, x))
    graph = {"format": "lockorder-graph", "version": 1,
             "process": {"program": "service_test", "pid": 1000 + f, "label": f"shard {f}"},
             "locks": [], "frames": [], "edges": []}
    frame_index = {}
    for a, b in edges:
        graph["edges"].append({"from": index(a), "to": index(b), "modes": ["exclusive>exclusive"],
                               "gates": [], "thread": "T1",
                               "from_site": stack(f"take_{a}", graph["frames"], frame_index),
                               "to_site": stack(f"take_{b}", graph["frames"], frame_index)})
    graph["locks"] = [{"id": f"name:L{lock}", "label": f"L{lock}", "kind": "mutex"}
                      for lock, _ in sorted(names.items(), key=lambda kv: kv[1])]
    with open(os.path.join(out, f"service_test.{1000 + f}.lockorder-graph.json"), "w") as fh:
        json.dump(graph, fh)
PY
}

measure() {  # directory: prints "seconds peak_kib"
  /usr/bin/time -f '%e %M' -o "$work/time" "$report" "$1" > "$work/out" 2> "$work/err" || true
  tail -1 "$work/time"  # after "Command exited with non-zero status 1" when cycles were found
}

generate "$work/full" "$files"
generate "$work/half" "$((files / 2))"
size=$(du -sm "$work/full" | cut -f1)
read -r full_s full_kib < <(measure "$work/full")
tail -1 "$work/err"
read -r half_s half_kib < <(measure "$work/half")
echo "$files graph files ($size MB): ${full_s} s, peak ${full_kib} KiB   target < 10 s"
echo "$((files / 2)) graph files: ${half_s} s, peak ${half_kib} KiB"
python3 - "$full_kib" "$half_kib" "$files" <<'PY'
import sys
full, half, files = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
print(f"memory per distinct edge (difference of the two runs): "
      f"{(full - half) * 1024 / (files * 100 - files // 2 * 100):.0f} bytes")
PY
