#!/usr/bin/env bash
# Builds the Debian package, unpacks it into a temporary root and checks that the installed
# files alone work: fra --help, presets, plugin discovery, a tiny pre-training, heatmaps, the
# workbench's start-up (offscreen), the desktop entry and AppStream metadata, and that running
# them writes nothing into the install prefix.
#   tests/installer/test-package.sh BUILD_DIR [dbgsym]   (dbgsym: the build has line tables; check the -dbgsym package)
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/pkg" > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/pkg/fra-workbench-cpu_*.deb) || fail "no fra-workbench-cpu package"
echo "package: $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libtorch libqt6widgets6 libopencv-core libqcustomplot; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib (computed from the linked libraries)"
done
[ "$(dpkg-deb -f "$deb" Conflicts)" = "fra-workbench-cuda" ] || fail "the CPU package must conflict with the CUDA one"
# Slurm's clients only suggested: they pull in munge, and installing the package must start no daemon
[ "$(dpkg-deb -f "$deb" Suggests)" = "slurm-client" ] || fail "the package must suggest slurm-client (fra submit slurm)"
! grep -Eq "slurm|munge" <<<"$depends $(dpkg-deb -f "$deb" Recommends)" || fail "slurm-client or munge must not be a dependency or recommendation"

root="$work/root"
dpkg-deb -x "$deb" "$root"
contents=$(cd "$root" && find . | sort)
for f in usr/bin/fra usr/bin/fra-workbench usr/lib/fra-workbench/plugins/fra_dataset_rafdb.so \
         usr/share/fra-workbench/presets/cpu-r18.json usr/share/fra-workbench/eval-presets/cpu-lp.json \
         usr/share/fra-workbench/scripts/fetch-samples.sh usr/share/fra-workbench/translations/fra-workbench.ts \
         usr/share/applications/fra-workbench.desktop \
         usr/share/metainfo/io.github.fra_workbench.FraWorkbench.metainfo.xml \
         usr/share/icons/hicolor/scalable/apps/fra-workbench.svg usr/share/man/man1/fra.1.gz \
         usr/share/bash-completion/completions/fra; do
  [ -e "$root/$f" ] || fail "missing $f"
done
desktop-file-validate "$root/usr/share/applications/fra-workbench.desktop" || fail "desktop entry"
# a manual page per subcommand and for the workbench, made from each one's own --help
for sub in pretrain resume runs remote export bench presets config heatmaps datasets finetune eval compare submit prepare samples; do
  zcat "$root/usr/share/man/man1/fra-$sub.1.gz" | grep '^\.SH OPTIONS' >/dev/null || fail "fra-$sub(1) is missing or has no options"
done
zcat "$root/usr/share/man/man1/fra-submit.1.gz" | grep "slurm" >/dev/null || fail "fra-submit(1) does not list its subcommands"
zcat "$root/usr/share/man/man1/fra-workbench.1.gz" | grep -F '\-\-runs' >/dev/null || fail "fra-workbench(1) lacks the workbench's options"
# bash completion: the subcommands, a subcommand's options and the presets, from the installed fra
completion="$root/usr/share/bash-completion/completions/fra"
bash -n "$completion" || fail "the bash completion does not parse"
complete_words() {  # what completing `fra WORDS...` offers, with the completion's own fallbacks
  bash -c '_init_completion() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
           _filedir() { :; }
           source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _fra; printf "%s
" "${COMPREPLY[@]}"' _ "$completion" "$@"
}
complete_words "$root/usr/bin/fra" "" | grep -x "pretrain" >/dev/null || fail "completion lacks the subcommands"
complete_words "$root/usr/bin/fra" submit "" | grep -x "slurm" >/dev/null || fail "completion lacks fra submit's subcommands"
complete_words "$root/usr/bin/fra" pretrain --st | grep -x -- "--steps" >/dev/null || fail "completion lacks pretrain's options"
grep -q "<project_license>GPL-3.0-or-later</project_license>" "$root/usr/share/metainfo/io.github.fra_workbench.FraWorkbench.metainfo.xml" \
  && cmp -s "$root/usr/share/doc/fra-workbench-cpu/copyright" /usr/share/common-licenses/GPL-3 || fail "the metadata's licence and the installed COPYING disagree"

