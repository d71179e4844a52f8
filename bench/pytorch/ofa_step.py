"""PyTorch reference for the OFA rows of `cargo xtask bench`: the largest and the smallest subnet
of kiln-nas's digits supernet (`OfaConfig::digits()`) as static networks of the same layer shapes,
timed like crates/kiln-nas/benches/ofa_step.rs: `forward_*` (eval mode, no autograd, logits) and
`train_*` (train-mode batch norm, cross-entropy, backward; no optimiser, as in Kiln's bench).

The supernet: a 3x3 stem (1 -> 16, no bias) + BN + ReLU, then two units of inverted-residual
blocks (widths 24 and 32, the second unit's first block of stride 2), each block a 1x1 expansion
(no bias) + BN + ReLU, a k x k depthwise convolution (padding k // 2) + BN + ReLU, a 1x1
projection (no bias) + BN, and a residual when the stride is 1 and the widths match; global
average pooling and a linear head to 10 classes. Largest: 3 blocks per unit, kernel 5, expand 4,
8x8 input. Smallest: 1 block per unit, kernel 3, expand 2, the 8x8 batch resized to 6x6 by
adaptive average pooling. Batch 64. (Kiln runs the smallest subnet inside the supernet, its
hidden channels masked out of the largest width; this reference is the extracted subnet.)

Each subnet runs in its own process (argument: largest, smallest; none: both). Optional: needs
`torch` (CPU). Threads: KILN_BENCH_THREADS; steps: KILN_BENCH_STEPS.
"""
import torch
from torch import nn

from common import Reporter, median_ms, model_of_this_process

BATCH = 64
STEM = 16
UNITS = [(24, 1), (32, 2)]  # (width, stride of the first block)
SUBNETS = {
    "largest": {"depth": 3, "kernel": 5, "expand": 4, "resolution": 8},
    "smallest": {"depth": 1, "kernel": 3, "expand": 2, "resolution": 6},
}


class Block(nn.Module):
    def __init__(self, inputs, outputs, kernel, expand, stride):
        super().__init__()
        hidden = inputs * expand
        self.body = nn.Sequential(
            nn.Conv2d(inputs, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU(),
            nn.Conv2d(hidden, hidden, kernel, stride, kernel // 2, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden), nn.ReLU(),
            nn.Conv2d(hidden, outputs, 1, bias=False), nn.BatchNorm2d(outputs))
        self.residual = stride == 1 and inputs == outputs

    def forward(self, x):
        y = self.body(x)
        return y + x if self.residual else y


class Subnet(nn.Module):
    def __init__(self, depth, kernel, expand, resolution):
        super().__init__()
        self.resolution = resolution
        layers = [nn.Conv2d(1, STEM, 3, padding=1, bias=False), nn.BatchNorm2d(STEM), nn.ReLU()]
        inputs = STEM
        for width, stride in UNITS:
            for b in range(depth):
                layers.append(Block(inputs, width, kernel, expand, stride if b == 0 else 1))
                inputs = width
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(inputs, 10)

    def forward(self, x):
        if x.shape[-1] != self.resolution:
            x = nn.functional.adaptive_avg_pool2d(x, self.resolution)
        return self.head(self.features(x).mean((2, 3)))


def main():
    name = model_of_this_process(__file__, list(SUBNETS))
    if name is None:
        return
    torch.manual_seed(0)
    x, y = torch.randn(BATCH, 1, 8, 8), torch.arange(BATCH) % 10
    out = Reporter("ofa-digits")
    net = Subnet(**SUBNETS[name])
    net.eval()
    with torch.no_grad():
        out.report(f"forward_{name}", BATCH, median_ms(lambda: net(x)))
    net.train()

    def train():
        net.zero_grad(set_to_none=True)
        nn.functional.cross_entropy(net(x), y).backward()

    out.report(f"train_{name}", BATCH, median_ms(train))


if __name__ == "__main__":
    main()
