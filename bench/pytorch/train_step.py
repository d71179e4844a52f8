"""PyTorch reference for `cargo xtask bench`: the same MLP and CNN, the same batch and step.

Prints one JSON object per line, like crates/kiln-core/benches/train_step.rs. Optional: needs
`torch` (CPU); never run in CI. Threads: KILN_BENCH_THREADS (default: all cores).
"""
import json
import os
import time

import torch
from torch import nn

STEPS = int(os.environ.get("KILN_BENCH_STEPS", "20"))
THREADS = int(os.environ.get("KILN_BENCH_THREADS", str(os.cpu_count())))
torch.set_num_threads(THREADS)


def mlp():
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def cnn():
    def block(i, o):
        return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]

    return nn.Sequential(*block(1, 32), nn.MaxPool2d(2), *block(32, 64), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


def median_ms(fn):
    for _ in range(3):
        fn()
    times = []
    for _ in range(STEPS):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    return times[len(times) // 2]


def report(model, what, batch, ms):
    print(json.dumps({"impl": "pytorch", "device": "cpu", "model": model, "what": what, "batch": batch, "ms": round(ms, 3), "threads": THREADS}))


def train_step(model, x, y):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    return step


x = torch.randn(64, 1, 28, 28)
y = torch.arange(64) % 10
report("mlp", "train_step", 64, median_ms(train_step(mlp(), x.flatten(1), y)))
report("cnn", "train_step", 64, median_ms(train_step(cnn(), x, y)))
net = cnn().eval()
xi = torch.randn(256, 1, 28, 28)
with torch.no_grad():
    report("cnn", "inference", 256, median_ms(lambda: net(xi)))
