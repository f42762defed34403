#!/usr/bin/env python3
"""PyTorch side of bench/train.ts: one UNet training step (CE + Dice, AdamW) on CPU.

Usage: python3 train_peer.py <job.json>

The UNet is the lab's (packages/lab/src/models/unet.ts), written here for PyTorch in NCHW:
per level two 3x3 convolutions without bias, each followed by batch normalisation and ReLU;
2x2 max pooling down; 2x2 stride-2 transposed convolutions (with bias) up; the skip
concatenated before the upsampled map; a 1x1 convolution (with bias) to the class logits;
widths base * 2^level; He-normal initialisation. The loss is mean cross-entropy plus the
MONAI-style soft Dice (softmax, per image and class, smooth 1e-5) with weight 1 each, the
optimizer AdamW (betas 0.9/0.999, eps 1e-8, the job's weight decay). For each configuration and
thread count the peer times `steps` steps after `warmUp` untimed ones and reports the median,
then runs `memorySteps` more steps and samples the RSS, printing one JSON object on stdout.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class DoubleConv(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(
            nn.Conv2d(cin, cout, 3, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
        )


class UNet(nn.Module):
    def __init__(self, in_channels, classes, base, depth):
        super().__init__()
        widths = [base * 2**i for i in range(depth)]
        self.down = nn.ModuleList()
        cin = in_channels
        for w in widths:
            self.down.append(DoubleConv(cin, w))
            cin = w
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for level in range(depth - 2, -1, -1):
            self.up.append(nn.ConvTranspose2d(widths[level + 1], widths[level], 2, stride=2))
            self.dec.append(DoubleConv(2 * widths[level], widths[level]))
        self.head = nn.Conv2d(widths[0], classes, 1)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.down):
            x = block(x)
            if i < len(self.down) - 1:
                skips.append(x)
                x = F.max_pool2d(x, 2)
        for up, dec in zip(self.up, self.dec):
            x = dec(torch.cat([skips.pop(), up(x)], 1))
        return self.head(x)


def dice_loss(logits, labels):
    p = torch.softmax(logits, 1)
    t = F.one_hot(labels, logits.shape[1]).permute(0, 3, 1, 2).to(p.dtype)
    tp = (p * t).sum((2, 3))
    return (1 - (2 * tp + 1e-5) / (p.sum((2, 3)) + t.sum((2, 3)) + 1e-5)).mean()


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    out = {}
    for threads in job["threads"]:
        torch.set_num_threads(threads)
        per_config = {}
        for config in job["configs"]:
            torch.manual_seed(1)
            b, size = config["batch"], config["size"]
            model = UNet(1, config["classes"], config["base"], config["depth"])
            optimizer = torch.optim.AdamW(
                model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                weight_decay=job["weightDecay"],
            )
            x = torch.randn(b, 1, size, size)
            y = torch.randint(0, config["classes"], (b, size, size))

            def step():
                optimizer.zero_grad(set_to_none=True)
                logits = model(x)
                loss = F.cross_entropy(logits, y) + dice_loss(logits, y)
                loss.backward()
                optimizer.step()
                return float(loss.detach())

            for _ in range(job["warmUp"]):
                step()
            times = []
            for _ in range(job["steps"]):
                start = time.perf_counter()
                step()
                times.append((time.perf_counter() - start) * 1000)
            rss = [rss_mib()]
            for i in range(job["memorySteps"]):
                step()
                if (i + 1) % job["sampleEvery"] == 0:
                    rss.append(rss_mib())
            per_config[config["name"]] = {"ms": times, "rss": rss}
            print(
                f"  torch {threads}t {config['name']}: {np.median(times):.0f} ms/step",
                file=sys.stderr,
            )
        out[str(threads)] = per_config
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
