#!/usr/bin/env bash
# Evidence for the downstream evaluation (docs/evaluation.md, "The evidence"): pre-trains FRA with the
# regions switches (cpu-r18), FRA with the decoder as the authors published it (cpu-r18-authors) and
# the GC-only BYOL preset on the sample pool for the same fixed budget (a complete 9-epoch schedule,
# 414 steps, 16-45 minutes each on 2 cores), each with the presets' online evaluation (kNN and
# read-out every tenth of the schedule), and compares them with a random initialisation by linear
# probe (cpu-lp) and fine-tuning (cpu-ft) on the pool's two sample tasks with evaluation seeds
# EVAL_SEEDS (default "0 1": intervals over test samples and over seeds, paired tests against the
# best row), plus both FRA models' heatmap read-out (NME against the mean shape, part consistency,
# region tracking and map following against a fixed point), their regions' read-outs and contiguity
# (bench/region-readout.sh) and how their fine-tunings keep the regions (bench/finetune-regions.sh).
#
# Each model is finished (pre-training, evaluations, read-outs) before the next one starts, and every
# step whose product exists is skipped, so an interrupted run continues where it stopped. The
# products: OUT/compare/table.{md,csv,json,tex} (all models), OUT/online-curves.jsonl,
# OUT/regions.jsonl, OUT/finetune-regions.jsonl, OUT/timing.jsonl, and OUT/<model>/ per model.
#
#   scripts/evidence-downstream.sh [OUT]          (default runs/evidence-<time>)
#   scripts/evidence-downstream.sh --pack OUT ARCHIVE.tar.xz
#   scripts/evidence-downstream.sh --unpack ARCHIVE.tar.xz OUT
# --pack keeps what the evidence's tables are made from (each run's run.json, config, metrics and
# every evaluation's result.json and samples.csv, the per-model lines), without checkpoints and
# snapshots; a run folder unpacked from it counts as finished, so the evidence can be completed
# on another machine or day with the models it still lacks. MODELS (default
# "fra byol fra-authors random") limits which models this invocation works on; the table is made
# from every model that is finished in OUT.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = "--pack" ]; then
  [ $# -eq 3 ] || { echo "usage: $0 --pack OUT ARCHIVE.tar.xz" >&2; exit 2; }
  out=$(cd "$2" && pwd)
  archive=$(realpath -m "$3")
  (cd "$out" && find . \( -path '*/checkpoints' -o -path '*/heatmaps' -o -name 'run.lock' \) -prune -o -type f \
      \( -name run.json -o -name 'config*.json' -o -name metrics.jsonl -o -name result.json -o -name samples.csv \
         -o -name '*.jsonl' -o -name 'table.*' -o -name '*-series.csv' -o -name '*.evaluated' \) -print | LC_ALL=C sort |
    tar -cJf "$archive" --owner=0 --group=0 --mtime=@0 -T -)
  files=$(tar -tJf "$archive" | wc -l)
  echo "packed $files files of $out into $archive ($(du -h "$archive" | cut -f1))"
  exit 0
fi
if [ "${1:-}" = "--unpack" ]; then
  [ $# -eq 3 ] || { echo "usage: $0 --unpack ARCHIVE.tar.xz OUT" >&2; exit 2; }
  mkdir -p "$3"
  tar -xJf "$2" -C "$3" --skip-old-files  # what OUT already holds stays
  echo "unpacked $2 into $3"
  exit 0
fi

fra=${FRA:-$root/build/app/fra/fra}  # FRA=/prefix/bin/fra runs an installed copy while the build changes
pool=${FRA_SAMPLES:-${XDG_DATA_HOME:-$HOME/.local/share}/fra-workbench/samples}
out=${1:-$root/runs/evidence-$(date +%Y%m%d-%H%M%S)}
models=(${MODELS:-fra byol fra-authors random})
seeds=(${EVAL_SEEDS:-0 1})
budget=(--set optim.epochs=9 --set optim.warmup_epochs=1 --set run.checkpoint_every=100 --set run.heatmap_every=50 --seed 1)
datasets=("folder:$pool/tasks/johns-identity" "pts:$pool/tasks/landmarks-dlib68")
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
mkdir -p "$out"

preset_of() { case $1 in fra) echo cpu-r18 ;; byol) echo cpu-r18-byol ;; fra-authors) echo cpu-r18-authors ;; esac; }
model_of() { [ "$1" = random ] && echo random:resnet18 || echo "$out/$1"; }
finished() { [ -f "$out/$1/run.json" ] && grep -q '"finished"' "$out/$1/run.json"; }
# runs a step's command into FILE unless FILE exists: a step's product appears only once the
# command has succeeded (on its own line, so that set -e applies inside the command's functions)
product() {
  local file=$1; shift
  [ -s "$file" ] && return 0
  "$@" > "$file.partial"
  mv "$file.partial" "$file"
}
online_curve() {  # the online evaluation of one pre-training, one line per evaluated step
  /usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1] + "/metrics.jsonl"):
    r = json.loads(line)
    if "eval_s" in r:
        print(json.dumps({"run": sys.argv[2], **{k: r.get(k) for k in ("step", "knn_top1", "knn_top1_k200", "knn_correct", "knn_test", "readout_nme", "eval_s")}}))
