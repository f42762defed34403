#!/usr/bin/env python3
"""Checks seglosses' exact EDT, signed distance map, HD95 and ASSD against SciPy.

Writes seeded random 2-D and 3-D masks (anisotropic spacing) to a temporary directory, runs
scripts/check-distance-transform.ts on them through node, and compares:
  - distanceTransform          vs scipy.ndimage.distance_transform_edt(mask, sampling=spacing)
  - signedDistanceMap          vs edt(1 - M) - edt(M)            (zeroLevel 'interface')
  - hausdorffDistance95 / ASSD vs a MedPy-style reference written below (surfaces by binary
    erosion with border_value 0, distances from the EDT of the other surface, pooled percentile)
Every maximum absolute difference must be <= 1e-5. Also prints EDT timings of both sides.

Usage, from the repository root: /usr/bin/python3 scripts/check-distance-transform.py
Exit status 0 when every comparison passes, 1 otherwise.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy import ndimage

TOLERANCE = 1e-5
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def random_zeros(rng, shape, zero_rate):
    """Non-zero everywhere except a random fraction of zeros (at least one)."""
    mask = (rng.random(shape) >= zero_rate).astype(np.uint8)
    mask.flat[rng.integers(mask.size)] = 0
    return mask


def ellipsoids(rng, shape, count, scale):
    """Union of `count` random axis-aligned ellipsoids (1 inside), radii ~ scale * extent."""
    grids = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    mask = np.zeros(shape, dtype=bool)
    for _ in range(count):
        centre = [rng.uniform(0, n) for n in shape]
        radii = [max(1.0, rng.uniform(0.3, 1.0) * scale * n) for n in shape]
        inside = sum(((g - c) / r) ** 2 for g, c, r in zip(grids, centre, radii)) <= 1
        mask |= inside
    return mask.astype(np.uint8)


def perturbed(rng, mask, shift, flips):
    """`mask` shifted by `shift` elements, with `flips` random elements toggled."""
    out = np.roll(mask, shift, axis=tuple(range(mask.ndim))).copy()
    for _ in range(flips):
        index = tuple(rng.integers(n) for n in mask.shape)
        out[index] = 1 - out[index]
    return out


def surface(mask, connectivity):
    """MedPy's surface: the mask minus its erosion (the image's exterior counts as background)."""
    structure = ndimage.generate_binary_structure(mask.ndim, connectivity)
    mask = mask.astype(bool)
    return mask & ~ndimage.binary_erosion(mask, structure=structure, iterations=1)


def directed(surface_a, surface_b, spacing):
    """d(a, surface_b) for every a in surface_a, in C order."""
    field = ndimage.distance_transform_edt(~surface_b, sampling=spacing)
    return field[surface_a]


def reference_surface_metrics(pred, target, spacing, connectivity):
    sp, st = surface(pred, connectivity), surface(target, connectivity)
    a, b = directed(sp, st, spacing), directed(st, sp, spacing)
    pooled = np.hstack((a, b))
    return {
        "hd95": float(np.percentile(pooled, 95)),
        "hd100": float(np.percentile(pooled, 100)),
        "hd50": float(np.percentile(pooled, 50)),
        "assd": float((a.mean() + b.mean()) / 2),
        "assdPooled": float(pooled.mean()),
    }


def best_time(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main():
    rng = np.random.default_rng(20240611)
    fields = []  # (kind, name, mask, spacing, repeats)

    def add(kind, name, mask, spacing, repeats=1):
        fields.append((kind, name, mask, spacing, repeats))

    add("edt", "2d sparse zeros 64x80", random_zeros(rng, (64, 80), 0.01), [0.7, 1.9])
    add("edt", "2d dense zeros 97x61", random_zeros(rng, (97, 61), 0.3), [1.3, 0.45])
    add("edt", "2d outside blobs 128x128", 1 - ellipsoids(rng, (128, 128), 4, 0.15), [0.9, 0.9])
    add("edt", "3d sparse zeros 24x32x40", random_zeros(rng, (24, 32, 40), 0.002), [2.5, 0.8, 0.6])
    add("edt", "3d outside blobs 40x48x56", 1 - ellipsoids(rng, (40, 48, 56), 3, 0.2), [3, .7, .7])
    add("edt", "4d sparse zeros 6x7x8x9", random_zeros(rng, (6, 7, 8, 9), 0.01), [1, 2, 0.5, 1.5])
    add("sdm", "2d blobs sdm 128x96", ellipsoids(rng, (128, 96), 5, 0.15), [0.8, 1.6])
    add("sdm", "3d blobs sdm 32x40x48", ellipsoids(rng, (32, 40, 48), 4, 0.2), [2.5, 0.9, 0.9])
    # Timings: the best of 5 runs on each side, on the same masks (also compared).
    big2, big3 = (512, 512), (96, 256, 256)
    add("edt", "timing 512x512 outside blobs", 1 - ellipsoids(rng, big2, 6, 0.1), [0.8, 0.8], 5)
    add("edt", "timing 512x512 sparse zeros", random_zeros(rng, big2, 0.001), [1.0, 1.0], 5)
    spacing3 = [2.5, 0.8, 0.8]
    add("edt", "timing 96x256x256 outside blobs", 1 - ellipsoids(rng, big3, 6, 0.12), spacing3, 5)
    add("edt", "timing 96x256x256 sparse zeros", random_zeros(rng, big3, 0.0005), spacing3, 5)

    surfaces = []  # (name, pred, target, spacing, connectivity)
    for ndim, shape, spacing in [(2, (96, 112), [0.8, 1.3]), (3, (32, 64, 72), [3.0, 0.75, 0.75])]:
        target = ellipsoids(rng, shape, 3, 0.2)
        pred = perturbed(rng, ellipsoids(rng, shape, 1, 0.15) | target, (1,) * ndim, 25)
        for connectivity in (1, ndim):
            label = "face" if connectivity == 1 else "full"
            surfaces.append(
                (f"{ndim}d blobs {label}", pred, target, spacing, connectivity)
            )
    # Objects touching the image edge (the exterior counts as background for the surface).
    edge_target = ellipsoids(rng, (40, 50), 2, 0.5)
    edge_target[:, :3] = 1
    edge_pred = perturbed(rng, edge_target, (0, 2), 10)
    surfaces.append(("2d touching the edge face", edge_pred, edge_target, [1.2, 0.6], 1))

    with tempfile.TemporaryDirectory(prefix="seglosses-edt-") as tmp:
        manifest = []
        for index, (kind, name, mask, spacing, repeats) in enumerate(fields):
            file = f"mask{index}.u8"
            mask.astype(np.uint8).tofile(os.path.join(tmp, file))
            manifest.append(
                {
                    "kind": kind,
                    "name": name,
                    "shape": list(mask.shape),
                    "spacing": spacing,
                    "mask": file,
                    "repeats": repeats,
                }
            )
        for index, (name, pred, target, spacing, connectivity) in enumerate(surfaces):
            pred.astype(np.uint8).tofile(os.path.join(tmp, f"pred{index}.u8"))
            target.astype(np.uint8).tofile(os.path.join(tmp, f"target{index}.u8"))
            manifest.append(
                {
                    "kind": "surface",
                    "name": name,
                    "shape": list(pred.shape),
                    "spacing": spacing,
                    "connectivity": "face" if connectivity == 1 else "full",
                    "pred": f"pred{index}.u8",
                    "target": f"target{index}.u8",
                }
            )
        with open(os.path.join(tmp, "manifest.json"), "w") as f:
            json.dump(manifest, f)
        script = os.path.join(REPO, "scripts", "check-distance-transform.ts")
        subprocess.run(["node", "--import", "tsx", script, tmp], cwd=REPO, check=True)
        with open(os.path.join(tmp, "results.json")) as f:
            results = json.load(f)

        failures = 0
        print(f"{'case':40s} {'max |ours - SciPy|':>20s} {'ours ms':>9s} {'SciPy ms':>9s}")
        for kind, name, mask, spacing, repeats in fields:
            ours = np.fromfile(os.path.join(tmp, f"{name}.f64"), dtype=np.float64)
            ours = ours.reshape(mask.shape)
            if kind == "edt":
                reference = ndimage.distance_transform_edt(mask, sampling=spacing)
                scipy_ms = best_time(
                    lambda: ndimage.distance_transform_edt(mask, sampling=spacing), repeats
                )
            else:
                reference = ndimage.distance_transform_edt(
                    1 - mask, sampling=spacing
                ) - ndimage.distance_transform_edt(mask, sampling=spacing)
                scipy_ms = float("nan")
            difference = float(np.max(np.abs(ours - reference)))
            ours_ms = min(results[name]["ms"])
            ok = difference <= TOLERANCE
            failures += 0 if ok else 1
            print(
                f"{kind + ' ' + name:40s} {difference:20.3e} {ours_ms:9.1f} {scipy_ms:9.1f}"
                + ("" if ok else "  FAIL")
            )

        print()
        print(f"{'case (MedPy-style reference)':40s} " + " ".join(
            f"{k:>11s}" for k in ("hd95", "hd100", "hd50", "assd", "assdPooled")
        ) + f" {'max diff':>10s}")
        for name, pred, target, spacing, connectivity in surfaces:
            reference = reference_surface_metrics(pred, target, spacing, connectivity)
            ours = results[name]
            difference = max(abs(ours[k] - reference[k]) for k in reference)
            ok = difference <= TOLERANCE
            failures += 0 if ok else 1
            values = " ".join(f"{reference[k]:11.5f}" for k in reference)
            print(f"{name:40s} {values} {difference:10.3e}" + ("" if ok else "  FAIL"))

    print()
    print(
        "All-ones mask [1, 1, 1]: SciPy gives",
        ndimage.distance_transform_edt(np.ones(3)).tolist(),
        "(distance to a virtual zero outside the image); seglosses gives Infinity by design.",
    )
    print("PASS" if failures == 0 else f"FAIL ({failures} comparisons above {TOLERANCE})")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
