#!/usr/bin/env python3
"""SciPy side of bench/geometry.ts: times distance_transform_edt and a MedPy-style HD95.

Usage: python3 geometry_peer.py <dir>   (<dir>/manifest.json written by bench/geometry.ts)

For every job of the manifest (masks as raw uint8 files, row-major) it times the same
computation as seglosses, the median of `repeats` runs after `warm_up` untimed ones, and
prints one JSON object {name: {"ms": [...], "value": ...}} on stdout. EDT results are written
to <dir>/<name>.scipy.f64 so that bench/geometry.ts can check that both sides agree.
"""
import json
import os
import sys
import time

import numpy as np
from scipy import ndimage


def surface(mask):
    """MedPy's surface with connectivity 1: the mask minus its erosion (border_value=0)."""
    structure = ndimage.generate_binary_structure(mask.ndim, 1)
    return mask & ~ndimage.binary_erosion(mask, structure=structure, iterations=1)


def hd95(pred, target, spacing):
    """MedPy hd95: pooled directed surface distances, 95th percentile (linear)."""
    sp, st = surface(pred), surface(target)
    a = ndimage.distance_transform_edt(~st, sampling=spacing)[sp]
    b = ndimage.distance_transform_edt(~sp, sampling=spacing)[st]
    return float(np.percentile(np.hstack((a, b)), 95))


def timed(function, warm_up, repeats):
    for _ in range(warm_up):
        function()
    times = []
    value = None
    for _ in range(repeats):
        start = time.perf_counter()
        value = function()
        times.append((time.perf_counter() - start) * 1000)
    return times, value


def read_mask(directory, file, shape):
    return np.fromfile(os.path.join(directory, file), dtype=np.uint8).reshape(shape)


def main():
    directory = sys.argv[1]
    with open(os.path.join(directory, "manifest.json")) as f:
        jobs = json.load(f)
    results = {}
    for job in jobs:
        shape, spacing = job["shape"], job["spacing"]
        warm_up, repeats = job["warmUp"], job["repeats"]
        if job["kind"] == "edt":
            mask = read_mask(directory, job["mask"], shape)
            times, field = timed(
                lambda: ndimage.distance_transform_edt(mask, sampling=spacing), warm_up, repeats
            )
            field.astype(np.float64).tofile(os.path.join(directory, job["name"] + ".scipy.f64"))
            results[job["name"]] = {"ms": times, "value": None}
        else:
            pred = read_mask(directory, job["pred"], shape).astype(bool)
            target = read_mask(directory, job["target"], shape).astype(bool)
            times, value = timed(lambda: hd95(pred, target, spacing), warm_up, repeats)
            results[job["name"]] = {"ms": times, "value": value}
        print(f"  scipy {job['name']}: {np.median(times):.1f} ms", file=sys.stderr)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
