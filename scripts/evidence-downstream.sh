#!/usr/bin/env bash
# Evidence for the downstream evaluation (docs/evaluation.md, "The evidence"): pre-trains FRA with the
# regions switches (cpu-r18), FRA with the decoder as the authors published it (cpu-r18-authors) and
# the GC-only BYOL preset on the sample pool for the same fixed budget (a complete 9-epoch schedule,
# 414 steps, 27-50 minutes each on 2 cores), each with the presets' online evaluation (kNN and
# read-out every tenth of the schedule, into OUT/online-curves.jsonl), then compares them with a
# random initialisation by linear probe (cpu-lp) and fine-tuning (cpu-ft) on the pool's two sample
# tasks with evaluation seeds EVAL_SEEDS (default "0 1": intervals over test samples and over seeds,
# paired tests against the best row), plus both FRA models' heatmap read-out (NME against the mean
# shape, part consistency, region tracking against a fixed point), their regions' read-outs and
# contiguity (bench/region-readout.sh, into OUT/regions.jsonl) and how their fine-tunings keep the
# regions (bench/finetune-regions.sh, into OUT/finetune-regions.jsonl).
# Finished evaluations are reused, so an interrupted run continues.
#   scripts/evidence-downstream.sh [OUT]    (default runs/evidence-<time>)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fra=${FRA:-$root/build/app/fra/fra}  # FRA=/prefix/bin/fra runs an installed copy while the build changes
pool=${FRA_SAMPLES:-${XDG_DATA_HOME:-$HOME/.local/share}/fra-workbench/samples}
out=${1:-$root/runs/evidence-$(date +%Y%m%d-%H%M%S)}
budget=(--set optim.epochs=9 --set optim.warmup_epochs=1 --set run.checkpoint_every=100 --set run.heatmap_every=50 --seed 1)
mkdir -p "$out"
for preset in cpu-r18 cpu-r18-byol cpu-r18-authors; do
  name=${preset/cpu-r18/fra}; name=${name/fra-byol/byol}
  if [ ! -f "$out/$name/run.json" ] || ! grep -q '"finished"' "$out/$name/run.json"; then
    start=$(date +%s)
    if ls "$out/$name/checkpoints/"ckpt_*.pt >/dev/null 2>&1; then  # interrupted: continue the same curve
      "$fra" resume "$out/$name" --quiet
    else
      rm -rf "$out/$name"
      "$fra" pretrain --preset "$preset" --data "$pool/faces" --out "$out/$name" "${budget[@]}" --quiet
    fi
    echo "{\"pretrain\":\"$name\",\"preset\":\"$preset\",\"seconds\":$(( $(date +%s) - start ))}" | tee -a "$out/timing.jsonl"
  fi
done
"$fra" compare --models "$out/fra" "$out/fra-authors" "$out/byol" random:resnet18 \
  --datasets "folder:$pool/tasks/johns-identity" "pts:$pool/tasks/landmarks-dlib68" \
  --protocols lp ft --heatmap-quality --seeds ${EVAL_SEEDS:-0 1} --set output_stride=16 --out "$out/compare" --quiet
echo "table: $out/compare/table.md"
# the online evaluation of each pre-training, one line per evaluated step
for name in fra fra-authors byol; do
  /usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1] + "/metrics.jsonl"):
    r = json.loads(line)
    if "eval_s" in r:
        print(json.dumps({"run": sys.argv[2], **{k: r.get(k) for k in ("step", "knn_top1", "knn_top1_k200", "knn_correct", "knn_test", "readout_nme", "eval_s")}}))
' "$out/$name" "$name"
done > "$out/online-curves.jsonl"
# both FRA models' regions: read-outs (heatmaps and L_r's assignment), part consistency, contiguity
for name in fra fra-authors; do
  FRA_BIN=$fra "$root/bench/region-readout.sh" "$out/$name" "$pool/tasks/landmarks-dlib68" "$name" evidence
done | tee "$out/regions.jsonl"
# whether fine-tuning keeps the regions: the per-epoch snapshots of both FRA models' fine-tunings
for name in fra fra-authors; do
  for ft in "$out/$name"/eval/*-ft; do "$root/bench/finetune-regions.sh" "$ft" "$name"; done
done > "$out/finetune-regions.jsonl"
