"""Runs the Python reference step (fra_ref.py, in FRA_REFERENCE_DIR) at a model configuration it
has no switch for: K regions and output stride 16 (layer4 without its stride, its 3x3 convolutions
dilated by 2, as torchvision's replace_stride_with_dilation and the workbench's model.output_stride
do), so both sides of bench/compare-cpu.sh measure the same model. Prints fra_ref.py's JSON line
with the configuration added.

    python3 fra_ref_configured.py --regions 16 --output-stride 16 [fra_ref.py's options]
"""
import argparse
import contextlib
import io
import json
import os
import sys

ap = argparse.ArgumentParser(add_help=False)
ap.add_argument("--regions", type=int, default=8)
ap.add_argument("--output-stride", type=int, default=32, choices=[16, 32])
ours, rest = ap.parse_known_args()

sys.path.insert(0, os.environ.get("FRA_REFERENCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "bench")))
import torchvision  # noqa: E402
import fra_ref  # noqa: E402


def dilate_layer4(model):
    """Output stride 16: layer4 loses its stride, and every 3x3 convolution of the stage but the
    first (which keeps the previous dilation, 1, as in torchvision's dilated stages) is dilated by 2."""
    first = model.layer4[0]
    if first.downsample is not None:
        first.downsample[0].stride = (1, 1)
    bottleneck = hasattr(first, "conv3")
    convs3x3 = [conv for block in model.layer4 for conv in ([block.conv2] if bottleneck else [block.conv1, block.conv2])]
    for k, conv in enumerate(convs3x3):
        conv.stride = (1, 1)
        if k > 0:
            conv.dilation = (2, 2)
            conv.padding = (2, 2)
    return model


if ours.output_stride == 16:
    for name in ("resnet18", "resnet34", "resnet50"):
        build = getattr(torchvision.models, name)
        setattr(torchvision.models, name, (lambda b: lambda *a, **k: dilate_layer4(b(*a, **k)))(build))

if ours.regions != 8:
    init = fra_ref.Branch.__init__
    fra_ref.Branch.__init__ = lambda s, N=8, *a, **k: init(s, ours.regions, *a, **k)

sys.argv = [sys.argv[0]] + rest
captured = io.StringIO()
with contextlib.redirect_stdout(captured):
    fra_ref.main()
for line in captured.getvalue().splitlines():
    try:
        record = json.loads(line)
    except ValueError:
        print(line)
        continue
    record.update(regions=ours.regions, output_stride=ours.output_stride)
    print(json.dumps(record), flush=True)
