//! Analytic cost of one forward pass of **one example**: multiply-accumulates (MACs) and
//! parameter counts, layer by layer, for the families that build networks of many sizes from few
//! training runs (NN-Factory, SN-Net, Learngene Pool, MixtureGrowth).
//!
//! Conventions (as OFA's profiler and [`crate::ofa::subnet_macs`]): a convolution costs
//! `H_out · W_out · C_out · (C_in / groups) · k²` MACs; a linear layer `in · out` per row it is
//! applied to; normalisation, activations, pooling and additions are free. Parameters count
//! weights and biases (and normalisation affine parameters where the caller adds them).

use serde::{Deserialize, Serialize};

/// MACs and parameters of a network or a part of one; parts add up with `+`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    /// Multiply-accumulates of one forward pass of one example.
    pub macs: u64,
    /// Parameters (weights, biases, normalisation affine parameters).
    pub params: u64,
}

impl Cost {
    /// A cost of `macs` multiply-accumulates and `params` parameters.
    pub const fn new(macs: u64, params: u64) -> Self {
        Self { macs, params }
    }

    /// A 2-D convolution with `c_in → c_out` channels, a `kernel × kernel` window and `groups`
    /// groups producing an `h_out × w_out` map; `bias` adds `c_out` parameters.
    pub fn conv2d(
        c_in: usize,
        c_out: usize,
        kernel: usize,
        groups: usize,
        h_out: usize,
        w_out: usize,
        bias: bool,
    ) -> Self {
        let per_out = (c_in / groups.max(1)) * kernel * kernel;
        let macs = (h_out * w_out * c_out * per_out) as u64;
        let params = (c_out * per_out + if bias { c_out } else { 0 }) as u64;
        Self { macs, params }
    }

    /// A linear layer `d_in → d_out` applied to `rows` rows (tokens, positions); `bias` adds
    /// `d_out` parameters.
    pub fn linear(d_in: usize, d_out: usize, rows: usize, bias: bool) -> Self {
        let macs = (rows * d_in * d_out) as u64;
        let params = (d_in * d_out + if bias { d_out } else { 0 }) as u64;
        Self { macs, params }
    }

    /// A normalisation layer (batch or layer norm) over `channels`: `2·channels` affine
    /// parameters, no MACs.
    pub fn norm(channels: usize) -> Self {
        Self { macs: 0, params: 2 * channels as u64 }
    }

    /// Multi-head self-attention's two matrix products over `tokens` tokens of width `width`:
    /// `QKᵀ` and `softmax(·)V`, `2 · tokens² · width` MACs, no parameters (the projections are
    /// [`Cost::linear`] layers).
    pub fn attention_products(tokens: usize, width: usize) -> Self {
        Self { macs: (2 * tokens * tokens * width) as u64, params: 0 }
    }
}

impl std::ops::Add for Cost {
    type Output = Cost;
    fn add(self, rhs: Cost) -> Cost {
        Cost { macs: self.macs + rhs.macs, params: self.params + rhs.params }
    }
}

impl std::ops::AddAssign for Cost {
    fn add_assign(&mut self, rhs: Cost) {
        self.macs += rhs.macs;
        self.params += rhs.params;
    }
}

impl std::iter::Sum for Cost {
    fn sum<I: Iterator<Item = Cost>>(iter: I) -> Cost {
        iter.fold(Cost::default(), |a, b| a + b)
    }
}
