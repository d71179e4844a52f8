"""PyTorch reference for the TabPFN rows of `cargo xtask bench`: the transformer of kiln-tabular's
shipped checkpoint (`TabPfnConfig::new()`: 100 features, 10 classes, d_model 96, 4 heads,
feed-forward 192, 4 post-LN layers; crates/kiln-tabular/src/tabpfn/{model,layer}.rs) with random
weights (the time does not depend on them), one inference forward over 500 training and 500 test
rows, like crates/kiln-tabular/benches/tabpfn_infer.rs.

Training rows are embedded as Linear(x) + Embedding(y), test rows as Linear(x); in every layer
all rows attend to the training rows only (keys and values = the training rows), then
h = LN(h + attention), h = LN(h + W2 GELU(W1 h)); the decoder W2 GELU(W1 h) gives 10 logits per
test row. `forward, 1 member`: batch 1; `forward, 8 members`: batch 8, the stacked forward of the
8 members of the classifier's default inference ensemble.

Each time: the median of KILN_BENCH_STEPS (default 20) runs after 3 warm-up runs, fewer (at least
5) where they would take over 10 s, as in the Kiln bench. Optional: needs `torch` (CPU). Threads:
KILN_BENCH_THREADS.
"""
import torch
from torch import nn

from common import Reporter, median_ms

FEATURES, CLASSES, D, HEADS, HIDDEN, LAYERS = 100, 10, 96, 4, 192, 4
TRAIN, TEST = 500, 500
BUDGET_MS = 10_000.0


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = nn.MultiheadAttention(D, HEADS, batch_first=True)
        self.norm1 = nn.LayerNorm(D)
        self.ff = nn.Sequential(nn.Linear(D, HIDDEN), nn.GELU(), nn.Linear(HIDDEN, D))
        self.norm2 = nn.LayerNorm(D)

    def forward(self, h, n_train):
        context = h[:, :n_train]
        h = self.norm1(h + self.attention(h, context, context, need_weights=False)[0])
        return self.norm2(h + self.ff(h))


class TabPfn(nn.Module):
    def __init__(self):
        super().__init__()
        self.x_encoder = nn.Linear(FEATURES, D)
        self.y_encoder = nn.Embedding(CLASSES, D)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.decoder = nn.Sequential(nn.Linear(D, HIDDEN), nn.GELU(), nn.Linear(HIDDEN, CLASSES))

    def forward(self, x, y_train):
        n_train = y_train.shape[1]
        h = self.x_encoder(x)
        h = torch.cat([h[:, :n_train] + self.y_encoder(y_train), h[:, n_train:]], 1)
        for layer in self.layers:
            h = layer(h, n_train)
        return self.decoder(h[:, n_train:])


def main():
    torch.manual_seed(0)
    x = torch.zeros(1, TRAIN + TEST, FEATURES)
    x[:, :, :10] = torch.randn(1, TRAIN + TEST, 10)  # 10 features, zero-padded to 100
    y = torch.randint(0, 3, (1, TRAIN))
    out = Reporter("tabpfn-500+500")
    net = TabPfn().eval()
    with torch.inference_mode():
        out.report("forward, 1 member", 1, median_ms(lambda: net(x, y), budget_ms=BUDGET_MS))
        x8, y8 = x.expand(8, -1, -1).contiguous(), y.expand(8, -1).contiguous()
        out.report("forward, 8 members", 8, median_ms(lambda: net(x8, y8), budget_ms=BUDGET_MS))


if __name__ == "__main__":
    main()
