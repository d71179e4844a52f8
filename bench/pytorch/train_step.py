"""PyTorch reference for `cargo xtask bench`: the same MLP, CNN and ProtoPNet as Kiln's benches,
the same batch and step, and one epoch of the CNN over the 8x8 digits through a DataLoader.

Prints one JSON object per line, like crates/kiln-core/benches/train_step.rs. Each model runs in
its own process (argument: mlp, cnn, layers, inference, protopnet, epoch; none: all), so that its
`peak_mb` is its own. Optional: needs `torch` (CPU); never run in CI. Threads: KILN_BENCH_THREADS
(default: all cores). Steps: KILN_BENCH_STEPS (default 20).
"""
import gzip
import os
import time

import torch
from torch import nn

from common import STEPS, Reporter, median_ms, model_of_this_process

BATCH = 64
DIGITS = os.path.join(os.path.dirname(__file__), "..", "..", "crates", "kiln-data", "data", "digits.csv.gz")


def mlp():
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def cnn():
    def block(i, o):
        return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]

    return nn.Sequential(*block(1, 32), nn.MaxPool2d(2), *block(32, 64), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


def train_step(model, x, y):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    return step


def breakdown(out, model, loss_of):
    """Forward with the loss, backward and Adam update of `loss_of(model)`, each timed apart."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    parts = {"forward_loss": [], "backward": [], "optimizer": []}
    for i in range(STEPS + 3):
        opt.zero_grad()
        t = time.perf_counter()
        loss = loss_of(model)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        t3 = time.perf_counter()
        if i >= 3:
            parts["forward_loss"].append((t1 - t) * 1e3)
            parts["backward"].append((t2 - t1) * 1e3)
            parts["optimizer"].append((t3 - t2) * 1e3)
    for name, values in parts.items():
        values.sort()
        out.report(name, BATCH, values[len(values) // 2])


def layer_times(out, x):
    net = cnn().eval()
    conv1, bn1, relu, pool, conv2, bn2 = net[0], net[1], net[2], net[3], net[4], net[5]
    with torch.no_grad():
        c1 = conv1(x)
        n1 = bn1(c1)
        p = pool(relu(n1))
        c2 = conv2(p)
        for name, fn in [
            ("layer_conv1_1to32_28px", lambda: conv1(x)),
            ("layer_bn1_32ch_28px", lambda: bn1(c1)),
            ("layer_relu_maxpool_32ch_28px", lambda: pool(relu(n1))),
            ("layer_conv2_32to64_14px", lambda: conv2(p)),
            ("layer_bn2_64ch_14px", lambda: bn2(c2)),
        ]:
            out.report(name, BATCH, median_ms(fn))


class ProtoPNet(nn.Module):
    """The small kiln-proto preset: CNN 32-64-128 backbone, regular add-on, 1x1 prototypes."""

    def __init__(self, classes=6, per_class=5, dim=64):
        super().__init__()

        def block(i, o, pool):
            layers = [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]
            return layers + ([nn.MaxPool2d(2)] if pool else [])

        self.features = nn.Sequential(*block(3, 32, True), *block(32, 64, True), *block(64, 128, False))
        self.add_on = nn.Sequential(nn.Conv2d(128, dim, 1), nn.ReLU(), nn.Conv2d(dim, dim, 1), nn.Sigmoid())
        m = classes * per_class
        self.prototypes = nn.Parameter(torch.rand(m, dim, 1, 1))
        identity = torch.zeros(m, classes)
        identity[torch.arange(m), torch.arange(m) // per_class] = 1
        self.register_buffer("identity", identity)
        self.last = nn.Linear(m, classes, bias=False)
        self.last.weight.data = identity.t() - 0.5 * (1 - identity.t())

    def forward(self, x):
        z = self.add_on(self.features(x))
        z2 = (z**2).sum(1, keepdim=True)
        p2 = (self.prototypes**2).sum((1, 2, 3)).view(1, -1, 1, 1)
        d = torch.relu(z2 - 2 * nn.functional.conv2d(z, self.prototypes) + p2)
        min_d = -nn.functional.max_pool2d(-d, d.shape[2:]).flatten(1)
        sim = torch.log((min_d + 1) / (min_d + 1e-4))
        return self.last(sim), min_d


def protopnet_loss(model, x, y):
    """ProtoPNet's joint-phase loss: cross-entropy + 0.8 cluster − 0.08 separation + 1e-4 L1."""
    dmax = model.prototypes.shape[1]
    logits, min_d = model(x)
    own = model.identity.t()[y]
    clst = (dmax - ((dmax - min_d) * own).max(1).values).mean()
    sep = (dmax - ((dmax - min_d) * (1 - own)).max(1).values).mean()
    l1 = (model.last.weight * (1 - model.identity.t())).norm(p=1)
    return nn.functional.cross_entropy(logits, y) + 0.8 * clst - 0.08 * sep + 1e-4 * l1


def protopnet_step(model, x, y):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        protopnet_loss(model, x, y).backward()
        opt.step()

    return step


def digits():
    """The embedded digits of kiln-data: 1,797 8x8 images scaled to [0, 1], normalised by their
    mean and standard deviation (kiln-data's `Normalize::fit`), and their labels."""
    with gzip.open(DIGITS, "rt") as f:
        rows = [[float(v) for v in line.split(",")] for line in f if line.strip()]
    data = torch.tensor(rows)
    x = (data[:, :64] / 16.0).view(-1, 1, 8, 8)
    x = (x - x.mean()) / x.std(unbiased=False)
    return x, data[:, 64].long()


def epoch():
    """One epoch of the CNN over the digits (batch 64, shuffled) through a DataLoader, the loss
    read back every step as a training loop that logs it does; median of 5 epochs after one."""
    x, y = digits()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=BATCH, shuffle=True)
    out = Reporter("cnn-digits")
    model = cnn().train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def one_epoch():
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            loss.item()

    out.report("epoch", BATCH, median_ms(one_epoch, steps=min(STEPS, 5), warmup=1))


def main():
    part = model_of_this_process(__file__, ["mlp", "cnn", "layers", "inference", "protopnet", "epoch"])
    if part is None:
        return
    torch.manual_seed(0)
    if part == "epoch":
        return epoch()
    if part == "inference":
        xi = torch.randn(256, 1, 28, 28)
        out, net = Reporter("cnn"), cnn().eval()
        with torch.no_grad():
            out.report("inference", 256, median_ms(lambda: net(xi)))
        return
    if part == "protopnet":
        xp, yp = torch.randn(BATCH, 3, 32, 32), torch.arange(BATCH) % 6
        out = Reporter("protopnet")
        out.report("train_step", BATCH, median_ms(protopnet_step(ProtoPNet(), xp, yp)))
        breakdown(out, ProtoPNet(), lambda m: protopnet_loss(m, xp, yp))
        return
    x, y = torch.randn(BATCH, 1, 28, 28), torch.arange(BATCH) % 10
    out = Reporter("mlp" if part == "mlp" else "cnn")
    if part == "mlp":
        out.report("train_step", BATCH, median_ms(train_step(mlp(), x.flatten(1), y)))
    elif part == "cnn":
        out.report("train_step", BATCH, median_ms(train_step(cnn(), x, y)))
        loss_fn = nn.CrossEntropyLoss()
        breakdown(out, cnn(), lambda m: loss_fn(m(x), y))
    else:
        layer_times(out, x)


if __name__ == "__main__":
    main()
