#!/usr/bin/env bash
# The GPU check (docs/scale-out.md): on a machine with an NVIDIA GPU and a Python torch 2.x,
# builds the CUDA build of `fra` against that torch (no Qt, no OpenCV needed), checks CPU-vs-CUDA
# loss parity of the training step, and prints JSON lines for the model step, the end-to-end
# trainer from a prepared store, and the two Python references of ../shared/bench, all on this
# machine in this run, so that every speed is a ratio measured side by side.
#   scripts/gpu-check.sh OUT [PART ...]
# PARTs (default: all, in this order): build parity step-fra ref-fra train ref-data step-byol ref-byol
#   step-backbone ref-backbone ref-fra-compiled step-fra-fp32
# Environment:
#   FRA_STORE=FILE   prepared store for `train` (made elsewhere with `fra prepare`, e.g. the sample pool)
#   FRA_REFS=DIR     folder holding fra_ref.py and data_ref.py (default ../shared/bench)
#   FRA_DEPS=DIR     prefix with nlohmann_json, CLI11 and zlib headers, for machines without them
#   FRA_STEP_ITERS, FRA_TRAIN_STEPS   timed iterations (default 20 and 30)
#   FRA_PART_TIMEOUT   seconds one part may take (default 300)
#   FRA_WORK=DIR     each part's raw output (default OUT/parts)
# Results: OUT/gpu-check.jsonl (one JSON object per line) and OUT/log; build log in OUT/build.log.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: scripts/gpu-check.sh OUT [PART ...]}
shift
parts=${*:-build parity step-fra ref-fra train ref-data step-byol ref-byol step-backbone ref-backbone ref-fra-compiled step-fra-fp32}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=${FRA_WORK:-$out/parts}
mkdir -p "$work"
results=$out/gpu-check.jsonl
build=${FRA_CUDA_BUILD_DIR:-$root/build-cuda}
fra=$build/app/fra/fra
refs=${FRA_REFS:-$root/../shared/bench}
iters=${FRA_STEP_ITERS:-20}
train_steps=${FRA_TRAIN_STEPS:-30}
python=${PYTHON:-python3}
# ResNet-50, 224 px, batch 256, bf16 autocast, channels-last: performance.md's anchor settings
r50=(--preset paper-r50 --set data.batch_size=256 --set data.image_size=224 --set run.threads=0)

note() { echo "== $*" | tee -a "$out/log"; }
record() {  # runs a command whose stdout ends with JSON lines; keeps those lines
  local name=$1; shift
  note "$name: $*"
  local start=$(date +%s)
  timeout "${FRA_PART_TIMEOUT:-300}" "$@" > "$work/$name.out" 2>> "$out/log"
  local rc=$?
  grep '^{' "$work/$name.out" | tee -a "$results"
  echo "{\"part\":\"$name\",\"rc\":$rc,\"seconds\":$(( $(date +%s) - start ))}" | tee -a "$results"
  return $rc
}
gpu_memory_sampler() {  # peak of nvidia-smi's memory.used (MiB) while the given command runs
  local name=$1; shift
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > "$work/$name.mem" 2>/dev/null &
  local sampler=$!
  record "$name" "$@"
  local rc=$?
  kill $sampler 2>/dev/null; wait $sampler 2>/dev/null
  echo "{\"part\":\"$name\",\"peak_gpu_memory_mib\":$(sort -n "$work/$name.mem" | tail -1 | tr -dc 0-9)}" | tee -a "$results"
  return $rc
}

for part in $parts; do
  case $part in
  build)
    note "machine"
    { echo "{\"machine\":\"$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -1)\"," \
           "\"cpus\":$(nproc),\"torch\":\"$($python -c 'import torch;print(torch.__version__)')\"," \
           "\"commit\":\"$(git -C "$root" rev-parse --short HEAD 2>/dev/null)\"}"; } | tee -a "$results"
    prefix="$($python -c 'import torch;print(torch.utils.cmake_prefix_path)')"
    extra=()
    if [ -n "${FRA_DEPS:-}" ]; then
      prefix="$prefix;$FRA_DEPS"
      if [ ! -f /usr/include/zlib.h ]; then  # headers from FRA_DEPS, the machine's own libz.so.1
        libz=$(ldconfig -p | awk '/libz\.so\.1 .*x86-64/ {print $NF; exit}')
        extra+=(-DZLIB_INCLUDE_DIR="$FRA_DEPS/include" -DZLIB_LIBRARY="$libz")
      fi
    fi
    generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
    start=$(date +%s)
    # no CUDA kernels of our own: the architecture list only quiets torch's detection
    TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0} cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DFRA_WITH_OPENCV=OFF -DFRA_WITH_GLOO=OFF -DFRA_WITH_CUDA=ON -DCMAKE_PREFIX_PATH="$prefix" "${extra[@]}" > "$out/build.log" 2>&1 &&
      cmake --build "$build" --target fra --parallel "$(nproc)" >> "$out/build.log" 2>&1
    rc=$?
    echo "{\"part\":\"build\",\"rc\":$rc,\"seconds\":$(( $(date +%s) - start ))}" | tee -a "$results"
    if [ $rc -ne 0 ]; then tail -40 "$out/build.log"; exit 1; fi
    ;;
  parity)
    # small enough for the CPU side: ResNet-18 at 112 px, and ResNet-50 at 224 px on a few images
    record parity-r18 "$fra" bench parity --preset cpu-r18 --set data.batch_size=32 --steps 3
    record parity-r50 "$fra" bench parity --preset paper-r50 --set data.batch_size=8 --set data.image_size=224 --steps 2
    ;;
  step-fra|step-byol|step-backbone)
    gpu_memory_sampler "$part" "$fra" bench step "${r50[@]}" --mode "${part#step-}" --iters "$iters" --warmup 5 ;;
  step-fra-fp32)
    gpu_memory_sampler "$part" "$fra" bench step "${r50[@]}" --set run.precision=fp32 --mode fra --iters "$iters" --warmup 5 ;;
  train)
    if [ -z "${FRA_STORE:-}" ]; then echo '{"part":"train","skipped":"FRA_STORE not set"}' | tee -a "$results"; continue; fi
    gpu_memory_sampler train-store "$fra" bench train "${r50[@]}" --set data.format=prepared --set data.workers=8 \
      --data "$FRA_STORE" --steps "$train_steps" --warmup 5 ;;
  ref-*)
    if [ ! -f "$refs/fra_ref.py" ]; then echo "{\"part\":\"$part\",\"skipped\":\"no $refs/fra_ref.py\"}" | tee -a "$results"; continue; fi
    case $part in
    ref-data) record "$part" $python "$refs/data_ref.py" 8192 --workers 16,8 --batch 256 --batches 20 ;;
    ref-fra-compiled) record "$part" $python "$refs/fra_ref.py" --mode fra --bs 256 --res 224 --iters "$iters" --amp bf16 --compile ;;
    *) record "$part" $python "$refs/fra_ref.py" --mode "${part#ref-}" --bs 256 --res 224 --iters "$iters" --amp bf16 ;;
    esac ;;
  *) echo "unknown part '$part'" >&2; exit 2 ;;
  esac
done
echo "results: $results"
