#!/usr/bin/env bash
# Prepares .gpu/, the inputs scripts/gpu-check.sh carries to a GPU machine that has a Python torch but
# no network, no OpenCV and maybe no nvJPEG (a typical GPU server): run it here, on the Debian machine
# with the sample pool and a build, then hand .gpu/ over with the working tree (64 MiB at most).
#   scripts/gpu-prepare.sh [FACES]      (FACES: how many pool faces, default 1024)
# Makes:
#   .gpu/prefix/     nlohmann_json, CLI11, zlib and TurboJPEG headers with their CMake files, libturbojpeg
#   .gpu/nvjpeg/     nvjpeg.h and libnvjpeg.so.11 from Debian non-free (nvidia-cuda-dev, libnvjpeg11; it
#                    links the CUDA runtime statically), for a toolkit without nvJPEG
#   .gpu/bench/      the two Python reference scripts (fra_ref.py, data_ref.py) from $FRA_REFERENCE_DIR
#   .gpu/faces/      FACES pool faces as 256 px baseline JPEGs (quality 90): the JPEG folder
#   .gpu/faces-256.frastore   `fra prepare --size 256` of that folder (JPEG; the faces are copied as they are)
#   .gpu/faces-112.frastore   `fra prepare --size 112` (JPEG, quality 95): the ResNet-18 runs
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
count=${1:-1024}
gpu=$root/.gpu
fra=${FRA:-$root/build/app/fra/fra}
pool=${FRA_SAMPLES:-${XDG_DATA_HOME:-$HOME/.local/share}/fra-workbench/samples}
[ -x "$fra" ] || { echo "gpu-prepare: build first (scripts/build.sh)" >&2; exit 1; }
[ -d "$pool/faces" ] || { echo "gpu-prepare: no sample pool at $pool (scripts/fetch-samples.sh)" >&2; exit 1; }
rm -rf "$gpu"
mkdir -p "$gpu"/prefix/{include,lib,share/cmake} "$gpu"/nvjpeg/{include,lib} "$gpu"/bench "$gpu"/faces

cp -r /usr/include/nlohmann /usr/include/CLI /usr/include/zlib.h /usr/include/zconf.h /usr/include/turbojpeg.h "$gpu/prefix/include/"
cp -r /usr/share/cmake/nlohmann_json /usr/share/cmake/CLI11 "$gpu/prefix/share/cmake/"
cp -L /usr/lib/x86_64-linux-gnu/libturbojpeg.so.0 "$gpu/prefix/lib/"
ln -s libturbojpeg.so.0 "$gpu/prefix/lib/libturbojpeg.so"
refs=${FRA_REFERENCE_DIR:-$root/../shared/bench}
[ -f "$refs/fra_ref.py" ] || { echo "gpu-prepare: set FRA_REFERENCE_DIR to the folder of the Python reference scripts (fra_ref.py, data_ref.py)" >&2; exit 1; }
cp "$refs"/*.py "$gpu/bench/"

# nvJPEG from Debian non-free, fetched with a sources list of its own (the machine's stays as it is)
apt=$(mktemp -d)
trap 'rm -rf "$apt"' EXIT
mkdir -p "$apt"/lists/partial "$apt"/cache/archives/partial
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm non-free" > "$apt/sources.list"
opts=(-o Dir::Etc::sourcelist="$apt/sources.list" -o Dir::Etc::sourceparts=/dev/null -o Dir::State::Lists="$apt/lists"
      -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root)
apt-get "${opts[@]}" update -qq
(cd "$apt" && apt-get "${opts[@]}" download -qq libnvjpeg11 nvidia-cuda-dev)
dpkg-deb -x "$apt"/libnvjpeg11_*.deb "$apt/x"
dpkg-deb --fsys-tarfile "$apt"/nvidia-cuda-dev_*.deb | tar -x -C "$apt/x" ./usr/include/nvjpeg.h
cp "$apt/x/usr/include/nvjpeg.h" "$gpu/nvjpeg/include/"
cp -L "$apt"/x/usr/lib/x86_64-linux-gnu/libnvjpeg.so.11 "$gpu/nvjpeg/lib/"

# the JPEG folder: pool faces enlarged to 256 px, as data_ref.py writes its own
/usr/bin/python3 - "$pool/faces" "$gpu/faces" "$count" <<'PY'
import os, sys
from PIL import Image
src, dst, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.lower().endswith((".jpg", ".jpeg", ".png")))[:count]
for i, f in enumerate(files):
    Image.open(f).convert("RGB").resize((256, 256), Image.BICUBIC).save(f"{dst}/{i:05d}.jpg", quality=90)
print(f"gpu-prepare: {len(files)} faces at 256 px")
PY
"$fra" prepare --data "$gpu/faces" --out "$gpu/faces-256.frastore" --size 256
"$fra" prepare --data "$gpu/faces" --out "$gpu/faces-112.frastore" --size 112
du -sh "$gpu"
echo "run on the GPU machine: scripts/gpu-check.sh OUT   (the device tool: carry .gpu)"
