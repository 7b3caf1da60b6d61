#!/usr/bin/env bash
# The GPU check (docs/scale-out.md): one call on a machine with an NVIDIA GPU and a Python torch
# 2.x builds the CUDA build of `fra` against that torch (no Qt, no OpenCV needed), checks CPU-vs-CUDA
# parity, checks that the processes end cleanly, and prints JSON lines for the model step (eager and
# as a CUDA graph, with kernel profiles), the end-to-end trainer from a JPEG store (nvJPEG and CPU
# decoding), from a JPEG folder and from a raw store, NCCL with one rank, peak memory, the facial
# regions at scale (the published decoder's zero queries against learned ones), and the two Python
# reference scripts (fra_ref.py, data_ref.py: not part of this repository; gpu-prepare.sh copies
# them from $FRA_REFERENCE_DIR), all on this machine in this run, so that every speed is a ratio
# measured side by side. Prepare its inputs on a Debian machine with `scripts/gpu-prepare.sh` (.gpu/).
#   scripts/gpu-check.sh OUT [PART ...]
#   scripts/gpu-check.sh --dry-run OUT [PART ...]   on a CPU machine: the Debian build, run.device=cpu,
#                                                   tiny sizes; checks the script and every command line
# PARTs (default: all, in this order):
#   build parity exit step-fra step-fra-graph profile-fra profile-fra-graph ref-fra ref-fra-compiled
#   train-jpeg train-jpeg-cpu train-folder train-raw ref-data step-byol ref-byol nccl1 regions
# Environment (defaults for the layout scripts/gpu-prepare.sh makes):
#   FRA_GPU_DIR=DIR     the prepared inputs (default .gpu): prefix/ (headers, libturbojpeg), nvjpeg/,
#                       bench/ (fra_ref.py, data_ref.py), faces/ (JPEG folder), faces-256.frastore (JPEG),
#                       faces-256-raw.frastore (raw), faces-112.frastore (JPEG, regions)
#   FRA_STEP_ITERS, FRA_TRAIN_STEPS   timed iterations (default 20 and 30)
#   FRA_REGION_MINUTES  minutes of each regions pre-training (default 2)
#   FRA_PART_TIMEOUT    seconds one part may take (default 300)
# Results: OUT/gpu-check.jsonl (one JSON object per line) and OUT/log; build log in OUT/build.log.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dry=0
if [ "${1:-}" = "--dry-run" ]; then dry=1; shift; fi
out=${1:?usage: scripts/gpu-check.sh [--dry-run] OUT [PART ...]}
shift
all="build parity exit step-fra step-fra-graph profile-fra profile-fra-graph ref-fra ref-fra-compiled train-jpeg train-jpeg-cpu
     train-folder train-raw ref-data step-byol ref-byol nccl1 regions"
parts=${*:-$all}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$out/parts
mkdir -p "$work"
results=$out/gpu-check.jsonl
gpu=${FRA_GPU_DIR:-$root/.gpu}
refs=${FRA_REFS:-$gpu/bench}
[ -f "$refs/fra_ref.py" ] || refs=${FRA_REFERENCE_DIR:-$root/../shared/bench}
iters=${FRA_STEP_ITERS:-20}
train_steps=${FRA_TRAIN_STEPS:-30}
python=${PYTHON:-python3}
if [ $dry = 1 ]; then
  # the Debian build on the CPU: every part's command line, at sizes two cores finish in seconds
  build=${FRA_BUILD_DIR:-$root/build}
  device=(--set run.device=cpu --set run.precision=fp32 --set run.threads=2)
  r50=(--preset cpu-r18 --set data.batch_size=4 --set data.image_size=64 --set model.output_stride=32 "${device[@]}")
  r18=(--preset cpu-r18 --set data.batch_size=4 --set data.image_size=64 "${device[@]}")
  iters=2 train_steps=2
  python=${PYTHON:-/usr/bin/python3}  # Debian's python3-torch, the same LibTorch 1.13
  refdev=(--device cpu --arch resnet18 --bs 4 --res 64 --amp none --threads 2)
  datadev=(256 --workers 2 --device cpu --res 64 --batch 8 --batches 3)
else
  build=${FRA_CUDA_BUILD_DIR:-$root/build-cuda}
  device=(--set run.device=cuda)
  # ResNet-50, 224 px, batch 256, bf16 autocast, channels-last: performance.md's anchor settings
  r50=(--preset paper-r50 --set data.batch_size=256 --set data.image_size=224 --set run.threads=0)
  r18=(--preset cpu-r18 --set data.batch_size=256 --set run.device=cuda --set run.threads=0)
  refdev=(--bs 256 --res 224 --amp bf16)
  datadev=(8192 --workers 16,8 --batch 256 --batches 20)
