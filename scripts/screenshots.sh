#!/usr/bin/env bash
# The README's screenshots from a real run: opens the run in fra-workbench under Xvfb on the
# facial-regions view, lets it draw for 15 s, saves the main views and copies two of them:
#   heatmaps.png -> OUT/workbench-regions.png, monitor.png -> OUT/workbench-monitor.png
# and, where the build has the GUI tests, the dark-palette test's Monitor view -> OUT/workbench-dark.png
#   scripts/screenshots.sh [RUN (default: the newest run under runs/ with heatmaps)] [OUT (default: docs/)]
# Needs a built workbench (scripts/build.sh) and xvfb-run (Debian: xvfb, xauth).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
gui="$root/build/app/workbench/fra-workbench"
[ -x "$gui" ] || { echo "screenshots.sh: $gui is missing; run scripts/build.sh first" >&2; exit 2; }
command -v xvfb-run >/dev/null || { echo "screenshots.sh: xvfb-run is missing (Debian packages xvfb, xauth)" >&2; exit 2; }

run=${1:-}
if [ -z "$run" ]; then
  # newest first; a run with heatmaps has a non-empty heatmaps/index.jsonl
  while IFS= read -r dir; do
    if [ -s "$dir/heatmaps/index.jsonl" ]; then run=$dir; break; fi
  done < <(ls -1dt "$root"/runs/*/ 2>/dev/null | sed 's:/$::')
  [ -n "$run" ] || { echo "screenshots.sh: no run with heatmaps under $root/runs (give one: scripts/screenshots.sh RUN)" >&2; exit 2; }
fi
[ -d "$run" ] || { echo "screenshots.sh: no run folder '$run'" >&2; exit 2; }
run=$(cd "$run" && pwd)
out=${2:-$root/docs}
mkdir -p "$out"

shots=$(mktemp -d)
trap 'rm -rf "$shots"' EXIT
xvfb-run -a -s "-screen 0 1600x1000x24" "$gui" --runs "$(dirname "$run")" --show "$run" \
  --quit-after 15 --screenshots "$shots"
for f in heatmaps monitor; do
  [ -s "$shots/$f.png" ] || { echo "screenshots.sh: the workbench saved no $f.png" >&2; exit 1; }
done
cp "$shots/heatmaps.png" "$out/workbench-regions.png"
cp "$shots/monitor.png" "$out/workbench-monitor.png"
if [ -x "$root/build/tests/ui/test_dark_theme" ]; then
  FRA_SCREENSHOT_DIR="$shots/themes" ctest --test-dir "$root/build" -R '^test_dark_theme$' >/dev/null
  cp "$shots/themes/dark/monitor.png" "$out/workbench-dark.png"
fi
echo "screenshots.sh: $run -> $out/workbench-regions.png, $out/workbench-monitor.png"
