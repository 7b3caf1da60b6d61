#!/usr/bin/env bash
# A capability that is asked for and cannot be had stops the configure, naming what to install
# or which option to change (never a build that silently lacks it).
#   configure-options.sh SOURCE_DIR
set -uo pipefail
src=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0
expect_refusal() {  # OPTION FRAGMENT
  rm -rf "$scratch/b"
  if cmake -S "$src" -B "$scratch/b" -G Ninja "$1" >"$scratch/log" 2>&1; then
    echo "FAIL: configure with $1 succeeded"; failed=1
  elif ! grep -q "$2" "$scratch/log"; then
    echo "FAIL: configure with $1 failed without naming '$2':"; grep -A4 "CMake Error" "$scratch/log"; failed=1
  else
    echo "ok: $1 refused, naming '$2'"
  fi
}
if ! ls /usr/lib/x86_64-linux-gnu/libc10_cuda.so >/dev/null 2>&1; then
  expect_refusal -DFRA_WITH_CUDA=ON "libtorch-dev is"
fi
expect_refusal -DFRA_WITH_NCCL=ON "FRA_WITH_NCCL needs FRA_WITH_CUDA"
expect_refusal -DFRA_WITH_NVJPEG=ON "FRA_WITH_NVJPEG needs FRA_WITH_CUDA"
# libjpeg-turbo is needed by every build: hidden, the configure names its Debian package
expect_refusal -DFRA_TURBOJPEG_INCLUDE_DIR=/nonexistent "libturbojpeg0-dev"
expect_refusal -DFRA_WITH_DLIB=OFF "FRA_BUILD_TESTS needs FRA_WITH_DLIB"
# Qt's translation tools (the workbench's translation template): hidden, the configure names their packages
expect_refusal -DCMAKE_DISABLE_FIND_PACKAGE_Qt6LinguistTools=ON "qt6-l10n-tools"
exit $failed
