"""What the PyTorch references of `cargo xtask bench` share: steps, threads, the median time,
peak memory, one JSON object per line, and one child process per model.

Environment: KILN_BENCH_STEPS (timed steps, default 20), KILN_BENCH_THREADS (torch's intra-op
threads, default all cores). A script given a model name as its first argument runs only that
model; without one it runs itself once per model, each in its own process, so that each line's
`peak_mb` (ru_maxrss) is that model's process.
"""
import json
import os
import resource
import subprocess
import sys
import time

import torch

STEPS = int(os.environ.get("KILN_BENCH_STEPS", "20"))
THREADS = int(os.environ.get("KILN_BENCH_THREADS", str(os.cpu_count())))
torch.set_num_threads(THREADS)


def median_ms(fn, steps=STEPS, warmup=3, budget_ms=None):
    """`warmup` untimed calls, then the median of `steps` timed ones, in milliseconds; with
    `budget_ms`, fewer timed calls (at least 5) when the last warm-up call says they would take
    longer (as the Kiln benches' `median_capped_ms`)."""
    last = 0.0
    for _ in range(warmup):
        t = time.perf_counter()
        fn()
        last = (time.perf_counter() - t) * 1e3
    if budget_ms is not None:
        steps = min(steps, max(5, int(budget_ms / max(last, 1e-3))))
    times = []
    for _ in range(max(steps, 1)):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    return times[len(times) // 2]


def peak_mb():
    """Peak resident memory of this process in MB (Linux reports ru_maxrss in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Reporter:
    """Prints the lines of one model; `base_mb` is the peak memory when it was made (torch
    imported, the inputs built, no model yet)."""

    def __init__(self, model):
        self.model = model
        self.base_mb = peak_mb()

    def report(self, what, batch, ms):
        print(json.dumps({"impl": "pytorch", "device": "cpu", "model": self.model, "what": what, "batch": batch,
                          "ms": round(ms, 3), "threads": THREADS, "peak_mb": round(peak_mb(), 1),
                          "base_mb": round(self.base_mb, 1)}), flush=True)


def model_of_this_process(script, models):
    """The model named by the first argument; without one, runs `script` once per model in a
    child process, passes their output on and returns None."""
    if len(sys.argv) > 1:
        if sys.argv[1] not in models:
            raise SystemExit(f"{script}: unknown model {sys.argv[1]}; one of {models}")
        return sys.argv[1]
    for model in models:
        out = subprocess.run([sys.executable, script, model], capture_output=True, text=True)
        sys.stderr.write(out.stderr)
        sys.stdout.write(out.stdout)
        if out.returncode != 0:
            raise SystemExit(f"{script} {model} failed")
    return None
