//! What Kiln's benchmark programs share: the step count, the thread count they report, peak
//! memory, one JSON object per line, and one child process per model. Included by path from the
//! benches of other crates (`#[path = "../../kiln-core/benches/common/mod.rs"] mod common;`); a
//! folder with `mod.rs`, so that Cargo does not take it for a bench of its own.
//!
//! Environment: `KILN_BENCH_STEPS` (timed steps, default 20), `RAYON_NUM_THREADS` (flex's pool;
//! the reported `threads`), `KILN_BENCH_MODEL` (run only that model, in this process).

// Each bench uses a subset of these.
#![allow(dead_code)]

/// Every benchmark program allocates through mimalloc, as the `kiln` binary does: with glibc's
/// malloc a training step's large freed buffers go back to the OS and are page-faulted in again
/// on the next step (`docs/bench-notes.md`).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::Command;
use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::{Device, Tensor};
use kiln_core::timing::{elapsed_ms, median, median_time_ms};

/// Timed steps: `KILN_BENCH_STEPS`, default 20.
pub fn steps() -> usize {
    std::env::var("KILN_BENCH_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(20)
}

/// 3 warm-up runs of `step`, then the median of `steps` timed runs, fewer when the last
/// warm-up run says they would take over `budget_ms` (at least 5).
pub fn median_capped_ms(steps: usize, budget_ms: f64, mut step: impl FnMut()) -> f64 {
    let mut last = 0.0;
    for _ in 0..3 {
        last = elapsed_ms(&mut step);
    }
    let steps = steps.min(((budget_ms / last.max(1e-3)) as usize).max(5));
    median_time_ms(0, steps, step)
}

/// The size of the rayon pool flex runs on: `RAYON_NUM_THREADS` when set to a positive number
/// (rayon's own rule), else every core.
pub fn threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Peak resident set size of this process in MB (VmHWM), 0 where /proc is missing.
pub fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Where a bench's lines come from: the device, the model name, and the peak memory once the
/// data were built (`peak_mb - base_mb` is then the model's own growth).
pub struct Reporter {
    /// Device the model runs on.
    pub device: Device,
    /// The `model` field of every line.
    pub model: String,
    /// [`peak_mb`] once the inputs were built, before any model.
    pub base_mb: f64,
}

impl Reporter {
    /// A reporter for `model` whose base is the peak memory now.
    pub fn new(device: &Device, model: &str) -> Self {
        Self { device: device.clone(), model: model.to_string(), base_mb: peak_mb() }
    }

    /// Prints `{"impl":"kiln","device","model","what","batch","ms","threads","peak_mb","base_mb"}`.
    pub fn report(&self, what: &str, batch: usize, ms: f64) {
        println!(
            "{{\"impl\":\"kiln\",\"device\":\"{:?}\",\"model\":\"{}\",\"what\":\"{what}\",\"batch\":{batch},\"ms\":{ms:.3},\"threads\":{},\"peak_mb\":{:.1},\"base_mb\":{:.1}}}",
            self.device,
            self.model,
            threads(),
            peak_mb(),
            self.base_mb
        );
    }
}

/// Where a training step's time goes: over 3 warm-up and `steps` timed steps of Adam (1e-3) on
/// `model`, times the forward with the loss (read back), the backward and the optimiser update
/// apart (each synced), reports their medians as `forward_loss`, `backward` and `optimizer`, and
/// returns the trained model.
pub fn report_step_phases<M: Module>(
    out: &Reporter,
    batch: usize,
    steps: usize,
    model: M,
    loss_of: impl Fn(&M) -> Tensor<1>,
) -> M {
    let mut model = Some(model);
    let mut optim = AdamConfig::new().init();
    let (mut fwd, mut bwd, mut opt) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..steps + 3 {
        let m = model.take().expect("model");
        let t = Instant::now();
        let loss = loss_of(&m);
        let _ = loss.clone().into_scalar::<f32>();
        let t1 = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let grads = GradientsParams::from_grads(loss.backward(), &m);
        let _ = out.device.sync();
        let t2 = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let m = optim.step(1e-3, m, grads);
        let _ = out.device.sync();
        let t3 = t.elapsed().as_secs_f64() * 1e3;
        model = Some(m);
        if i >= 3 {
            fwd.push(t1);
            bwd.push(t2);
            opt.push(t3);
        }
    }
    out.report("forward_loss", batch, median(&mut fwd));
    out.report("backward", batch, median(&mut bwd));
    out.report("optimizer", batch, median(&mut opt));
    model.expect("model")
}

/// The model this process runs. With `KILN_BENCH_MODEL` set, that model (it must be one of
/// `models`); unset, runs this program once per model in a child process with
/// `KILN_BENCH_MODEL` set, so that each reports its own peak memory, passes their output on and
/// returns `None`.
///
/// # Panics
/// On an unknown `KILN_BENCH_MODEL` or a failed child (a benchmark program has no caller to
/// hand an error to).
pub fn model_of_this_process(models: &[&str]) -> Option<String> {
    if let Ok(model) = std::env::var("KILN_BENCH_MODEL") {
        assert!(models.contains(&model.as_str()), "KILN_BENCH_MODEL={model}: one of {models:?}");
        return Some(model);
    }
    let exe = std::env::current_exe().expect("own path");
    for model in models {
        let out = Command::new(&exe).env("KILN_BENCH_MODEL", model).output().expect("bench child");
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        print!("{}", String::from_utf8_lossy(&out.stdout));
        assert!(out.status.success(), "{exe:?} with KILN_BENCH_MODEL={model} failed");
    }
    None
}
