"""Checks an evaluation folder's samples.csv against its result.json, independently of the
workbench: pandas reads the file, the metrics are computed again from it (the landmark AUC by
integrating the cumulative error curve numerically), and every interval is compared with
scipy.stats.bootstrap (BCa, 9,999 resamples) on the same per-sample values: within 5 % of the
interval's width, since the resamples differ.

    python3 check_sample_outcomes.py EVAL_DIR TASK OUTER_EYE_A OUTER_EYE_B
"""
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
from scipy import stats

folder, task = sys.argv[1], sys.argv[2]
result = json.load(open(os.path.join(folder, "result.json")))
samples = pd.read_csv(os.path.join(folder, "samples.csv"))
metrics, intervals = result["metrics"], result["intervals"]
problems = []


def close(name, ours, theirs, tol=1e-6):
    if not np.isclose(ours, theirs, rtol=tol, atol=tol):
        problems.append(f"{name}: result.json {ours} but samples.csv gives {theirs}")


if len(samples) != result["test_faces"]:
    problems.append(f"{len(samples)} rows for {result['test_faces']} test faces")
values = {}
if task == "classes":
    correct = (samples["label"] == samples["predicted"]).astype(float)
    if not (correct == samples["correct"]).all():
        problems.append("the correct column disagrees with label == predicted")
    close("top1", metrics["top1"], correct.mean())
    values["top1"] = correct.to_numpy()
elif task == "landmarks":
    a, b = int(sys.argv[3]), int(sys.argv[4])
    points = sum(1 for c in samples.columns if c.startswith("pred_x"))
    pred = np.stack([samples[[f"pred_x{k}", f"pred_y{k}"]].to_numpy() for k in range(points)], axis=1)
    true = np.stack([samples[[f"true_x{k}", f"true_y{k}"]].to_numpy() for k in range(points)], axis=1)
    nme = np.linalg.norm(pred - true, axis=2).mean(axis=1) / np.linalg.norm(true[:, a] - true[:, b], axis=1)
    if not np.allclose(nme, samples["nme"], rtol=1e-5):
        problems.append("the nme column disagrees with the points")
    close("nme", metrics["nme"], nme.mean(), 1e-5)
    values["nme"] = nme
    grid = np.linspace(0, 0.1, 200001)
    ced = np.searchsorted(np.sort(nme), grid, side="right") / len(nme)
    for t in (0.08, 0.1):
        key = f"{t:g}"
        close(f"fr@{key}", metrics[f"fr@{key}"], (nme > t).mean())
        upto = grid <= t + 1e-12
        area = np.trapz(ced[upto], grid[upto]) / t
        close(f"auc@{key}", metrics[f"auc@{key}"], area, 1e-4)
        values[f"fr@{key}"] = (nme > t).astype(float)
        values[f"auc@{key}"] = np.maximum(0, t - nme) / t
    if metrics.get("nme_normaliser") != "outer eye corners":
        problems.append("the NME does not name its normaliser")

for name, v in values.items():
    ours = intervals.get(name)
    if ours is None:
        problems.append(f"no interval for {name}")
        continue
    if ours["resamples"] < 9999 or ours["level"] != 0.95:
        problems.append(f"{name}: {ours['resamples']} resamples at level {ours['level']}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = stats.bootstrap((v,), np.mean, n_resamples=9999, confidence_level=0.95, method="BCa", random_state=0)
    low, high = ref.confidence_interval
    if not np.isfinite(low) or not np.isfinite(high):
        if ours["method"] != "percentile":
            problems.append(f"{name}: BCa is undefined here, yet the method says {ours['method']}")
        continue
    width = max(high - low, 1e-12)
    if abs(ours["low"] - low) > 0.05 * width or abs(ours["high"] - high) > 0.05 * width:
        problems.append(f"{name}: [{ours['low']}, {ours['high']}] against scipy's [{low}, {high}]")
    print(f"{name}: ours [{ours['low']:.5f}, {ours['high']:.5f}] {ours['method']}, scipy [{low:.5f}, {high:.5f}]")

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
