#!/usr/bin/env bash
# The GPU check of the speed work (issue 13), for a machine with an NVIDIA GPU:
#   1. builds kiln-core (and, with `full`, kiln-proto and kiln-nas) with the `cuda` feature and
#      runs every device-agreement test on the CUDA device (tests made by `test_device!` are
#      named `<test>::cuda`; the `wgpu` variants run too when `--wgpu` is given);
#   2. runs kiln-core's training-step benchmark on CUDA and on the flex CPU backend of the same
#      machine (and, with `full`, kiln-proto's ProtoPNet step);
#   3. writes docs/bench-gpu.md: GPU model and driver, the tests' outcome, each benchmark row's
#      GPU time beside its CPU time.
# Usage: bench/gpu.sh [quick|full] [--wgpu]     (quick: kiln-core only; about 10 minutes cold)
# Writes its logs to ${OUT:-target/gpu-check}/. Needs no network once the crates are vendored
# or in cargo's cache; nothing here downloads data or weights.
set -euo pipefail
cd "$(dirname "$0")/.."

scope=${1:-quick}
features=cuda
if [[ "${2:-}" == "--wgpu" ]]; then features="cuda,wgpu"; fi
logs=${OUT:-target/gpu-check}
mkdir -p "$logs"
crates=(kiln-core)
benches=("kiln-core train_step")
if [[ "$scope" == "full" ]]; then
  crates+=(kiln-proto kiln-nas)
  benches+=("kiln-proto protopnet_step")
fi

gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi")
echo "GPU: $gpu" | tee "$logs/gpu.txt"

# 1. Device agreement on the GPU.
: > "$logs/tests.log"
for crate in "${crates[@]}"; do
  echo "== $crate" >> "$logs/tests.log"
  filter="::cuda"
  cargo test --release -p "$crate" --features "$features" -- "$filter" >> "$logs/tests.log" 2>&1 || true
  if [[ "$features" == *wgpu* ]]; then
    cargo test --release -p "$crate" --features "$features" -- "::wgpu" >> "$logs/tests.log" 2>&1 || true
  fi
done

# 2. Benchmarks: the same program on CUDA and on flex.
: > "$logs/bench-cuda.jsonl"
: > "$logs/bench-cpu.jsonl"
for entry in "${benches[@]}"; do
  read -r crate bench <<< "$entry"
  KILN_DEVICE=cuda cargo bench -p "$crate" --features cuda --bench "$bench" >> "$logs/bench-cuda.jsonl" 2>> "$logs/bench.err" || true
  KILN_DEVICE=flex cargo bench -p "$crate" --bench "$bench" >> "$logs/bench-cpu.jsonl" 2>> "$logs/bench.err" || true
done

# 3. The page.
python3 - "$logs" "$gpu" <<'PY'
import json, re, subprocess, sys, datetime
logs, gpu = sys.argv[1], sys.argv[2]
def lines(path):
    out = []
    for line in open(path):
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out
cuda, cpu = lines(f"{logs}/bench-cuda.jsonl"), lines(f"{logs}/bench-cpu.jsonl")
tests = open(f"{logs}/tests.log").read()
results = re.findall(r"test result: (\w+)\. (\d+) passed; (\d+) failed", tests)
failed = re.findall(r"^test (\S+) \.\.\. FAILED", tests, re.M)
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
md = ["# Benchmarks on a GPU", "",
      f"Written by `bench/gpu.sh` on {datetime.date.today()} at commit `{commit}`. GPU: {gpu}.", "",
      "## Device agreement", "",
      f"Test binaries: {len(results)}; passed {sum(int(p) for _, p, _ in results)}, "
      f"failed {sum(int(f) for _, _, f in results)}" + (f" ({', '.join(failed)})" if failed else "") + ".", "",
      "## Training steps", "",
      "Median of the timed steps after warm-up (the same benchmark programs as `docs/bench.md`), "
      "CUDA beside flex on this machine's CPU.", "",
      "| model | measure | batch | CUDA ms | CPU (flex) ms | CPU / CUDA |", "|---|---|---|---|---|---|"]
for g in cuda:
    c = next((c for c in cpu if (c["model"], c["what"], c["batch"]) == (g["model"], g["what"], g["batch"])), None)
    cms = f"{c['ms']:.2f}" if c else "–"
    ratio = f"{c['ms'] / g['ms']:.1f}×" if c and g["ms"] > 0 else "–"
    md.append(f"| {g['model']} | {g['what']} | {g['batch']} | {g['ms']:.2f} | {cms} | {ratio} |")
if not cuda:
    md.append("| (no CUDA rows: see the benchmark log) | | | | | |")
open("docs/bench-gpu.md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
PY