# debug symbols in their own package, by build id, so a crash report's addresses can be symbolised
if [ "${2:-}" = dbgsym ]; then
  ddeb=$(ls "$work"/pkg/fra-workbench-cpu-dbgsym_*.ddeb) || fail "no fra-workbench-cpu-dbgsym package"
  [ "$(dpkg-deb -f "$ddeb" Depends)" = "fra-workbench-cpu (= $(dpkg-deb -f "$deb" Version))" ] || fail "the dbgsym package must depend on its exact build"
  dpkg-deb -x "$ddeb" "$work/dbg"
  for program in fra fra-workbench; do
    id=$(readelf -n "$root/usr/bin/$program" | awk '/Build ID/ {print $3}')
    symbols="$work/dbg/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
    [ -n "$id" ] && [ -f "$symbols" ] || fail "no debug symbols for $program (build id '$id')"
    sections=$(readelf -S "$root/usr/bin/$program")  # whole, then searched: grep -q would cut readelf's pipe (pipefail)
    ! grep -q '\.debug_line' <<<"$sections" || fail "the installed $program still carries its debug information"
  done
  symbols="$work/dbg/usr/lib/debug/.build-id/$(readelf -n "$root/usr/bin/fra" | awk '/Build ID/ {print substr($3, 1, 2) "/" substr($3, 3)}').debug"
  address=$(nm -C "$symbols" | awk '/ T fra::RunDirectory::open\(/ && !found {print $1; found = 1}')  # no early exit: SIGPIPE under pipefail
  addr2line -C -f -e "$symbols" "0x$address" | tee "$work/symbolised.txt" | grep "core/run/RunDirectory.cpp:[0-9]" >/dev/null \
    || { cat "$work/symbolised.txt"; fail "an address of fra does not symbolise to a source line"; }
fi

appstreamcli validate --no-net --pedantic "$root/usr/share/metainfo/io.github.fra_workbench.FraWorkbench.metainfo.xml" > "$work/as.log" 2>&1 \
  || { cat "$work/as.log"; grep -q "E:" "$work/as.log" && fail "AppStream metadata"; }

# the installed programs, with nothing pointing at the build or source tree
export -n FRA_RESOURCE_DIR FRA_PLUGIN_DIR FRA_SAMPLES 2>/dev/null || true
unset FRA_RESOURCE_DIR FRA_PLUGIN_DIR FRA_SAMPLES
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$HOME"
fra="$root/usr/bin/fra"
"$fra" --help > /dev/null || fail "fra --help"
"$fra" --version | grep "FRA Workbench" >/dev/null || fail "fra --version"
"$fra" presets | grep "^cpu-r18" >/dev/null || fail "presets are not found from the installed files"
[ "$("$fra" datasets | wc -l)" -eq 9 ] || { "$fra" datasets; fail "expected 9 dataset plugins"; }

mkdir -p "$work/faces"
/usr/bin/python3 - "$work/faces" <<'PY'
import sys, numpy as np
from PIL import Image
rng = np.random.default_rng(0)
for i in range(8):
    small = rng.integers(0, 255, (6, 6, 3), dtype=np.uint8)
    Image.fromarray(small).resize((48, 48), Image.BICUBIC).save(f"{sys.argv[1]}/face_{i}.png")
PY
"$fra" pretrain --data "$work/faces" --out "$work/runs/tiny" --steps 2 --quiet \
  --set model.num_regions=4 --set model.embed_dim=16 --set model.hidden_dim=32 --set model.decoder_heads=2 \
  --set data.image_size=32 --set data.batch_size=4 --set run.threads=2 --set run.probe_images=2 > "$work/pretrain.log" 2>&1 \
  || { cat "$work/pretrain.log"; fail "fra pretrain from the installed files"; }
grep -q '"finished"' "$work/runs/tiny/run.json" || fail "the run did not finish"
"$fra" heatmaps "$work/runs/tiny" "$work/faces/face_0.png" --out "$work/maps" > /dev/null || fail "fra heatmaps"
[ -s "$work/maps/face_0_regions.png" ] || fail "no heatmap PNG"

QT_QPA_PLATFORM=offscreen timeout 60 "$root/usr/bin/fra-workbench" --runs "$work/runs" --quit-after 3 > "$work/gui.log" 2>&1 \
  || { cat "$work/gui.log"; fail "fra-workbench start-up"; }

[ "$contents" = "$(cd "$root" && find . | sort)" ] || fail "running the programs wrote into the install prefix"
echo "package test passed"
