#!/usr/bin/env bash
# The main job: installs what is missing, builds, fetches the real-face sample pool, then opens
# the workbench and starts a demo pre-training (cpu-r18-demo: 6-8 minutes on 2 cores, the
# facial regions separate within the first minute) on the pool. Without a display (a GPU server, ssh) it runs the same demo
# with the `fra` command line and renders the heatmaps to PNG instead.
#   scripts/demo.sh [--steps N] [--cli]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
steps=0 cli=0
while [ $# -gt 0 ]; do
  case $1 in
    --steps) steps=$2; shift 2 ;;
    --cli) cli=1; shift ;;
    *) echo "usage: scripts/demo.sh [--steps N] [--cli]" >&2; exit 2 ;;
  esac
done
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
"$root/scripts/fetch-samples.sh"
pool=${FRA_SAMPLES:-${XDG_DATA_HOME:-$HOME/.local/share}/fra-workbench/samples}
mkdir -p "$root/runs"
gui="$root/build/app/workbench/fra-workbench"
if [ $cli = 0 ] && [ -x "$gui" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec "$gui" --runs "$root/runs" --demo "$pool/faces" --steps "$steps"
fi
echo "demo: no display, running the command-line demo (the workbench needs DISPLAY or WAYLAND_DISPLAY)"
run="$root/runs/demo-$(date +%Y%m%d-%H%M%S)"
fra="$root/build/app/fra/fra"
steps_arg=(); [ "$steps" -gt 0 ] && steps_arg=(--steps "$steps")
"$fra" pretrain --preset cpu-r18-demo --data "$pool/faces" --out "$run" "${steps_arg[@]}"
"$fra" heatmaps "$run" "$run"/probes/probe_0*.png --out "$run/heatmaps-rendered"
echo "demo run: $run (open it later with: $gui --runs $root/runs)"
