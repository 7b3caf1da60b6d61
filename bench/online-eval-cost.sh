#!/usr/bin/env bash
# What the online evaluation (run.eval_every) costs: trains the demo preset on the sample pool with
# its online evaluation (or reads a finished RUN), and prints one JSON line: the evaluations, their
# summed wall time, the summed time of the training steps (the evaluations are not in it), and
# their ratio, against the 10 % target.
#   bench/online-eval-cost.sh [RUN]       (no RUN: a fresh cpu-r18-demo run in a temporary folder)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fra=${FRA:-$here/build/app/fra/fra}
pool=${FRA_SAMPLES:-${XDG_DATA_HOME:-$HOME/.local/share}/fra-workbench/samples}
run=${1:-}
if [ -z "$run" ]; then
  run=$(mktemp -d)/demo
  "$fra" pretrain --preset cpu-r18-demo --data "$pool/faces" --out "$run" --quiet >/dev/null
fi
/usr/bin/python3 - "$run" <<'PY'
import json, sys
run = sys.argv[1]
config = json.load(open(f"{run}/config.json"))
batch = config["data"]["batch_size"]
steps = [json.loads(line) for line in open(f"{run}/metrics.jsonl") if line.endswith("\n")]
train = sum(batch / s["img_per_s"] for s in steps)
evals = [s for s in steps if "eval_s" in s]
spent = sum(s["eval_s"] for s in evals)
last = evals[-1] if evals else {}
print(json.dumps({"bench": "online_eval_cost", "preset": config.get("preset"), "steps": len(steps), "evaluations": len(evals),
                  "eval_seconds": round(spent, 2), "train_seconds": round(train, 2), "fraction": round(spent / train, 4),
                  "target_fraction": 0.10, "eval_images": config["run"]["eval_images"],
                  "last_knn_top1": last.get("knn_top1"), "last_readout_nme": last.get("readout_nme")}))
PY