fi
fra=$build/app/fra/fra

note() { echo "== $*" | tee -a "$out/log"; }
json() { echo "$1" | tee -a "$results"; }
record() {  # runs a command whose stdout ends with JSON lines; keeps those lines and the command's status
  local name=$1; shift
  note "$name: $*"
  local start=$(date +%s)
  timeout "${FRA_PART_TIMEOUT:-300}" "$@" > "$work/$name.out" 2> "$work/$name.err"
  local rc=$?
  grep '^{' "$work/$name.out" | sed "s/^{/{\"part\":\"$name\",/" | tee -a "$results"
  # a crash report (CrashReport: the signal, the phase, the stack) goes into the results too
  if grep -q "fra: fatal signal" "$work/$name.err"; then
    json "{\"part\":\"$name\",\"crash\":$(grep -A30 'fra: fatal signal' "$work/$name.err" | $python -c 'import json,sys;print(json.dumps(sys.stdin.read()))')}"
  fi
  tail -5 "$work/$name.err" >> "$out/log"
  json "{\"part\":\"$name\",\"rc\":$rc,\"seconds\":$(( $(date +%s) - start ))}"
  return $rc
}
with_memory() {  # record, plus the peak of nvidia-smi's memory.used (MiB) while it runs
  local name=$1; shift
  if [ $dry = 1 ] || ! command -v nvidia-smi >/dev/null; then record "$name" "$@"; return; fi
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > "$work/$name.mem" 2>/dev/null &
  local sampler=$!
  record "$name" "$@"
  local rc=$?
  kill $sampler 2>/dev/null; wait $sampler 2>/dev/null
  json "{\"part\":\"$name\",\"peak_gpu_memory_mib\":$(sort -n "$work/$name.mem" | tail -1 | tr -dc 0-9)}"
  return $rc
}
need() {  # the prepared input $2 of part $1, or a "skipped" line
  if [ -e "$2" ]; then return 0; fi
  json "{\"part\":\"$1\",\"skipped\":\"missing $2 (scripts/gpu-prepare.sh)\"}"
  return 1
}
store_set() { echo --data "$1" --set data.format=prepared; }

