#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser (tests/fuzz/targets) with libFuzzer under
# AddressSanitizer and UndefinedBehaviorSanitizer, in its own build folder (build-fuzz/, clang).
# Each target starts from its seeds (tests/fuzz/seeds/<target>, copied: the committed seeds stay as
# they are) and runs until SECONDS_PER_TARGET or 10^6 executions, whichever comes first. Prints one
# JSON line per target (executions, seconds, crashes); a crash leaves its input in
# build-fuzz/findings/<target>/ and the script exits 1 at the end.
#   scripts/fuzz.sh [SECONDS_PER_TARGET (default 300)] [TARGET ...]
#   FRA_FUZZ_JOBS=2 runs that many targets at once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
shift || true
build=${FRA_FUZZ_BUILD_DIR:-$root/build-fuzz}
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is missing (Debian packages clang, libclang-rt-14-dev)" >&2; exit 2; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build/CMakeCache.txt" ]; then
  CXX=clang++ CC=clang cmake -S "$root" -B "$build" -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFRA_FUZZING=ON >&2
fi
jobs=$(nproc)
cmake --build "$build" --target fuzz_targets --parallel "$jobs" >&2  # stdout is the JSON lines

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$build"/tests/fuzz/fuzz_*; do [ -x "$f" ] && targets+=("$(basename "$f" | sed 's/^fuzz_//')"); done
fi
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0}
export FRA_RESOURCE_DIR="$root/resources" OMP_NUM_THREADS=1

run_target() {
  local name=$1 corpus="$build/corpus/$1" findings="$build/findings/$1" log="$build/logs/$1.log"
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  cp -n "$root/tests/fuzz/seeds/$name"/* "$corpus"/ 2>/dev/null || true
  local start=$(date +%s) status=0
  # -rss_limit_mb: LibTorch's archive reader maps a whole (fuzzed) file; the checkpoint target needs room
  (cd "$findings" && "$build/tests/fuzz/fuzz_$name" "$corpus" -max_total_time="$seconds" -runs=1000000 \
      -max_len=65536 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1) >"$log" 2>&1 || status=$?
  local runs crashes
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  crashes=$(find "$findings" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  echo "{\"bench\": \"fuzz\", \"target\": \"$name\", \"executions\": ${runs:-0}, \"seconds\": $(( $(date +%s) - start )), \"crashes\": $crashes, \"exit\": $status, \"corpus\": $(ls "$corpus" | wc -l), \"commit\": \"$commit\"}"
  [ "$crashes" -eq 0 ] && [ "$status" -eq 0 ]
}

failed=0
pids=()
for name in "${targets[@]}"; do
  run_target "$name" &
  pids+=($!)
  if [ ${#pids[@]} -ge "${FRA_FUZZ_JOBS:-1}" ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
[ "$failed" -eq 0 ] || echo "fuzz.sh: findings in $build/findings (logs in $build/logs)" >&2
exit "$failed"
