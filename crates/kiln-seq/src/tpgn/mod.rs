//! PGN and TPGN: Jia, Y., Lin, Y., Yu, J., Wang, S., Liu, T., Wan, H. "PGN: The RNN's New
//! Successor is Effective for Long-Range Time Series Forecasting", NeurIPS 2024; official code
//! `Water2sea/TPGN` (`models/TPGN.py`, `run.py`, `exp/exp_main.py`).
//!
//! **PGN** (§3.1–3.2) replaces the recurrence by direct access to the history. The
//! Historical Information Extraction layer sees the zero-padded previous `w` inputs,
//! `h_t = W_h [z_{t−w}, …, z_{t−1}] + b_h` (`z = [x, time features]`), and a gate mixes it
//! with the current input: `[g_t, c_t] = W_g [x_t, time_t, h_t] + b_g`,
//! `o_t = σ(g_t) ⊙ h_t + (1 − σ(g_t)) ⊙ tanh(c_t)`.
//!
//! **TPGN** (§3.3) reshapes the input of length `L = R·P` (period `P = 24`) to an `R × P`
//! grid per channel:
//! - long branch ([`pgn`]): PGN down each column with `w = R − 1`, then a kernel-`R`
//!   convolution over the rows → `l_p ∈ ℝ^d` per column;
//! - short branch ([`short`]): a kernel-`P` convolution per row, then a kernel-`R`
//!   convolution over the rows → one `s ∈ ℝ^d`, repeated to every column;
//! - head: `[s, l_p]` (`2d`) → `⌈H/P⌉` values per column by a Linear map (the kernel-1 conv),
//!   read row by row as the `H`-step forecast.
//!
//! Defaults (`run.py`): seq 168, pred 168, `d = 32` (ETTh1: 2), MSE, Adam 1e-3, batch 32,
//! 25 epochs, patience 5 on the validation MSE, lr × 0.9 after each epoch, univariate target
//! `OT`, no instance normalisation. Paper, ETTh1 168 → 168: MSE 0.1061, MAE 0.2533.
//!
//! Deviations from the official code:
//! - channels are folded into the batch and share weights; the official grouped convolutions
//!   (`groups = c_in`) give each channel its own weights. The two agree in the paper's
//!   univariate (`S`) setting, where `c_in = 1`.
//! - `pred_len` need not be a multiple of `P`: the head predicts `⌈H/P⌉·P` steps and the first
//!   `H` are kept (the official code requires the multiple). `seq_len` must be `R·P` with
//!   `R ≥ 2`, as there.
//! - the head is a Linear layer; it equals the official kernel-1 convolution.
//! - the test metrics cover every test window; Autoformer's test loader drops the last
//!   incomplete batch (`drop_last = True`).
//! - [`TpgnConfig::small`] (`d = 8`, 10 epochs, ≤ 150 steps per epoch, early stopping on
//!   every fourth validation window) is a CPU preset, not the paper's setting.
//! - early stopping keeps the best epoch's weights in memory instead of a checkpoint file
//!   (same result); the validation MSE is the mean over batches of 256 windows (the official
//!   code averages batches of 32).

pub mod config;
pub mod csv;
pub mod model;
pub mod pgn;
pub mod short;
pub mod train;

pub use config::TpgnConfig;
pub use csv::{ForecastOptions, ForecastReport, forecast_csv};
pub use model::Tpgn;
pub use pgn::PgnBranch;
pub use short::ShortBranch;
