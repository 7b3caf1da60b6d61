#!/usr/bin/env bash
# The main job: installs what is missing, builds, fetches the real-face sample pool and runs a
# short FRA pre-training demo on it with the `fra` command line, then renders the learned
# facial-region heatmaps of the probe faces.
#   scripts/demo.sh [extra `fra pretrain` arguments, e.g. --steps 500]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
"$root/scripts/fetch-samples.sh"
pool=${FRA_SAMPLES:-${XDG_DATA_HOME:-$HOME/.local/share}/fra-workbench/samples}
run="$root/runs/demo-$(date +%Y%m%d-%H%M%S)"
fra="$root/build/app/fra/fra"
"$fra" pretrain --preset cpu-r18 --data "$pool/faces" --out "$run" --steps 200 "$@"
"$fra" heatmaps "$run" "$run"/probes/probe_0*.png --out "$run/heatmaps-rendered"
echo "demo run: $run (metrics.jsonl, heatmaps/, checkpoints/; rendered heatmaps in heatmaps-rendered/)"
