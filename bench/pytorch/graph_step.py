"""PyTorch reference for the graph rows of `cargo xtask bench` (crates/kiln-graph/benches/graph_step.rs).

The same 10,000-node, 100,000-edge graph, built here from the same SplitMix64 stream as the Rust
bench (no files are exchanged; both print the edge-list checksum as `graph`), and the same
measures:

- `gcn-10k` / `train step` and `inference`: the two-layer GCN node classifier (hidden 16,
  dropout 0.5 before each layer, symmetric normalisation with self-loops recomputed in every
  layer as kiln-graph and PyG's uncached GCNConv do), in plain PyTorch (`index_add_`) and, when
  `torch_geometric` imports, with PyG's `GCNConv` (impl "pyg").
- `ncn-10k` / `batch prep`: target-link removal and the common-neighbour matrix of 1,024
  positives and 1,024 negatives, vectorised (sorted edge keys and `searchsorted`, what NCN's
  `adjoverlap` does), in plain PyTorch.
- `ncn-10k` / `train step`: NCN with kiln-graph's defaults (hidden 64, one parameter-free
  propagation, dropout 0): encoder, common-neighbour sums, MLPs, loss, backward, Adam.

One JSON object per line, like train_step.py, plus `peak_mb` (ru_maxrss at the line) and
`base_mb` (ru_maxrss once torch, and PyG for "pyg", are imported and the data built, before any
model; `peak_mb - base_mb` is the model's own): every part runs in its own child process
(`graph_step.py <part>`), so the peak is that model's. Needs `torch` (CPU); never run in
CI. Threads: KILN_BENCH_THREADS (default: all cores). Steps: KILN_BENCH_STEPS (default 20).
"""
import json
import sys

import torch
from torch import nn
from torch.nn import functional as F

from common import STEPS, THREADS, model_of_this_process, peak_mb
from common import median_ms as median_ms_capped


def median_ms(fn):
    """The median of STEPS timed calls after 3 warm-up calls, fewer (at least 5) past 30 s."""
    return median_ms_capped(fn, STEPS, warmup=3, budget_ms=30_000)


NODES, PAIRS, CLASSES, DIM, TARGETS = 10_000, 100_000, 8, 64, 1_024
SEED = 0x6B696C6E  # "kiln"
MASK = (1 << 64) - 1


