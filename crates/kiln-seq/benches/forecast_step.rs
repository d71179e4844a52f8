//! Times one forecasting training pass (forward, MSE, backward; no optimiser update) against
//! the input length `L ∈ {96, 192, 384, 768}` at horizon 96, batch 32, one channel with four
//! time features: TPGN (`d = 32`, the paper's default), PGN alone (TPGN without its short
//! branch), and the GRU and LSTM baselines (32 units).
//!
//! The point of PGN (Jia et al., NeurIPS 2024, §3.2): its history extraction is one parallel
//! convolution over the previous `R − 1` rows of the `R × P` grid, so its cost grows with `L`
//! as a convolution does, while a recurrence steps through all `L` inputs one after another.
//!
//! One JSON object per line (`model`, `what`, `batch`, `ms`, `device`, `threads`), read by
//! `cargo xtask bench`. Device: `KILN_DEVICE` (default auto); steps: `KILN_BENCH_STEPS`
//! (default 10, after 2 warm-up passes).

/// mimalloc, as every benchmark program and the `kiln` binary (`docs/bench-notes.md`).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::device::select_str;
use kiln_core::timing::median_time_ms;
use kiln_seq::baseline::{Forecaster, GruForecaster, LstmForecaster};
use kiln_seq::tpgn::TpgnConfig;

/// Input lengths, all multiples of the period 24.
const LENGTHS: [usize; 4] = [96, 192, 384, 768];
const HORIZON: usize = 96;
const BATCH: usize = 32;
const TIME_FEATURES: usize = 4;
const HIDDEN: usize = 32;

/// Median milliseconds of forward + MSE + backward of `model` on a random batch of length `l`.
fn time_pass(model: &dyn Forecaster, l: usize, steps: usize, device: &Device) -> f64 {
    let x = Tensor::<3>::random([BATCH, l, 1], Distribution::Normal(0.0, 1.0), device);
    let mark = Tensor::<3>::random([BATCH, l, TIME_FEATURES], Distribution::Uniform(-0.5, 0.5), device);
    let y = Tensor::<3>::random([BATCH, HORIZON, 1], Distribution::Normal(0.0, 1.0), device);
    median_time_ms(2, steps, || {
        let diff = model.forecast(x.clone(), mark.clone()) - y.clone();
        let _grads = (diff.clone() * diff).mean().backward();
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let device = select_str(std::env::var("KILN_DEVICE").ok().as_deref())?.autodiff();
    let steps = std::env::var("KILN_BENCH_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    for l in LENGTHS {
        let tpgn = TpgnConfig::new(l, HORIZON).try_init(&device)?;
        let pgn = TpgnConfig::new(l, HORIZON).without_short_branch().try_init(&device)?;
        let gru = GruForecaster::new(1, TIME_FEATURES, HIDDEN, HORIZON, &device);
        let lstm = LstmForecaster::new(1, TIME_FEATURES, HIDDEN, HORIZON, &device);
        let models: [(&str, &dyn Forecaster); 4] = [("tpgn", &tpgn), ("pgn", &pgn), ("gru", &gru), ("lstm", &lstm)];
        for (name, model) in models {
            let ms = time_pass(model, l, steps, &device);
            println!(
                "{}",
                serde_json::json!({
                    "model": name,
                    "what": format!("fwd+bwd L={l}"),
                    "length": l,
                    "batch": BATCH,
                    "ms": ms,
                    "device": format!("{device:?}"),
                    "threads": threads,
                })
            );
        }
    }
    Ok(())
}
