//! BSP-Net's losses (§3.2–3.3; `model.py` of the official code). `F` is 1 inside.
//!
//! - Continuous phase: `L = mean (S⁺ − F)² + L_T + L_W` with
//!   `L_T = Σ max(T − 1, 0) − Σ min(T, 0)` (keeps T in `[0, 1]`) and `L_W = Σ |W − 1|`
//!   (pushes W to 1 so the union becomes a sum of convexes).
//! - Hard phase: `L = mean[(1 − F)(1 − min(S*, 1)) + F · max(S*, 0)]`.

use burn::prelude::Tensor;

/// The continuous-phase loss and its terms, each `[1]`.
#[derive(Debug, Clone)]
pub struct ContinuousLoss {
    /// `mean (S⁺ − F)²`.
    pub recon: Tensor<1>,
    /// `L_T`.
    pub l_t: Tensor<1>,
    /// `L_W`.
    pub l_w: Tensor<1>,
}

impl ContinuousLoss {
    /// `recon + L_T + L_W`.
    pub fn total(&self) -> Tensor<1> {
        self.recon.clone() + self.l_t.clone() + self.l_w.clone()
    }
}

/// The continuous-phase loss of `S⁺` (`[b, n]`) against `F` with `T` (`[p, c]`), `W` (`[c, 1]`).
pub fn continuous_loss(shape: Tensor<2>, values: Tensor<2>, t: Tensor<2>, w: Tensor<2>) -> ContinuousLoss {
    let recon = (shape - values).square().mean();
    let l_t = (t.clone() - 1.0).clamp_min(0.0).sum() - t.clamp_max(0.0).sum();
    let l_w = (w - 1.0).abs().sum();
    ContinuousLoss { recon, l_t, l_w }
}

/// The hard-phase loss of `S*` (`[b, n]`, 0 inside) against `F`.
pub fn hard_loss(shape: Tensor<2>, values: Tensor<2>) -> Tensor<1> {
    let outside = (values.clone().neg() + 1.0) * (shape.clone().clamp_max(1.0).neg() + 1.0);
    let inside = values * shape.clamp_min(0.0);
    (outside + inside).mean()
}
