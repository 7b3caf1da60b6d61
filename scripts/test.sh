#!/usr/bin/env bash
# Builds and runs every test: installs what is missing, builds the headless configuration (no Qt,
# no OpenCV) and the full one with tests, fetches the sample pool (one test pre-trains on it), runs
# ctest on all cores. CI's .ci/run calls exactly this.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --test
# the build a GPU server gets (no Qt, no OpenCV): its `fra` is tested against the full build's
headless=${FRA_HEADLESS_BUILD_DIR:-$root/build-headless}
FRA_BUILD_DIR="$headless" "$root/scripts/build.sh" -DFRA_WITH_OPENCV=OFF -DFRA_BUILD_GUI=OFF -DFRA_BUILD_TESTS=OFF -DFRA_WITH_DLIB=OFF
"$root/scripts/build.sh" -DFRA_BUILD_TESTS=ON -DFRA_HEADLESS_CLI="$headless/app/fra/fra"
"$root/scripts/fetch-samples.sh"
cd "${FRA_BUILD_DIR:-$root/build}"
ctest --output-on-failure --parallel "$(nproc)" "$@"
