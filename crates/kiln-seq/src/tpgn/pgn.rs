//! The PGN long-term branch (Jia et al., NeurIPS 2024, §3.1 and §3.2), run down the rows of
//! each column of the `R × P` grid.
//!
//! For the input `z_r = [x_r, time_r]` (`F = 1 + time features` values) at row `r`:
//! - HIE: `h_r = W_h · [z_{r−w}, …, z_{r−1}] + b_h` with `w = R − 1` and `z_j = 0` for `j < 0`:
//!   a kernel-`w` convolution over the zero-padded *previous* rows, strictly causal;
//! - gate: `[g_r, c_r] = W_g · [x_r, time_r, h_r] + b_g` (a kernel-1 convolution),
//!   `o_r = σ(g_r) ⊙ h_r + (1 − σ(g_r)) ⊙ tanh(c_r)`;
//! - a kernel-`R` convolution over `o_1 … o_R` gives one `d`-vector per column.

use burn::module::Module;
use burn::nn::conv::{Conv1d, Conv1dConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::sigmoid;

/// The long-term (PGN) branch of TPGN.
#[derive(Module, Debug)]
pub struct PgnBranch {
    /// HIE: `F → d`, kernel `R − 1`.
    pub hie: Conv1d,
    /// Gate: `F + d → 2d`, kernel 1 (the first `d` outputs are `g`, the last `d` are `c`).
    pub gate: Conv1d,
    /// Aggregation over the rows: `d → d`, kernel `R`.
    pub fc: Conv1d,
    /// `w = R − 1`.
    #[module(skip)]
    window: usize,
    /// `d`.
    #[module(skip)]
    d_model: usize,
}

impl PgnBranch {
    /// A branch for `rows` rows of `features` inputs with hidden size `d_model` (`rows ≥ 2`).
    pub fn new(rows: usize, features: usize, d_model: usize, device: &Device) -> Self {
        let window = rows.saturating_sub(1).max(1);
        Self {
            hie: Conv1dConfig::new(features, d_model, window).init(device),
            gate: Conv1dConfig::new(features + d_model, 2 * d_model, 1).init(device),
            fc: Conv1dConfig::new(d_model, d_model, rows).init(device),
            window,
            d_model,
        }
    }

    /// HIE: `[N, F, R]` (one series of rows per batch entry) → `h` `[N, d, R]`, where `h_r`
    /// sees only the rows before `r`.
    pub fn hie(&self, z: Tensor<3>) -> Tensor<3> {
        let [n, f, r] = z.dims();
        let pad = Tensor::zeros([n, f, self.window], &z.device());
        // Rows 0 .. R + w − 1 of the padded sequence: the last input row never enters a window.
        let padded = Tensor::cat(vec![pad, z], 2).narrow(2, 0, r + self.window - 1);
        self.hie.forward(padded)
    }

    /// The gated output `o` `[N, d, R]` from the inputs `z` `[N, F, R]` and `h` `[N, d, R]`.
    pub fn gated(&self, z: Tensor<3>, h: Tensor<3>) -> Tensor<3> {
        let gc = self.gate.forward(Tensor::cat(vec![z, h.clone()], 1));
        let g = sigmoid(gc.clone().narrow(1, 0, self.d_model));
        let c = gc.narrow(1, self.d_model, self.d_model).tanh();
        g.clone() * h + (g.neg() + 1.0) * c
    }

    /// `[N, F, R]` → one vector per series `[N, d]`.
    pub fn forward(&self, z: Tensor<3>) -> Tensor<2> {
        let h = self.hie(z.clone());
        let o = self.gated(z, h);
        let out = self.fc.forward(o);
        let [n, d, _] = out.dims();
        out.reshape([n, d])
    }
}
