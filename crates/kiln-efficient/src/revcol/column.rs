//! One column: c_k^i = α_k ⊙ c_k^{i−1} + F_k(c_{k−1}^i, c_{k+1}^{i−1}) for k = 0 … L−1
//! (c_{−1}^i = x the stem output; the top level reads no upper input), and its inverse
//! c_k^{i−1} = (c_k^i − F_k(c_{k−1}^i, c_{k+1}^{i−1})) / α_k, evaluated from the top level down
//! (level k needs c_{k+1}^{i−1}, rebuilt just before).
//!
//! α_k is per channel, initialised to `alpha_init` and used as sign(α)·max(|α|, 1e-3), the
//! official `_clamp_abs` applied at each forward (here functionally, not in place).

use burn::module::{Module, Param};
use burn::prelude::{Device, Tensor};

use super::block::mix;
use super::level::Level;

/// Smallest |α| used in the forward.
pub const ALPHA_MIN: f64 = 1e-3;

/// A column of L levels.
#[derive(Module, Debug)]
pub struct Column {
    levels: Vec<Level>,
    alpha: Vec<Param<Tensor<1>>>,
    first: bool,
}

impl Column {
    /// Column `index` (0-based; column 0 has no previous column) of the given sizes.
    pub fn new(
        index: usize,
        channels: &[usize],
        blocks: &[usize],
        layer_scale: f64,
        drop_rates: &[f64],
        alpha_init: f64,
        device: &Device,
    ) -> Self {
        let first = index == 0;
        let mut offset = 0;
        let levels = (0..channels.len())
            .map(|k| {
                let rates = &drop_rates[offset..offset + blocks[k]];
                offset += blocks[k];
                Level::new(k, channels, first, layer_scale, rates, device)
            })
            .collect();
        let alpha = channels.iter().map(|&c| Param::from_tensor(Tensor::full([c], alpha_init, device))).collect();
        Self { levels, alpha, first }
    }

    /// Levels L.
    pub fn num_levels(&self) -> usize {
        self.levels.len()
    }

    /// Whether this is the first column (its previous states are zero).
    pub fn is_first(&self) -> bool {
        self.first
    }

    /// Level `k`.
    pub fn level(&self, k: usize) -> &Level {
        &self.levels[k]
    }

    /// The α_k parameter (raw, before the clamp).
    pub fn alpha_param(&self, k: usize) -> &Param<Tensor<1>> {
        &self.alpha[k]
    }

    /// sign(α_k)·max(|α_k|, 1e-3) as `[1, C_k, 1, 1]` (sign(0) = +1).
    pub fn alpha(&self, k: usize) -> Tensor<4> {
        let a = self.alpha[k].val();
        let c = a.dims()[0];
        let sign = a.clone().greater_equal_elem(0.0).float() * 2.0 - 1.0;
        (a.abs().clamp_min(ALPHA_MIN) * sign).reshape([1, c, 1, 1])
    }

    /// F_k given the stem output `x`, the current column's lower state and the previous column.
    pub fn f(&self, k: usize, lower: Tensor<4>, previous_upper: Option<Tensor<4>>, seed: Option<u64>) -> Tensor<4> {
        let upper = if self.levels[k].reads_previous() { previous_upper } else { None };
        self.levels[k].forward(lower, upper, seed.map(|s| mix(s, k as u64)))
    }

    /// The column's states c^i from the stem output `x` and the previous states c^{i−1}
    /// (`None` for the first column, whose previous states are zero).
    pub fn forward(&self, x: &Tensor<4>, previous: Option<&[Tensor<4>]>, seed: Option<u64>) -> Vec<Tensor<4>> {
        let mut out: Vec<Tensor<4>> = Vec::with_capacity(self.levels.len());
        for k in 0..self.levels.len() {
            let lower = if k == 0 { x.clone() } else { out[k - 1].clone() };
            let upper = previous.and_then(|p| p.get(k + 1).cloned());
            let f = self.f(k, lower, upper, seed);
            out.push(match previous {
                Some(p) if !self.first => self.alpha(k) * p[k].clone() + f,
                _ => f,
            });
        }
        out
    }

    /// The previous states c^{i−1} rebuilt from this column's outputs c^i, top level first.
    ///
    /// # Panics
    /// On the first column (its previous states are zero and not stored in its outputs).
    pub fn inverse(&self, x: &Tensor<4>, outputs: &[Tensor<4>], seed: Option<u64>) -> Vec<Tensor<4>> {
        assert!(!self.first, "the first column has no previous states to rebuild");
        let levels = self.levels.len();
        let mut previous: Vec<Option<Tensor<4>>> = vec![None; levels];
        for k in (0..levels).rev() {
            let lower = if k == 0 { x.clone() } else { outputs[k - 1].clone() };
            let upper = previous.get(k + 1).cloned().flatten();
            let f = self.f(k, lower, upper, seed);
            previous[k] = Some((outputs[k].clone() - f) / self.alpha(k));
        }
        previous.into_iter().flatten().collect()
    }
}
