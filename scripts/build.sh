#!/usr/bin/env bash
# Configures and builds into build/ (Release; Ninja and ccache when available).
#   scripts/build.sh [extra cmake arguments]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FRA_BUILD_DIR:-$root/build}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
elif [ $# -gt 0 ]; then
  cmake "$build" "$@"
fi
# 1.3 GB per LibTorch translation unit: one job per core, at most one per 2 GB of memory.
mem_jobs=$(( $(awk '/MemAvailable/ {print int($2 / 2097152)}' /proc/meminfo) ))
jobs=$(nproc)
[ "$mem_jobs" -lt "$jobs" ] && jobs=$(( mem_jobs > 0 ? mem_jobs : 1 ))
cmake --build "$build" --parallel "$jobs"
