#!/usr/bin/env bash
# Do FRA's facial regions form, and do they land on facial parts? Pre-trains each preset on the
# real-face sample pool for one budget, runs the heatmap read-out (`fra eval`) on the pool's
# landmarks-dlib68 task, and prints one JSON line per run (also appended to OUT/region-proof.jsonl):
# region_cos and heat_entropy at the start and end (and the first step with region_cos < 0), L_r,
# the read-out NME against the mean-shape NME, and per region the facial part its centroid sits
# nearest to in most test faces with that share (and a fixed point's share, the floor); both for
# the heatmaps (t_h) and for L_r's student assignment (softmax of the cosines / 0.1); and whether the
# regions are contiguous: the share of neighbouring map cells of the probe faces that fall in the same
# region (chance is 1/K; per-cell noise scores near it).
#   bench/region-proof.sh [--budget demo|evidence] [--out DIR] [--seed N] [--set KEY=VALUE ...] [--label L] [PRESET ...]
# demo: the cpu-r18-demo preset's own short schedule (what scripts/demo.sh trains);
# evidence: the evidence script's 9-epoch schedule (414 steps). Default presets: cpu-r18-demo
# (demo) or cpu-r18 (evidence), plus cpu-r18-authors (the published decoder, queries start at zero).
# --set overrides settings of every preset's pre-training (a switch experiment); --label names those
# runs (OUT/PRESET-LABEL-seedN) and goes into the JSON line with the overrides.
# Finished runs in OUT are reused, so an interrupted call continues.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fra=${FRA_BIN:-$root/build/app/fra/fra}
pool=${FRA_SAMPLES:-${XDG_DATA_HOME:-$HOME/.local/share}/fra-workbench/samples}
budget=demo out="" seed=1 presets=() extra=() label=""
while [ $# -gt 0 ]; do
  case $1 in
    --budget) budget=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --set) extra+=(--set "$2"); shift 2 ;;
    --label) label=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "region-proof: unknown option $1" >&2; exit 2 ;;
    *) presets+=("$1"); shift ;;
  esac
done
case $budget in
  demo) overrides=(); [ ${#presets[@]} -gt 0 ] || presets=(cpu-r18-demo cpu-r18-demo-authors) ;;
  evidence) overrides=(--set optim.epochs=9 --set optim.warmup_epochs=1 --set run.checkpoint_every=100 --set run.heatmap_every=50)
            [ ${#presets[@]} -gt 0 ] || presets=(cpu-r18 cpu-r18-authors) ;;
  *) echo "region-proof: --budget is demo or evidence" >&2; exit 2 ;;
esac
out=${out:-$root/runs/region-proof-$budget}
task="$pool/tasks/landmarks-dlib68"
[ -x "$fra" ] || { echo "region-proof: build first (scripts/build.sh): no $fra" >&2; exit 1; }
[ -d "$task" ] || { echo "region-proof: no sample pool at $pool (scripts/fetch-samples.sh)" >&2; exit 1; }
mkdir -p "$out"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
machine="$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
for preset in "${presets[@]}"; do
  run="$out/$preset${label:+-$label}-seed$seed"
  if [ ! -f "$run/run.json" ] || ! grep -q '"finished"' "$run/run.json"; then
    rm -rf "$run"
    start=$(date +%s)
    "$fra" pretrain --preset "$preset" --data "$pool/faces" --out "$run" --seed "$seed" ${overrides[@]+"${overrides[@]}"} ${extra[@]+"${extra[@]}"} --quiet
    echo $(( $(date +%s) - start )) > "$run/pretrain-seconds"
  fi
  # the read-out of the heatmaps (t_h) and of L_r's student assignment (temperature 0.1)
  for t in 0 0.1; do
    leaf=heatmap-regression; [ "$t" = 0 ] || leaf=heatmap-regression-t$t
    [ -n "$(find "$run/eval" -path "*$leaf/result.json" 2>/dev/null | head -1 || true)" ] ||
      "$fra" eval "$run" --dataset "pts:$task" --temperature "$t" > /dev/null
  done
  result=$(find "$run/eval" -path '*heatmap-regression/result.json' | head -1)
  sharp=$(find "$run/eval" -path '*heatmap-regression-t0.1/result.json' | head -1)
  /usr/bin/env python3 - "$run" "$result" "$sharp" "$preset" "$budget" "$commit" "$machine" "$label" ${extra[@]+"${extra[@]}"} <<'PY' | tee -a "$out/region-proof.jsonl"
import json, sys
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
        "part_consistency": round(m.get("part_consistency", float("nan")), 3),
        "part_consistency_fixed_point": round(m.get("part_consistency_fixed_point", float("nan")), 3),
        "distinct_parts": m.get("distinct_parts"),
        "regions": [{"region": r["region"], "part": r["part"], "share": round(r["share"], 3),
                     "fixed_point_share": round(r["fixed_point_share"], 3)} for r in res.get("region_parts", [])]}
def npy(path):  # a little-endian float32 C-order .npy (the snapshots' format), without numpy
    import ast, struct
    data = open(path, "rb").read()
    header_len = struct.unpack("<H", data[8:10])[0]
    header = ast.literal_eval(data[10:10 + header_len].decode("latin1"))
    shape = header["shape"]
    count = 1
    for d in shape: count *= d
    return shape, struct.unpack(f"<{count}f", data[10 + header_len:10 + header_len + 4 * count])
def coherence(snapshot):  # share of 4-neighbour cell pairs with the same arg-max region (chance: 1/K)
    (p, k, h, w), v = npy(f"{run}/heatmaps/{snapshot}")
    at = lambda i, r, y, x: v[((i * k + r) * h + y) * w + x]
    best = [[[max(range(k), key=lambda r: at(i, r, y, x)) for x in range(w)] for y in range(h)] for i in range(p)]
    same = total = 0
    for i in range(p):
        for y in range(h):
            for x in range(w):
                if x + 1 < w: same += best[i][y][x] == best[i][y][x + 1]; total += 1
                if y + 1 < h: same += best[i][y][x] == best[i][y + 1][x]; total += 1
    return round(same / total, 3), round(1 / k, 3)
snapshots = [json.loads(l)["file"] for l in open(f"{run}/heatmaps/index.jsonl") if l.strip()]
neighbours, chance = coherence(snapshots[-1]) if snapshots else (None, None)
res, heat = readout(result)
_, assignment = readout(sharp)
print(json.dumps({
    "bench": "region-proof", "budget": budget, "preset": preset, "label": label or None, "overrides": overrides, "run": run,
    "steps": rows[-1]["step"] if rows else 0,  # steps are numbered from 1
    "pretrain_seconds": int(open(f"{run}/pretrain-seconds").read()) if __import__("os").path.exists(f"{run}/pretrain-seconds") else None,
    "region_cos_first": mean("region_cos", "first"), "region_cos_last": mean("region_cos", "last"),
    "first_step_region_cos_below_0": separated,
    "heat_entropy_first": mean("heat_entropy", "first"), "heat_entropy_last": mean("heat_entropy", "last"),
    "l_r_first": mean("l_r", "first"), "l_r_last": mean("l_r", "last"),
    "readout_heatmaps": heat, "readout_assignment_t0.1": assignment,
    # are the regions contiguous segments or per-cell noise? the probe faces' last snapshot
    "argmax_neighbour_agreement": neighbours, "argmax_neighbour_agreement_chance": chance,
    "test_faces": res["test_faces"], "machine": machine, "commit": commit}))
PY
done