for part in $parts; do
  case $part in
  build)
    if [ $dry = 1 ]; then
      json "{\"part\":\"build\",\"dry_run\":true,\"fra\":\"$fra\",\"commit\":\"$(git -C "$root" rev-parse --short HEAD 2>/dev/null)\"}"
      continue
    fi
    json "{\"machine\":\"$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -1)\",\"cpus\":$(nproc),\"torch\":\"$($python -c 'import torch;print(torch.__version__)')\",\"commit\":\"$(git -C "$root" rev-parse --short HEAD 2>/dev/null)\"}"
    prefix="$($python -c 'import torch;print(torch.utils.cmake_prefix_path)')"
    extra=()
    if [ -d "$gpu/prefix" ]; then  # headers this machine lacks (nlohmann_json, CLI11, zlib, turbojpeg) and libturbojpeg
      prefix="$prefix;$gpu/prefix"
      [ -f /usr/include/zlib.h ] || extra+=(-DZLIB_INCLUDE_DIR="$gpu/prefix/include" -DZLIB_LIBRARY="$(ldconfig -p | awk '/libz\.so\.1 .*x86-64/ {print $NF; exit}')")
      [ -f /usr/include/turbojpeg.h ] || extra+=(-DFRA_TURBOJPEG_INCLUDE_DIR="$gpu/prefix/include" -DFRA_TURBOJPEG_LIBRARY="$gpu/prefix/lib/libturbojpeg.so")
    fi
    # nvJPEG: the toolkit's own, else the copy gpu-prepare.sh carried (Debian non-free's libnvjpeg11)
    nvjpeg_h=$(ls /usr/local/cuda/include/nvjpeg.h "$($python -c 'import nvidia,os;print(os.path.dirname(nvidia.__path__[0]))' 2>/dev/null)"/nvidia/*/include/nvjpeg.h 2>/dev/null | head -1)
    nvjpeg_so=$(ls /usr/local/cuda/lib64/libnvjpeg.so* 2>/dev/null | head -1)
    if [ -z "$nvjpeg_h" ] || [ -z "$nvjpeg_so" ]; then nvjpeg_h=$gpu/nvjpeg/include/nvjpeg.h; nvjpeg_so=$gpu/nvjpeg/lib/libnvjpeg.so.11; fi
    if [ -f "$nvjpeg_h" ] && [ -f "$nvjpeg_so" ]; then
      extra+=(-DFRA_WITH_NVJPEG=ON -DFRA_NVJPEG_INCLUDE_DIR="$(dirname "$nvjpeg_h")" -DFRA_NVJPEG_LIBRARY="$nvjpeg_so")
    else
      extra+=(-DFRA_WITH_NVJPEG=OFF)
    fi
    # NCCL: pip's nvidia-nccl package holds nccl.h
    nccl_h=$(ls "$($python -c 'import nvidia,os;print(os.path.dirname(nvidia.__path__[0]))' 2>/dev/null)"/nvidia/nccl/include/nccl.h /usr/local/cuda/include/nccl.h /usr/include/nccl.h 2>/dev/null | head -1)
    if [ -n "$nccl_h" ]; then extra+=(-DFRA_WITH_NCCL=ON -DFRA_NCCL_INCLUDE_DIR="$(dirname "$nccl_h")"); else extra+=(-DFRA_WITH_NCCL=OFF); fi
    json "{\"part\":\"build-inputs\",\"nvjpeg_header\":\"$nvjpeg_h\",\"nvjpeg_library\":\"$nvjpeg_so\",\"nccl_header\":\"$nccl_h\"}"
    generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
    start=$(date +%s)
    # no CUDA kernels of our own: the architecture list only quiets torch's detection
    TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0} cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DFRA_WITH_OPENCV=OFF -DFRA_WITH_GLOO=OFF -DFRA_WITH_CUDA=ON -DCMAKE_PREFIX_PATH="$prefix" "${extra[@]}" > "$out/build.log" 2>&1 &&
      cmake --build "$build" --target fra --parallel "$(nproc)" >> "$out/build.log" 2>&1
    rc=$?
    json "{\"part\":\"build\",\"rc\":$rc,\"seconds\":$(( $(date +%s) - start )),\"capabilities\":$("$fra" --version 2>/dev/null | tail -n +2 | $python -c 'import json,sys;print(json.dumps(dict(l.rstrip().split(": ",1) for l in sys.stdin if ": " in l)))' 2>/dev/null || echo null)}"
    if [ $rc -ne 0 ]; then tail -40 "$out/build.log"; exit 1; fi
    ;;
  parity)
    if [ $dry = 1 ]; then json '{"part":"parity","skipped":"needs a CUDA device"}'; continue; fi
    # fp32 without TF32, several steps; ResNet-50 with channels-last on and off and with learned queries:
    # where the step-2 gap of 2026-11-28 comes from (each line names the parameters that differ most)
    record parity-r18 "$fra" bench parity --preset cpu-r18 --set data.batch_size=32 --steps 3
    record parity-r50-nhwc "$fra" bench parity --preset paper-r50 --set data.batch_size=8 --set data.image_size=224 --steps 4
    record parity-r50-nchw "$fra" bench parity --preset paper-r50 --set data.batch_size=8 --set data.image_size=224 --set run.channels_last=false --steps 4
    record parity-r50-learned "$fra" bench parity --preset paper-r50 --set data.batch_size=8 --set data.image_size=224 --set model.query_init=learned --steps 4
    ;;
  exit)
    # the processes end cleanly (2026-11-28: bench train died with SIGSEGV after its last step): a whole
    # pretraining to its last step and `bench train`, each judged by its exit status and run state
    store=$gpu/faces-112.frastore
    need exit "$store" || continue
    record exit-pretrain "$fra" pretrain "${r18[@]}" --set data.batch_size=32 $(store_set "$store") --set run.max_steps=12 \
      --set run.checkpoint_every=5 --set run.heatmap_every=0 --out "$work/exit-run" --quiet
    json "{\"part\":\"exit-pretrain\",\"state\":$($python -c 'import json,sys;print(json.dumps(json.load(open(sys.argv[1]))["state"]))' "$work/exit-run/run.json" 2>/dev/null || echo null)}"
    record exit-bench-train "$fra" bench train "${r18[@]}" --set data.batch_size=32 $(store_set "$store") --steps 5 --warmup 2
    ;;
  step-fra|step-byol)
    with_memory "$part" "$fra" bench step "${r50[@]}" --mode "${part#step-}" --iters "$iters" --warmup 5 ;;
  step-fra-graph)
    if [ $dry = 1 ]; then json '{"part":"step-fra-graph","skipped":"CUDA graphs need a CUDA device"}'; continue; fi
    with_memory "$part" "$fra" bench step "${r50[@]}" --set run.cuda_graph=true --mode fra --iters "$iters" --warmup 5 ;;
  profile-fra)
    record "$part" "$fra" bench step "${r50[@]}" --mode fra --iters 2 --warmup 5 --profile 3 ;;
  profile-fra-graph)
    if [ $dry = 1 ]; then json '{"part":"profile-fra-graph","skipped":"CUDA graphs need a CUDA device"}'; continue; fi
    record "$part" "$fra" bench step "${r50[@]}" --set run.cuda_graph=true --mode fra --iters 2 --warmup 5 --profile 3 ;;
  train-jpeg|train-jpeg-cpu|train-raw|train-folder)
    case $part in
      train-jpeg) data=$gpu/faces-256.frastore; extra=($(store_set "$data") --set data.jpeg_decoder=auto) ;;
      train-jpeg-cpu) data=$gpu/faces-256.frastore; extra=($(store_set "$data") --set data.jpeg_decoder=cpu) ;;
      train-raw) data=$gpu/faces-256-raw.frastore; extra=($(store_set "$data")) ;;
      train-folder) data=$gpu/faces; extra=(--data "$data" --set data.format=folder --set data.augment=device --set data.decode_size=256) ;;
    esac
    need "$part" "$data" || continue
    [ $dry = 1 ] && extra+=(--set data.decode_size=72)
    for graph in false true; do
      [ $dry = 1 ] && [ $graph = true ] && continue
      with_memory "$part$([ $graph = true ] && echo -graph)" "$fra" bench train "${r50[@]}" "${extra[@]}" --set run.cuda_graph=$graph \
        --set data.workers="$([ $dry = 1 ] && echo 2 || echo 14)" --steps "$train_steps" --warmup 6
    done ;;
  nccl1)
    if [ $dry = 1 ]; then json '{"part":"nccl1","skipped":"NCCL needs a CUDA device"}'; continue; fi
    # the NCCL process group with one rank (FRA_PROCESS_GROUP=1): gradient buckets, the method's
    # cross-rank means and the loss reduction all go through NCCL
    store=$gpu/faces-112.frastore
    need nccl1 "$store" || continue
    FRA_PROCESS_GROUP=1 WORLD_SIZE=1 RANK=0 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=29531 \
      record nccl1 "$fra" pretrain "${r18[@]}" --set data.batch_size=32 $(store_set "$store") --set run.max_steps=10 --out "$work/nccl1-run" --quiet
    json "{\"part\":\"nccl1\",\"log\":$(grep -m1 'training steps' "$work/nccl1-run/run.log" | $python -c 'import json,sys;print(json.dumps(sys.stdin.read().strip()))')}"
    ;;
  regions)
    # the regions at scale: ResNet-18 at 112 px, batch 256, the published decoder (zeros) against learned
    # queries, each for FRA_REGION_MINUTES; region_cos, L_r and heat entropy as they go
    store=$gpu/faces-112.frastore
    need regions "$store" || continue
    minutes=${FRA_REGION_MINUTES:-2}
    [ $dry = 1 ] && minutes=0.2
    for init in zeros learned; do
      rm -rf "$work/regions-$init"
      timeout --signal=INT "$(awk -v m="$minutes" 'BEGIN{print int(m*60)}')" "$fra" pretrain "${r18[@]}" $(store_set "$store") \
        --set model.query_init=$init --set optim.epochs=1000 --set run.heatmap_every=100 --out "$work/regions-$init" --quiet > /dev/null 2>&1
      $python - "$work/regions-$init" "$init" <<'PY' | tee -a "$results"
import json, sys
run, init = sys.argv[1:]
rows = []
for line in open(f"{run}/metrics.jsonl"):
    try: rows.append(json.loads(line))
    except ValueError: pass
pick = [r for i, r in enumerate(rows) if i in (0, len(rows) // 4, len(rows) // 2, 3 * len(rows) // 4, len(rows) - 1)]
print(json.dumps({"part": "regions", "query_init": init, "steps": len(rows),
                  "trajectory": [{k: r.get(k) for k in ("step", "l_c", "l_r", "region_cos", "heat_entropy", "img_per_s")} for r in pick]}))
PY
    done ;;
  ref-*)
    case $part in
    ref-data) record "$part" $python "$refs/data_ref.py" "${datadev[@]}" ;;
    ref-fra-compiled)
      if [ $dry = 1 ]; then json '{"part":"ref-fra-compiled","skipped":"torch.compile needs the GPU machine'"'"'s torch 2.x"}'; continue; fi
      record "$part" $python "$refs/fra_ref.py" --mode fra "${refdev[@]}" --iters "$iters" --compile ;;
    *) record "$part" $python "$refs/fra_ref.py" --mode "${part#ref-}" "${refdev[@]}" --iters "$iters" ;;
    esac ;;
  *) echo "unknown part '$part'" >&2; exit 2 ;;
  esac
done
echo "results: $results"