class SplitMix:
    """SplitMix64, the same stream as the Rust bench."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


def data():
    rng = SplitMix(SEED)
    block = NODES // CLASSES
    seen, pairs = set(), []
    while len(pairs) < PAIRS:
        u = rng.below(NODES)
        v = (u // block) * block + rng.below(block) if rng.below(100) < 80 else rng.below(NODES)
        key = (min(u, v), max(u, v))
        if u != v and key not in seen:
            seen.add(key)
            pairs.append(key)
    x = []
    for v in range(NODES):
        for k in range(DIM):
            value = (rng.next() >> 40) / float(1 << 24) - 0.5
            x.append(value + 1.0 if k == v // block else value)
    y = [v // block for v in range(NODES)]
    pos = [pairs[rng.below(PAIRS)] for _ in range(TARGETS)]
    neg = []
    for _ in range(TARGETS):
        a = rng.below(NODES)
        neg.append((a, (a + 1 + rng.below(NODES - 1)) % NODES))
    checksum = 0xCBF29CE484222325
    for a, b in pairs:
        checksum = ((checksum ^ (a * NODES + b)) * 0x100000001B3) & MASK
    return pairs, x, y, pos, neg, f"{checksum:016x}"


BASE_MB = 0.0  # peak RSS once torch (and PyG) are imported and the data built, before any model


def report(impl, model, what, batch, ms, graph):
    print(json.dumps({"impl": impl, "device": "cpu", "model": model, "what": what, "batch": batch, "ms": round(ms, 3),
                      "threads": THREADS, "peak_mb": round(peak_mb(), 1), "base_mb": round(BASE_MB, 1),
                      "graph": graph}), flush=True)


def edge_index(pairs):
    """Both directions, sorted by (source, target) like kiln-graph's `Graph::undirected`."""
    p = torch.tensor(pairs, dtype=torch.long)
    both = torch.cat([p, p.flip(1)])
    keys = torch.sort(both[:, 0] * NODES + both[:, 1]).values
    return torch.stack([keys // NODES, keys % NODES])


def gcn_norm(ei, n):
    """D̃^{-1/2} (A + I) D̃^{-1/2}: (src, dst, weight) with self-loops."""
    loops = torch.arange(n)
    src, dst = torch.cat([ei[0], loops]), torch.cat([ei[1], loops])
    deg = torch.zeros(n).index_add_(0, dst, torch.ones(dst.numel()))
    inv = deg.pow(-0.5).masked_fill(deg == 0, 0)
    return src, dst, inv[src] * inv[dst]


def propagate(h, src, dst, w):
    return torch.zeros(h.shape[0], h.shape[1]).index_add_(0, dst, h[src] * w.unsqueeze(1))


class GcnConv(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.lin = nn.Linear(i, o, bias=False)
        self.bias = nn.Parameter(torch.zeros(o))

    def forward(self, x, ei):
        return propagate(self.lin(x), *gcn_norm(ei, x.shape[0])) + self.bias


class Gcn(nn.Module):
    def __init__(self, conv, hidden=16, dropout=0.5):
        super().__init__()
        self.conv1, self.conv2, self.dropout = conv(DIM, hidden), conv(hidden, CLASSES), dropout

    def forward(self, x, ei):
        h = self.conv1(F.dropout(x, self.dropout, self.training), ei)
        return self.conv2(F.dropout(h.relu(), self.dropout, self.training), ei)


def bench_gcn(impl, conv, graph, x, y, ei):
    model = Gcn(conv).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x, ei), y).backward()
        opt.step()

    report(impl, "gcn-10k", "train step", NODES, median_ms(step), graph)
    model.eval()
    with torch.no_grad():
        report(impl, "gcn-10k", "inference", NODES, median_ms(lambda: model(x, ei)), graph)


def prepare_ncn(keys, pos, neg):
    """Drop the positives (both directions) from the sorted edge keys, then the common
    neighbours of every target: for each neighbour u of i, is (j, u) an edge?"""
    p = torch.tensor(pos, dtype=torch.long)
    removed = torch.cat([p[:, 0] * NODES + p[:, 1], p[:, 1] * NODES + p[:, 0]])
    keys = keys[~torch.isin(keys, removed)]
    src, dst = keys // NODES, keys % NODES
    rowptr = torch.zeros(NODES + 1, dtype=torch.long)
    rowptr[1:] = torch.bincount(src, minlength=NODES).cumsum(0)
    targets = torch.tensor(pos + neg, dtype=torch.long)
    i, j = targets[:, 0], targets[:, 1]
    deg = rowptr[i + 1] - rowptr[i]
    pair = torch.repeat_interleave(torch.arange(len(targets)), deg)
    start = torch.repeat_interleave(rowptr[i] - (deg.cumsum(0) - deg), deg)
    u = dst[start + torch.arange(pair.numel())]
    want = j[pair] * NODES + u
    at = torch.searchsorted(keys, want).clamp_max(keys.numel() - 1)
    hit = keys[at] == want
    labels = torch.cat([torch.ones(len(pos)), torch.zeros(len(neg))])
    return torch.stack([src, dst]), i, j, pair[hit], u[hit], labels


def mlp(layers, x):
    for k, layer in enumerate(layers):
        x = layer(x.relu() if k > 0 else x)
    return x


class Ncn(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        lin = lambda: nn.Linear(hidden, hidden)  # noqa: E731
        self.encoder = nn.Linear(DIM, hidden)
        self.cn_mlp = nn.ModuleList([lin(), lin(), lin()])
        self.ij_mlp = nn.ModuleList([lin(), lin()])
        self.out_mlp = nn.ModuleList([lin(), nn.Linear(hidden, 1)])
        self.beta = nn.Parameter(torch.ones(1))

    def forward(self, x, ei, i, j, cn_pair, cn_node):
        h = propagate(self.encoder(x), *gcn_norm(ei, x.shape[0]))
        cn = torch.zeros(i.numel(), h.shape[1]).index_add_(0, cn_pair, h[cn_node])
        z = mlp(self.cn_mlp, cn) * self.beta + mlp(self.ij_mlp, h[i] * h[j])
        return mlp(self.out_mlp, z).squeeze(1)


def bench_ncn(graph, x, ei, pos, neg):
    keys = ei[0] * NODES + ei[1]
    report("pytorch", "ncn-10k", "batch prep", 2 * TARGETS, median_ms(lambda: prepare_ncn(keys, pos, neg)), graph)
    ei_mp, i, j, cn_pair, cn_node, labels = prepare_ncn(keys, pos, neg)
    print(f"graph_step.py: {cn_pair.numel()} common-neighbour entries in the NCN batch", file=sys.stderr)
    model = Ncn().train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)

    def step():
        opt.zero_grad()
        s = model(x, ei_mp, i, j, cn_pair, cn_node)
        loss = F.softplus(-s[:TARGETS]).mean() + F.softplus(s[TARGETS:]).mean()
        loss.backward()
        opt.step()

    report("pytorch", "ncn-10k", "train step", 2 * TARGETS, median_ms(step), graph)


def run_part(part):
    global BASE_MB
    if part not in ("torch-gcn", "torch-ncn", "pyg-gcn"):
        raise SystemExit(f"unknown part {part}")
    if part == "pyg-gcn":
        from torch_geometric.nn import GCNConv
    pairs, x, y, pos, neg, graph = data()
    print(f"graph_step.py: {NODES} nodes, {len(pairs)} undirected pairs, checksum {graph}, {THREADS} threads",
          file=sys.stderr)
    x = torch.tensor(x, dtype=torch.float32).view(NODES, DIM)
    y = torch.tensor(y, dtype=torch.long)
    ei = edge_index(pairs)
    BASE_MB = peak_mb()
    torch.manual_seed(0)
    if part == "torch-gcn":
        bench_gcn("pytorch", GcnConv, graph, x, y, ei)
    elif part == "torch-ncn":
        bench_ncn(graph, x, ei, pos, neg)
    else:
        bench_gcn("pyg", GCNConv, graph, x, y, ei)


def main():
    parts = ["torch-gcn", "torch-ncn", "pyg-gcn"]
    if len(sys.argv) == 1:
        try:
            import torch_geometric  # noqa: F401
        except ImportError:
            print("graph_step.py: torch_geometric not installed, PyG rows skipped", file=sys.stderr)
            parts.remove("pyg-gcn")
    part = model_of_this_process(__file__, parts)
    if part is not None:
        run_part(part)


if __name__ == "__main__":
    main()
