#!/usr/bin/env python3
"""PyTorch side of bench/losses.ts: the same losses, forward + backward w.r.t. the logits, on CPU.

Usage: python3 losses_peer.py <job.json>

The job names the settings (logits as raw float32 NHWC, labels as raw int32 NHW, written by
bench/losses.ts), the losses (registry names plus variants such as class weights), the thread
counts, warm-up and repeat counts. Each loss below is written here from the formula that
seglosses documents for its default options, in PyTorch's own layout (NCHW), so the two
sides compute the same value; bench/losses.ts prints the relative difference of the values as
a check. For each thread count and loss the peer prints the median milliseconds of
`loss = f(x, y); loss.backward()`, the value, and the peak RSS while that loss ran (Linux
VmHWM, reset before each loss), as one JSON object on stdout.
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

IGNORE = 255


def one_hot(y, c):
    """One-hot NCHW target with zero rows at ignored pixels, and the [B,1,H,W] validity mask."""
    valid = (y != IGNORE).unsqueeze(1).to(torch.float32)
    t = F.one_hot(torch.where(y == IGNORE, torch.zeros_like(y), y), c)
    return t.permute(0, 3, 1, 2).to(torch.float32) * valid, valid


def overlap(x, y):
    """Soft TP, FP, FN per image and class [B,C] over the valid pixels (softmax)."""
    p = torch.softmax(x, 1)
    t, valid = one_hot(y, x.shape[1])
    tp = (p * t).sum((2, 3))
    fp = (p * (valid - t)).sum((2, 3))
    fn = ((1 - p) * t).sum((2, 3))
    return tp, fp, fn, p, t, valid


def cross_entropy(x, y, job):
    return F.cross_entropy(x, y, ignore_index=IGNORE)


def weighted_cross_entropy(x, y, job):
    weights = torch.tensor(job["classWeights"], dtype=torch.float32)
    return F.cross_entropy(x, y, weight=weights, ignore_index=IGNORE)


def focal(x, y, job):
    # gamma 2, no alpha, mean over valid pixels of -(1 - p_t)^2 log p_t
    valid = y != IGNORE
    logp = torch.log_softmax(x, 1)
    logpt = logp.gather(1, torch.where(valid, y, 0).unsqueeze(1)).squeeze(1)
    pt = logpt.exp()
    return (-((1 - pt) ** 2) * logpt)[valid].mean()


def topk(x, y, job):
    # k = 10 % of all pixels (ignored ones count, with CE 0)
    ce = F.cross_entropy(x, y, ignore_index=IGNORE, reduction="none").reshape(-1)
    count = max(1, ce.numel() * 10 // 100)
    return torch.topk(ce, count, sorted=False).values.mean()


def dice(x, y, job):
    # MONAI DiceLoss(softmax=True, to_onehot_y=True): smooth 1e-5 on both sides, per image/class
    p = torch.softmax(x, 1)
    t, valid = one_hot(y, x.shape[1])
    p = p * valid
    tp = (p * t).sum((2, 3))
    denominator = p.sum((2, 3)) + t.sum((2, 3))
    return (1 - (2 * tp + 1e-5) / (denominator + 1e-5)).mean()


def tversky_error(tp, fp, fn, alpha, beta, smooth):
    error = alpha * fp + beta * fn
    return error / (tp + error + smooth)


def jaccard(x, y, job):
    tp, fp, fn, *_ = overlap(x, y)
    return tversky_error(tp, fp, fn, 1, 1, 1e-5).mean()


def tversky(x, y, job):
    tp, fp, fn, *_ = overlap(x, y)
    return tversky_error(tp, fp, fn, 0.3, 0.7, 1e-5).mean()


def focal_tversky(x, y, job):
    tp, fp, fn, *_ = overlap(x, y)
    return tversky_error(tp, fp, fn, 0.3, 0.7, 1e-5).pow(0.75).mean()


def log_cosh_dice(x, y, job):
    # pooled over everything, smooth 1
    tp, fp, fn, *_ = overlap(x, y)
    errors = fp.sum() + fn.sum()
    d = errors / (errors + 2 * tp.sum() + 1)
    return torch.log(torch.cosh(d))


def sensitivity_specificity(x, y, job):
    # r = 0.1, smooth 1, per image and class
    p = torch.softmax(x, 1)
    t, valid = one_hot(y, x.shape[1])
    negative = valid - t
    squared = ((t - p) * valid) ** 2
    sensitivity = (squared * t).sum((2, 3)) / (t.sum((2, 3)) + 1)
    specificity = (squared * negative).sum((2, 3)) / (negative.sum((2, 3)) + 1)
    return (0.1 * sensitivity + 0.9 * specificity).mean()


def combo(x, y, job):
    # alpha 0.5 (CE weight), beta 0.5 (foreground CE weight), smooth 2e-6, eps 1e-7
    c = x.shape[1]
    eps = 1e-7
    tp, fp, fn, p, t, valid = overlap(x, y)
    logp = torch.log_softmax(x, 1).clamp(math.log(eps), math.log1p(-eps))
    class_beta = torch.full((1, c, 1, 1), 0.5)
    ce = -(t * logp * class_beta).sum(1)
    ce_mean = ce.sum() / valid.sum()
    errors = fp + fn
    dice_mean = (errors / (2 * tp + errors + 2e-6)).mean()
    return 0.5 * ce_mean + 0.5 * dice_mean


def exp_log(x, y, job):
    # form 'paper': gamma 0.3, Dice weight 0.8, CE weight 0.2, smooth 1
    tp, fp, fn, p, t, valid = overlap(x, y)
    errors = fp + fn
    u = errors / (2 * tp + errors + 1)
    dice_term = (-torch.log1p(-u)).pow(0.3).mean()
    logp = torch.log_softmax(x, 1)
    ce_term = (t * (-logp).clamp_min(0).pow(0.3)).sum(1).sum() / valid.sum()
    return 0.8 * dice_term + 0.2 * ce_term


def unified_focal(x, y, job):
    # asymmetric: weight 0.5, delta 0.6, gamma 0.5, eps 1e-7; channel 0 is the background
    delta, gamma, eps = 0.6, 0.5, 1e-7
    tp_raw, _, _, p, t, valid = overlap(x, y)
    probs = p.clamp(eps, 1 - eps)
    complement = (1 - p).clamp(eps, 1 - eps)
    logp = torch.log_softmax(x, 1).clamp(math.log(eps), math.log1p(-eps))
    ce = -t * logp
    back = complement[:, :1].pow(gamma) * ce[:, :1] * (1 - delta)
    fore = ce[:, 1:].sum(1, keepdim=True) * delta
    focal_part = (back + fore).sum() / valid.sum()
    tp = (probs * t).sum((2, 3))
    fp = (probs * (valid - t)).sum((2, 3))
    fn = (complement * t).sum((2, 3))
    errors = delta * fn + (1 - delta) * fp
    distance = errors / (tp + errors + eps)
    tversky_part = torch.cat([distance[:, :1], distance[:, 1:].pow(1 - gamma)], 1).mean()
    return 0.5 * focal_part + 0.5 * tversky_part


def lovasz_softmax(x, y, job):
    # Berman et al.: classes 'present', one term per batch, ignored pixels removed
    c = x.shape[1]
    p = torch.softmax(x, 1).permute(0, 2, 3, 1).reshape(-1, c)
    labels = y.reshape(-1)
    keep = labels != IGNORE
    p, labels = p[keep], labels[keep]
    losses = []
    for k in range(c):
        fg = (labels == k).to(torch.float32)
        if fg.sum() == 0:
            continue
        errors = (fg - p[:, k]).abs()
        errors_sorted, order = torch.sort(errors, descending=True)
        fg_sorted = fg[order]
        total = fg_sorted.sum()
        intersection = total - fg_sorted.cumsum(0)
        union = total + (1 - fg_sorted).cumsum(0)
        jaccard_curve = 1 - intersection / union
        jaccard_curve[1:] = jaccard_curve[1:] - jaccard_curve[:-1].clone()
        losses.append(torch.dot(errors_sorted, jaccard_curve))
    return torch.stack(losses).mean()


def generalized_wasserstein_dice(x, y, job):
    # M = 1 - I, weighting 'default' (alpha_l = M[l, 0]), smooth 2^-52, one term per image
    c = x.shape[1]
    p = torch.softmax(x, 1)
    t, valid = one_hot(y, c)
    m = 1 - torch.eye(c)
    costs = torch.einsum("blhw,lc->bchw", t, m)
    wass = (costs * p).sum(1)
    alpha = m[:, 0].reshape(1, c, 1, 1)
    pixel_alpha = (t * alpha).sum(1)
    base = (t * alpha**2).sum(1)
    tp = (base - pixel_alpha * wass).sum((1, 2))
    error = wass.sum((1, 2))
    s = 2.0**-52
    return (error / (error + 2 * tp + s)).mean()


def robust_t(x, y, job, state={}):
    # background excluded, nu = 1 (learnable, not differentiated here), eps 1e-8, lambda = 1
    eps = 1e-8
    p = torch.softmax(x, 1)
    t, valid = one_hot(y, x.shape[1])
    residual = (p[:, 1:] - t[:, 1:]) * valid
    dimension = valid.sum((2, 3))
    nu = torch.tensor(1.0)
    dof = nu.exp() + eps
    fraction = (residual**2).sum((2, 3)) * math.exp(1 + eps) / dof
    half_total = (dof + dimension) / 2
    half_dimension = dimension / 2
    constant = (
        -torch.lgamma(half_total)
        + torch.lgamma(dof / 2)
        - half_dimension * (1 + eps)
        + half_dimension * math.log(math.pi)
        + half_dimension * (nu + eps)
    )
    return (constant + half_total * torch.log1p(fraction)).mean()


def distance_map_ce(x, y, job):
    # Phi from the exact EDT of every class mask of every image, computed inside the loss
    c = x.shape[1]
    labels = y.numpy()
    phi = np.zeros(labels.shape, dtype=np.float32)
    for b in range(labels.shape[0]):
        for k in range(c):
            mask = labels[b] == k
            members = int(mask.sum())
            if members == 0 or members == mask.size:
                continue
            d = ndimage.distance_transform_edt(mask)
            inside = d[mask]
            far, near = inside.max(), inside.min()
            phi[b][mask] = 1 if far == near else (far - inside) / (far - near)
    ce = F.cross_entropy(x, y, ignore_index=IGNORE, reduction="none")
    valid = (y != IGNORE).to(torch.float32)
    return (ce * (torch.from_numpy(phi) + 1)).sum() / valid.sum()


def region_mutual_information(x, y, job):
    # lambda 0.5, radius 3 (d = 9), 3x3 max-pool (stride 3, padding 1), alpha 5e-4, per-class
    # sigmoid with P = sigmoid(x) * valid + 1e-6; the d x d statistics in float64
    lam, r, alpha = 0.5, 3, 5e-4
    d = r * r
    b, c = x.shape[0], x.shape[1]
    t, valid = one_hot(y, c)
    bce = F.binary_cross_entropy_with_logits(x, t, reduction="none") * valid
    bce_share = bce.sum((1, 2, 3)) * b / (valid.sum() + 1)
    p = torch.sigmoid(x) * valid + 1e-6
    pp = F.max_pool2d(p, 3, 3, 1)
    tt = F.max_pool2d(t, 3, 3, 1)
    h, w = pp.shape[2], pp.shape[3]
    nh, nw = h - r + 1, w - r + 1

    def neighbourhoods(m):
        rows = [m[:, :, i : i + nh, j : j + nw] for i in range(r) for j in range(r)]
        v = torch.stack(rows, 2).reshape(b, c, d, nh * nw).double()
        return v - v.mean(3, keepdim=True)

    pv, yv = neighbourhoods(pp), neighbourhoods(tt)
    eye = torch.eye(d, dtype=torch.float64)
    sigma_p = pv @ pv.transpose(2, 3) + alpha * eye
    sigma_yp = yv @ pv.transpose(2, 3)
    sigma_y = yv @ yv.transpose(2, 3)
    m = sigma_y - sigma_yp @ torch.linalg.solve(sigma_p, sigma_yp.transpose(2, 3))
    m = (m + m.transpose(2, 3)) / 2 + alpha * eye
    half_log_det = torch.linalg.cholesky(m).diagonal(dim1=2, dim2=3).log().sum(2)
    per_image = bce_share * lam + half_log_det.sum(1).float() * (1 - lam) / d
    return per_image.mean()


LOSSES = {
    "cross-entropy": cross_entropy,
    "cross-entropy (class weights)": weighted_cross_entropy,
    "focal": focal,
    "topk": topk,
    "distance-map-ce": distance_map_ce,
    "dice": dice,
    "log-cosh-dice": log_cosh_dice,
    "generalized-wasserstein-dice": generalized_wasserstein_dice,
    "jaccard": jaccard,
    "lovasz-softmax": lovasz_softmax,
    "tversky": tversky,
    "focal-tversky": focal_tversky,
    "sensitivity-specificity": sensitivity_specificity,
    "robust-t": robust_t,
    "region-mutual-information": region_mutual_information,
    "combo": combo,
    "exp-log": exp_log,
    "unified-focal": unified_focal,
}


def peak_rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    directory = job["dir"]
    out = {"threads": {}, "available": sorted(LOSSES)}
    for threads in job["threads"]:
        torch.set_num_threads(threads)
        per_setting = {}
        for setting in job["settings"]:
            b, h, w, c = setting["shape"]
            logits = np.fromfile(os.path.join(directory, setting["logits"]), dtype=np.float32)
            labels = np.fromfile(os.path.join(directory, setting["labels"]), dtype=np.int32)
            x0 = torch.from_numpy(logits.reshape(b, h, w, c)).permute(0, 3, 1, 2).contiguous()
            y = torch.from_numpy(labels.reshape(b, h, w).astype(np.int64))
            results = {}
            for name in job["losses"]:
                function = LOSSES.get(name)
                if function is None:
                    continue
                x = x0.clone().requires_grad_(True)

                def step():
                    x.grad = None
                    value = function(x, y, setting)
                    value.backward()
                    return float(value.detach())

                reset_peak_rss()
                for _ in range(job["warmUp"]):
                    step()
                times = []
                value = float("nan")
                for _ in range(job["repeats"]):
                    start = time.perf_counter()
                    value = step()
                    times.append((time.perf_counter() - start) * 1000)
                results[name] = {"ms": times, "value": value, "peakRssMiB": peak_rss_mib()}
                print(
                    f"  torch {threads}t {setting['name']} {name}: {np.median(times):.1f} ms",
                    file=sys.stderr,
                )
            per_setting[setting["name"]] = results
        out["threads"][str(threads)] = per_setting
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
