#!/usr/bin/env bash
# Whether fine-tuning keeps or dissolves the facial regions, from a fine-tuning evaluation's per-epoch
# heatmap snapshots (EVAL/heatmaps: the pre-trained region heads, frozen, over the fine-tuned
# backbone): one JSON line per snapshot with the maps' normalised entropy, the contiguity of their
# arg-max regions (share of 4-neighbouring cells in one region; 1/K for noise), the share of cells whose
# arg-max region is the one it was at epoch 0, and the regions in use.
#   bench/finetune-regions.sh EVAL_DIR [NAME]
set -euo pipefail
eval_dir=$1 name=${2:-$(basename "$(dirname "$(dirname "$eval_dir")")")}
[ -s "$eval_dir/heatmaps/index.jsonl" ] || { echo "finetune-regions.sh: $eval_dir has no heatmap snapshots (an FT evaluation of an FRA run has them)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
/usr/bin/env python3 - "$root/bench" "$eval_dir" "$name" <<'PY'
import json, math, sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, sys.argv.pop(1))
from snapshot_regions import load_npy, argmax_regions, neighbour_agreement
eval_dir, name = sys.argv[1:3]

base = None
index = f"{eval_dir}/heatmaps/index.jsonl"
for number, line in enumerate(open(index), 1):
    try:
        entry = json.loads(line)
        file, epoch = entry["file"], entry["step"]
    except (ValueError, KeyError, TypeError) as error:
        sys.exit(f"{index}:{number}: not a snapshot entry ({error})")
    shape, values = load_npy(f"{eval_dir}/heatmaps/{file}")
    faces, k, h, w = shape
    entropy = 0.0
    for b in range(faces):
        for cell in range(h * w):
            p = [values[(b * k + r) * h * w + cell] for r in range(k)]
            total = sum(p)
            entropy += -sum(q / total * math.log(q / total) for q in p if q > 0) / math.log(k)
    best = argmax_regions(shape, values)
    cells = [region for face in best for row in face for region in row]
    base = base or cells
    print(json.dumps({"bench": "finetune-regions", "model": name, "eval": eval_dir, "epoch": epoch,
                      "heat_entropy": round(entropy / (faces * h * w), 4),
                      "argmax_contiguity": round(neighbour_agreement(best), 3), "argmax_contiguity_chance": round(1 / k, 3),
                      "argmax_same_as_epoch0": round(sum(a == c for a, c in zip(cells, base)) / len(cells), 3),
                      "regions_used": len(set(cells))}))
PY
