"""The arg-max regions of heatmap snapshots (`.npy`, float32, C order, as the core writes them:
faces x K x H x W), without numpy. Shared by region-readout.sh and finetune-regions.sh."""
import ast
import math
import struct
import sys


def load_npy(path):
    """(shape, flat values) of a snapshot; a file that is not one stops the script naming it."""
    try:
        raw = open(path, "rb").read()
        header_len = struct.unpack("<H", raw[8:10])[0]
        header = ast.literal_eval(raw[10:10 + header_len].decode("latin1"))
        shape, count = header["shape"], math.prod(header["shape"])
        if header["descr"] != "<f4" or header["fortran_order"] or len(shape) != 4:
            raise ValueError(f"expected 4-d little-endian float32 in C order, got {header}")
        values = struct.unpack(f"<{count}f", raw[10 + header_len:10 + header_len + 4 * count])
    except (OSError, ValueError, SyntaxError, KeyError, TypeError, struct.error) as error:
        sys.exit(f"{path}: not a heatmap snapshot ({error})")
    return shape, values


def argmax_regions(shape, values):
    """best[face][y][x]: the region with the largest heatmap value at each cell."""
    faces, k, h, w = shape
    return [[[max(range(k), key=lambda r: values[((i * k + r) * h + y) * w + x]) for x in range(w)] for y in range(h)]
            for i in range(faces)]


def neighbour_agreement(best):
    """The share of 4-neighbouring cell pairs in the same region (1 for segments, about 1/K for noise)."""
    same = total = 0
    for face in best:
        h, w = len(face), len(face[0])
        for y in range(h):
            for x in range(w):
                if x + 1 < w: same += face[y][x] == face[y][x + 1]; total += 1
                if y + 1 < h: same += face[y][x] == face[y + 1][x]; total += 1
    return same / total
