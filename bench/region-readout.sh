#!/usr/bin/env bash
# The facial-region read-out of one finished pre-training run, as one JSON line on stdout: region_cos,
# heat_entropy and region_contiguity at the start and end (and the first step with region_cos < 0),
# L_r, the heatmap read-out NME against the mean-shape NME (`fra eval` on a landmark task) for the
# heatmaps (t_h) and for L_r's student assignment (softmax of the cosines / 0.1), each region's facial
# part and its consistency against a fixed point's, and the contiguity of the last snapshot's regions.
# Used by bench/region-proof.sh and scripts/evidence-downstream.sh; finished read-outs are reused.
#   bench/region-readout.sh RUN TASK_DIR NAME BUDGET [LABEL] [--set K=V ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fra=${FRA_BIN:-$root/build/app/fra/fra}
run=$1 task=$2 preset=$3 budget=$4 label=${5:-}
shift $(( $# < 5 ? $# : 5 ))
extra=("$@")
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
machine="$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
# the read-out of the heatmaps (t_h) and of L_r's student assignment (temperature 0.1)
for t in 0 0.1; do
  leaf=heatmap-regression; [ "$t" = 0 ] || leaf=heatmap-regression-t$t
  [ -n "$(find "$run/eval" -path "*$leaf/result.json" 2>/dev/null | head -1 || true)" ] ||
    "$fra" eval "$run" --dataset "pts:$task" --temperature "$t" > /dev/null
done
result=$(find "$run/eval" -path '*heatmap-regression/result.json' | head -1)
sharp=$(find "$run/eval" -path '*heatmap-regression-t0.1/result.json' | head -1)
/usr/bin/env python3 - "$root/bench" "$run" "$result" "$sharp" "$preset" "$budget" "$commit" "$machine" "$label" ${extra[@]+"${extra[@]}"} <<'PY'
import json, sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, sys.argv.pop(1))
from snapshot_regions import load_npy, argmax_regions, neighbour_agreement
run, result, sharp, preset, budget, commit, machine, label = sys.argv[1:9]
overrides = [a for a in sys.argv[9:] if a != "--set"]
rows = []
for line in open(f"{run}/metrics.jsonl"):
    try: rows.append(json.loads(line))
    except ValueError: pass  # a torn last line
rows = [r for r in rows if "step" in r and r.get("region_cos") is not None]
def mean(key, part):  # the mean over the first or last 10 % of the steps (at least 5): less noise than one step
    n = max(5, len(rows) // 10)
    sel = rows[:n] if part == "first" else rows[-n:]
    vals = [r[key] for r in sel if r.get(key) is not None]
    return round(sum(vals) / len(vals), 4) if vals else None
separated = next((r["step"] for r in rows if r["region_cos"] < 0), None)
def readout(file):
    res = json.load(open(file))
    m = res["metrics"]
    return res, {
        "nme": round(m["nme"], 4), "mean_shape_nme": round(m["mean_shape_nme"], 4),
        "gain_pct": round(100.0 * (m["mean_shape_nme"] - m["nme"]) / m["mean_shape_nme"], 1),
        "centroid_spread_cells": round(m["centroid_spread_cells"], 3) if "centroid_spread_cells" in m else None,
        "part_consistency": round(m.get("part_consistency", float("nan")), 3),
        "part_consistency_fixed_point": round(m.get("part_consistency_fixed_point", float("nan")), 3),
        "distinct_parts": m.get("distinct_parts"),
        "regions": [{"region": r["region"], "part": r["part"], "share": round(r["share"], 3),
                     "fixed_point_share": round(r["fixed_point_share"], 3)} for r in res.get("region_parts", [])]}
def coherence(snapshot):  # share of 4-neighbour cell pairs with the same arg-max region (chance: 1/K)
    (p, k, h, w), v = load_npy(f"{run}/heatmaps/{snapshot}")
    best = argmax_regions((p, k, h, w), v)
    agreement = neighbour_agreement(best)
    # the agreement independent cells would have with these regions' shares (one dominant region makes
    # any map look contiguous), and the agreement above it as a share of what is left (Cohen's kappa)
    counts = [0] * k
    for i in range(p):
        for y in range(h):
            for x in range(w): counts[best[i][y][x]] += 1
    cells = p * h * w
    chance = sum((c / cells) ** 2 for c in counts)
    kappa = (agreement - chance) / (1 - chance) if chance < 1 else 0.0
    used = sum(1 for c in counts if c / cells >= 0.02)
    return round(agreement, 3), round(1 / k, 3), round(kappa, 3), used
snapshots = [json.loads(l)["file"] for l in open(f"{run}/heatmaps/index.jsonl") if l.strip()]
neighbours, chance, kappa, used = coherence(snapshots[-1]) if snapshots else (None, None, None, None)
res, heat = readout(result)
_, assignment = readout(sharp)
print(json.dumps({
    "bench": "region-proof", "budget": budget, "preset": preset, "label": label or None, "overrides": overrides, "run": run,
    "steps": rows[-1]["step"] if rows else 0,  # steps are numbered from 1
    "pretrain_seconds": int(open(f"{run}/pretrain-seconds").read()) if __import__("os").path.exists(f"{run}/pretrain-seconds") else None,
    "region_cos_first": mean("region_cos", "first"), "region_cos_last": mean("region_cos", "last"),
    "first_step_region_cos_below_0": separated,
    "heat_entropy_first": mean("heat_entropy", "first"), "heat_entropy_last": mean("heat_entropy", "last"),
    "region_contiguity_first": mean("region_contiguity", "first"), "region_contiguity_last": mean("region_contiguity", "last"),
    "l_r_first": mean("l_r", "first"), "l_r_last": mean("l_r", "last"),
    "readout_heatmaps": heat, "readout_assignment_t0.1": assignment,
    # are the regions contiguous segments or per-cell noise? the probe faces' last snapshot
    "argmax_neighbour_agreement": neighbours, "argmax_neighbour_agreement_chance": chance,
    "argmax_contiguity_kappa": kappa, "argmax_regions_used": used,
    "test_faces": res["test_faces"], "machine": machine, "commit": commit}))
PY
