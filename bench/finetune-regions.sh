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
/usr/bin/env python3 - "$eval_dir" "$name" <<'PY'
import ast, json, math, struct, sys
eval_dir, name = sys.argv[1:3]

def load_npy(path):  # float32 C-order arrays, as the core writes them; no numpy needed
    raw = open(path, "rb").read()
    header_len = struct.unpack("<H", raw[8:10])[0]
    header = ast.literal_eval(raw[10:10 + header_len].decode())
    if header["descr"] != "<f4" or header["fortran_order"]:
        sys.exit(f"finetune-regions.sh: {path}: expected little-endian float32 in C order, got {header}")
    count = math.prod(header["shape"])
    return header["shape"], struct.unpack(f"<{count}f", raw[10 + header_len:10 + header_len + 4 * count])

base = None
for line in open(f"{eval_dir}/heatmaps/index.jsonl"):
    entry = json.loads(line)
    (faces, k, h, w), values = load_npy(f"{eval_dir}/heatmaps/{entry['file']}")
    best, entropy = [], 0.0
    for b in range(faces):
        for cell in range(h * w):
            p = [values[(b * k + r) * h * w + cell] for r in range(k)]
            total = sum(p)
            entropy += -sum(q / total * math.log(q / total) for q in p if q > 0) / math.log(k)
            best.append(max(range(k), key=p.__getitem__))
    same = pairs = 0
    for b in range(faces):
        for y in range(h):
            for x in range(w):
                i = (b * h + y) * w + x
                if x + 1 < w: pairs += 1; same += best[i] == best[i + 1]
                if y + 1 < h: pairs += 1; same += best[i] == best[i + w]
    base = base or best
    print(json.dumps({"bench": "finetune-regions", "model": name, "eval": eval_dir, "epoch": entry["step"],
                      "heat_entropy": round(entropy / (faces * h * w), 4),
                      "argmax_contiguity": round(same / pairs, 3), "argmax_contiguity_chance": round(1 / k, 3),
                      "argmax_same_as_epoch0": round(sum(a == c for a, c in zip(best, base)) / len(best), 3),
                      "regions_used": len(set(best))}))
PY
