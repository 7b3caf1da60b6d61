#!/usr/bin/env bash
# Builds and runs every test: installs what is missing, builds with tests, fetches the sample
# pool (one test pre-trains on it), runs ctest on all cores. CI's .ci/run calls exactly this.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --test
"$root/scripts/build.sh" -DFRA_BUILD_TESTS=ON
"$root/scripts/fetch-samples.sh"
cd "${FRA_BUILD_DIR:-$root/build}"
ctest --output-on-failure --parallel "$(nproc)" "$@"
