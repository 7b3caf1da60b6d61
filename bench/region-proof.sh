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
for preset in "${presets[@]}"; do
  run="$out/$preset${label:+-$label}-seed$seed"
  if [ ! -f "$run/run.json" ] || ! grep -q '"finished"' "$run/run.json"; then
    rm -rf "$run"
    start=$(date +%s)
    "$fra" pretrain --preset "$preset" --data "$pool/faces" --out "$run" --seed "$seed" ${overrides[@]+"${overrides[@]}"} ${extra[@]+"${extra[@]}"} --quiet
    echo $(( $(date +%s) - start )) > "$run/pretrain-seconds"
  fi
  FRA_BIN=$fra "$root/bench/region-readout.sh" "$run" "$task" "$preset" "$budget" "$label" ${extra[@]+"${extra[@]}"} | tee -a "$out/region-proof.jsonl"
done
