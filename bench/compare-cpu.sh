#!/usr/bin/env bash
# CPU benchmarks against the Python reference scripts (fra_ref.py, data_ref.py, not part of this
# repository: FRA_REFERENCE_DIR names their folder), in one run on one machine:
# the FRA training step (fra bench step vs fra_ref.py, Debian's python3-torch = the same
# LibTorch 1.13) and the input pipeline (fra bench data vs data_ref.py's DataLoader).
# The step is compared at two model configurations, the same on both sides:
#   paper   the reference's own: K = 8 regions, output stride 32 (4x4 maps at 112 px)
#   cpu-r18 the cpu-r18 preset's: K = 16, output stride 16 (7x7 maps); the reference gets them
#           from bench/fra_ref_configured.py, which dilates its layer4 and widens its queries
# Both at ResNet-18, 112 px, batch 32. Runs alternate C++ / Python `repeats` times; every
# measurement is a JSON line naming its configuration, then one summary line per comparison with
# the ratio of the medians.
#
#   bench/compare-cpu.sh [--repeats N] [--threads N] [--skip-data] [--skip-step] [--configs "paper cpu-r18"]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fra=${FRA:-$here/build/app/fra/fra}
refs=${FRA_REFERENCE_DIR:-${FRA_SHARED:-$here/../shared}/bench}
export FRA_REFERENCE_DIR=$refs
repeats=3 threads=2 do_data=1 do_step=1 configs="paper cpu-r18"
while [ $# -gt 0 ]; do
  case $1 in
    --repeats) repeats=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --skip-data) do_data=0; shift ;;
    --skip-step) do_step=0; shift ;;
    --configs) configs=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
py=/usr/bin/python3
log=$(mktemp)
trap 'rm -f "$log"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
field() { sed -n "s/.*\"$1\": *\([0-9.eE+-]*\).*/\1/p"; }

if [ $do_step = 1 ]; then
  for config in $configs; do
    case $config in
      paper)   regions=8 stride=32 cpp_set=(--set model.num_regions=8 --set model.output_stride=32 --set model.query_init=zeros) ;;
      cpu-r18) regions=16 stride=16 cpp_set=() ;;
      *) echo "unknown configuration $config (paper, cpu-r18)" >&2; exit 2 ;;
    esac
    : >"$log.$config"
    for i in $(seq "$repeats"); do
      "$fra" bench step --preset cpu-r18 "${cpp_set[@]}" --set run.threads="$threads" --iters 8 --warmup 2 | tee -a "$log.$config"
      (cd /tmp && "$py" "$here/bench/fra_ref_configured.py" --regions $regions --output-stride $stride --device cpu --arch resnet18 \
         --bs 32 --res 112 --mode fra --amp none --threads "$threads" --iters 8) | tee -a "$log.$config"
    done
    cpp=$(grep '"bench":"step"' "$log.$config" | field img_per_s | median)
    ref=$(grep '"ref": "python"' "$log.$config" | field img_per_s | median)
    rm -f "$log.$config"
    echo "{\"compare\":\"fra_step_cpu\",\"config\":\"$config\",\"arch\":\"resnet18\",\"regions\":$regions,\"output_stride\":$stride,\"bs\":32,\"res\":112,\"threads\":$threads,\"repeats\":$repeats,\"cpp_img_per_s\":$cpp,\"python_img_per_s\":$ref,\"ratio\":$(awk "BEGIN{printf \"%.3f\", $cpp/$ref}")}"
  done
fi

if [ $do_data = 1 ]; then
  jpegs=/tmp/jpegs
  workers=$threads
  for i in $(seq "$repeats"); do
    (cd /tmp && "$py" "$refs/data_ref.py" 1024 --workers "$workers" --device cpu --res 112 --batch 32 --batches 20) \
      | grep -v '^wrote' | tee -a "$log"
    "$fra" bench data --preset cpu-r18 --data "$jpegs" --set data.workers="$workers" --set data.prefetch_batches=4 \
      --batches 20 --warmup 3 | tee -a "$log"
  done
  cpp=$(grep '"bench":"data"' "$log" | field img_per_s | median)
  ref=$(grep 'python_dataloader' "$log" | field img_per_s | median)
  echo "{\"compare\":\"byol_pair_pipeline_cpu\",\"config\":\"cpu-r18\",\"res\":112,\"bs\":32,\"workers\":$workers,\"repeats\":$repeats,\"cpp_img_per_s\":$cpp,\"python_img_per_s\":$ref,\"ratio\":$(awk "BEGIN{printf \"%.3f\", $cpp/$ref}")}"
fi
