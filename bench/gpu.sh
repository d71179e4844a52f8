#!/usr/bin/env bash
# The GPU check of the speed work (issue 13), for a machine with an NVIDIA GPU:
#   1. runs kiln-core's training-step benchmark (and, with `full`, kiln-proto's ProtoPNet step) on
#      the GPU and on the flex CPU backend of the same machine;
#   2. runs every device-agreement test of kiln-core on the GPU device (tests made by
#      `test_device!` are named `<test>::cuda` and `<test>::wgpu`), bounded by
#      KILN_GPU_TEST_TIMEOUT seconds (default 300);
#   3. writes docs/bench-gpu.md: GPU model and driver, the tests' outcome, each benchmark row's
#      GPU time beside its CPU time, then docs/bench-gpu-notes.md (written by hand).
# BACKEND is `cuda` (default) or `wgpu` (Vulkan). Building `cuda` needs the network once:
# burn's CUDA backend (cubecl-cuda → cubecl-llvm) downloads an LLVM bundle from GitHub at build
# time; where that is unreachable, use `wgpu`.
#
# Usage:
#   bench/gpu.sh [quick|full] [BACKEND]         build, run, write the page (one machine with
#                                               cargo and a GPU; quick: kiln-core only)
#   bench/gpu.sh build [quick|full] [BACKEND]   build the test and benchmark programs and copy
#                                               them to target/gpu-bin/ (on a machine with cargo;
#                                               no GPU needed: its libraries load at run time)
#   bench/gpu.sh run                            run the programs in target/gpu-bin/ (on a GPU
#                                               machine without a Rust toolchain), keep the logs
#   bench/gpu.sh page LOGS                      write docs/bench-gpu.md from the logs of `run`
# Logs go to ${OUT:-target/gpu-check}/. Nothing here downloads data or weights.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=target/gpu-bin
logs=${OUT:-target/gpu-check}

# Builds one program with `cargo ARGS… --no-run`, copies its executable to $bin/NAME, strips it.
program() {
  local name=$1 exe
  shift
  exe=$(cargo "$@" --no-run --message-format=json \
    | python3 -c 'import json,sys; print(*[m["executable"] for m in map(json.loads, sys.stdin) if m.get("executable")])')
  cp "$exe" "$bin/$name"
  strip "$bin/$name"
}

build() {
  local scope=${1:-quick} backend=${2:-cuda}
  rm -rf "$bin" && mkdir -p "$bin"
  echo "$backend" > "$bin/backend"
  program kiln-core-tests test --release -p kiln-core --features "$backend" --test core
  program train_step bench -p kiln-core --features "$backend" --bench train_step
  if [[ "$scope" == "full" ]]; then
    program protopnet_step bench -p kiln-proto --features "$backend" --bench protopnet_step
  fi
  # One compressed file to take to the GPU machine (the programs are ~60 MB each, ~10 MB packed).
  tar -C target -cJf "$bin.tar.xz" gpu-bin
  ls -l "$bin" "$bin.tar.xz"
}

run() {
  mkdir -p "$logs"
  [[ -d "$bin" ]] || tar -C target -xJf "$bin.tar.xz"
  local gpu
  gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi")
  echo "$gpu" > "$logs/gpu.txt"
  echo "GPU: $gpu"
  local backend
  backend=$(cat "$bin/backend")
  echo "$backend" > "$logs/backend.txt"
  # 1. Benchmarks: the same program on the GPU and on flex.
  : > "$logs/bench-gpu.jsonl"
  : > "$logs/bench-cpu.jsonl"
  for program in train_step protopnet_step; do
    [[ -x "$bin/$program" ]] || continue
    KILN_DEVICE=$backend "$bin/$program" >> "$logs/bench-gpu.jsonl" 2>> "$logs/bench.err" || true
    KILN_DEVICE=flex "$bin/$program" >> "$logs/bench-cpu.jsonl" 2>> "$logs/bench.err" || true
  done
  # 2. Device agreement on the GPU (the tests' own fixtures are read relative to the crate).
  (cd crates/kiln-core && timeout "${KILN_GPU_TEST_TIMEOUT:-300}" "../../$bin/kiln-core-tests" --test-threads 1 "::$backend") > "$logs/tests.log" 2>&1 || true
  grep -E "^test result|FAILED|panicked" "$logs/tests.log" | head -20 || true
  cat "$logs/bench-gpu.jsonl"
  tail -5 "$logs/bench.err" || true
}

page() {
  local from=$1
  python3 - "$from" <<'PY'
import json, re, subprocess, sys, datetime
logs = sys.argv[1]
gpu = open(f"{logs}/gpu.txt").read().strip()
backend = open(f"{logs}/backend.txt").read().strip()
label = {"cuda": "CUDA", "wgpu": "wgpu (Vulkan)"}.get(backend, backend)
def lines(path):
    out = []
    for line in open(path):
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out
gpu_rows, cpu = lines(f"{logs}/bench-gpu.jsonl"), lines(f"{logs}/bench-cpu.jsonl")
tests = open(f"{logs}/tests.log").read()
results = re.findall(r"test result: (\w+)\. (\d+) passed; (\d+) failed", tests)
failed = re.findall(r"^test (\S+) \.\.\. FAILED", tests, re.M)
skipped = tests.count("is not compiled in or not present: test skipped")
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
md = ["# Benchmarks on a GPU", "",
      f"Written by `bench/gpu.sh` on {datetime.date.today()} at commit `{commit}` (programs built with "
      f"`--features {backend}` in release). GPU: {gpu}. Backend: {label}.", "",
      "## Device agreement", "",
      f"kiln-core's tests on the {label} device (`::{backend}`): passed {sum(int(p) for _, p, _ in results)}, "
      f"failed {sum(int(f) for _, _, f in results)}" + (f" ({', '.join(failed)})" if failed else "")
      + f"; skipped for want of the device: {skipped}.", "",
      "## Training steps", "",
      "Median of the timed steps after warm-up (the same benchmark programs as `docs/bench.md`, "
      f"synced after every step), {label} beside flex on the same machine's CPU (all its cores).", "",
      "| model | measure | batch | GPU ms | CPU (flex) ms | CPU / GPU | peak MB (host) |",
      "|---|---|---|---|---|---|---|"]
for g in gpu_rows:
    c = next((c for c in cpu if (c["model"], c["what"], c["batch"]) == (g["model"], g["what"], g["batch"])), None)
    cms = f"{c['ms']:.2f}" if c else "–"
    ratio = f"{c['ms'] / g['ms']:.1f}×" if c and g["ms"] > 0 else "–"
    peak = f"{g['peak_mb']:.0f}" if g.get("peak_mb") is not None else "–"
    md.append(f"| {g['model']} | {g['what']} | {g['batch']} | {g['ms']:.2f} | {cms} | {ratio} | {peak} |")
if not gpu_rows:
    md.append("| (no GPU rows: see the benchmark log) | | | | | | |")
md += ["", "Peak MB is the GPU process's resident host memory, not the GPU's."]
try:
    md += ["", open("docs/bench-gpu-notes.md").read().rstrip()]
except FileNotFoundError:
    pass
open("docs/bench-gpu.md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
PY
}

case "${1:-quick}" in
  build) build "${2:-quick}" "${3:-cuda}" ;;
  run) run ;;
  page) page "${2:?bench/gpu.sh page LOGS}" ;;
  quick | full) build "$1" "${2:-cuda}" && run && page "$logs" ;;
  *) echo "usage: bench/gpu.sh [quick|full [BACKEND]|build [quick|full] [BACKEND]|run|page LOGS]" >&2; exit 2 ;;
esac