' "$out/$1" "$1"
}
finetune_regions() {  # the fine-tunings of evaluation seed 0
  local ft
  for ft in "$out/$1"/eval/*-ft; do
    [ -s "$ft/heatmaps/index.jsonl" ] || { echo "evidence: $ft has no heatmap snapshots" >&2; return 1; }
    "$root/bench/finetune-regions.sh" "$ft" "$1"
  done
}
evaluate() {  # every evaluation of one model; finished ones are reused
  local extra=()
  case $1 in fra | fra-authors) extra=(--heatmap-quality) ;; esac
  "$fra" compare --models "$(model_of "$1")" --datasets "${datasets[@]}" --protocols lp ft "${extra[@]}" \
    --seeds "${seeds[@]}" --set output_stride=16 --out "$out/compare" --quiet > /dev/null
  echo "{\"evaluated\":\"$1\",\"eval_seeds\":\"${seeds[*]}\",\"at\":\"$(date -u +%FT%TZ)\",\"commit\":\"$commit\"}"
}

for name in "${models[@]}"; do
  if [ "$name" != random ] && ! finished "$name"; then
    preset=$(preset_of "$name")
    [ -n "$preset" ] || { echo "evidence: unknown model $name (fra, byol, fra-authors, random)" >&2; exit 2; }
    start=$(date +%s)
    if ls "$out/$name/checkpoints/"ckpt_*.pt >/dev/null 2>&1; then  # interrupted: continue the same curve
      "$fra" resume "$out/$name" --quiet
    else
      rm -rf "$out/$name"
      "$fra" pretrain --preset "$preset" --data "$pool/faces" --out "$out/$name" "${budget[@]}" --quiet
    fi
    echo "{\"pretrain\":\"$name\",\"preset\":\"$preset\",\"seconds\":$(( $(date +%s) - start )),\"commit\":\"$commit\"}" >> "$out/timing.jsonl"
  fi
  product "$out/$name.evaluated" evaluate "$name"
  [ "$name" = random ] && continue
  product "$out/online-curve-$name.jsonl" online_curve "$name"
  [ "$name" = byol ] && continue
  product "$out/regions-$name.jsonl" env FRA_BIN="$fra" "$root/bench/region-readout.sh" "$out/$name" "$pool/tasks/landmarks-dlib68" "$name" evidence
  product "$out/finetune-regions-$name.jsonl" finetune_regions "$name"
done

# the table over every model finished in OUT (this invocation's and any unpacked ones)
have=()
for name in fra fra-authors byol random; do [ ! -f "$out/$name.evaluated" ] || have+=("$(model_of "$name")"); done
[ ${#have[@]} -gt 0 ] || { echo "evidence: no model is finished in $out" >&2; exit 1; }
"$fra" compare --models "${have[@]}" --datasets "${datasets[@]}" --protocols lp ft --heatmap-quality \
  --seeds "${seeds[@]}" --set output_stride=16 --out "$out/compare" --quiet > /dev/null
combine() {  # KIND FILE: the models' lines of one kind, in a fixed order
  local name
  for name in fra fra-authors byol; do [ ! -f "$out/$1-$name.jsonl" ] || cat "$out/$1-$name.jsonl"; done > "$2"
}
combine online-curve "$out/online-curves.jsonl"
combine regions "$out/regions.jsonl"
combine finetune-regions "$out/finetune-regions.jsonl"
echo "table of ${#have[@]} models: $out/compare/table.md"
