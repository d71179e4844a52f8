//! [`UniPt`]: the parallel network over a CNN backbone's hidden states.

use burn::module::Module;
use burn::nn::conv::Conv2d;
use burn::nn::{BatchNorm, Linear, Relu};
use burn::prelude::Tensor;

use super::interaction::{confidences, flatten_map, parallel_interaction, roll_map};
use super::pool::anchor_weighted_pool;
use crate::error::{EfficientError, Result};

/// A 1×1 convolution followed by batch norm (the official `Conv2d(k=1) + BatchNorm2d`).
#[derive(Module, Debug)]
pub struct Projection {
    /// The 1×1 convolution.
    pub conv: Conv2d,
    /// The batch norm.
    pub norm: BatchNorm,
}

impl Projection {
    /// `BN(conv1×1(x))`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.norm.forward(self.conv.forward(x))
    }

    /// Input channels.
    pub fn in_channels(&self) -> usize {
        self.conv.weight.dims()[1]
    }
}

/// UniPT's parallel network for a CNN (see the [module docs](super)). Build it with
/// [`UniPtConfig`](super::UniPtConfig).
#[derive(Module, Debug)]
pub struct UniPt {
    /// `Down_i`, one per stage: `C_i → D/r`.
    pub down: Vec<Projection>,
    /// `ReLU(conv1×1(h_L))`'s convolutions `C_L → C_i`, one per stage `i < L`.
    pub identity: Vec<Conv2d>,
    /// `P`: `D/r → D/r` with batch norm.
    pub projection: Projection,
    /// `Up`: `D/r → D` (after a ReLU).
    pub up: Conv2d,
    /// The confidence gate `w`: `D/r → 1`.
    pub gate: Linear,
    /// ReLU.
    pub activation: Relu,
}

/// The output of [`UniPt::forward_detailed`].
#[derive(Debug, Clone)]
pub struct UniPtOutput {
    /// `Up(ReLU(A + P(M)))`, `[b, D, h_L, w_L]`.
    pub features: Tensor<4>,
    /// Confidences `c` `[b, L]` (rows sum to 1).
    pub confidences: Tensor<2>,
    /// `S_i` `[b, n, n]` per stage `i < L`, `n = h_L · w_L`.
    pub similarities: Vec<Tensor<3>>,
}

impl UniPt {
    /// Channels `C_0 … C_L` the network expects.
    pub fn stage_channels(&self) -> Vec<usize> {
        self.down.iter().map(Projection::in_channels).collect()
    }

    /// Output width `D`.
    pub fn out_dim(&self) -> usize {
        self.up.weight.dims()[0]
    }

    /// Checks `hidden` against the network and returns every stage's rate: the factor by which
    /// its grid is larger than the anchor's (1 for the anchor).
    ///
    /// # Errors
    /// [`EfficientError::StageCount`] for a wrong number of states, [`EfficientError::StageShape`]
    /// for wrong channels, batch, or a grid that is not an integer multiple of the anchor's.
    pub fn rates(&self, hidden: &[Tensor<4>]) -> Result<Vec<usize>> {
        let channels = self.stage_channels();
        if hidden.len() != channels.len() {
            return Err(EfficientError::StageCount { expected: channels.len(), got: hidden.len() });
        }
        let [batch, _, hl, wl] = hidden[hidden.len() - 1].dims();
        let mut rates = Vec::with_capacity(hidden.len());
        for (index, (h, &c)) in hidden.iter().zip(&channels).enumerate() {
            let got = h.dims();
            let bad = |reason: String| EfficientError::StageShape { index, got, reason };
            if got[1] != c {
                return Err(bad(format!("expected {c} channels")));
            }
            if got[0] != batch {
                return Err(bad(format!("expected batch {batch} like the last state")));
            }
            let rate = if hl > 0 && wl > 0 { got[2] / hl } else { 0 };
            if rate == 0 || got[2] != rate * hl || got[3] != rate * wl {
                return Err(bad(format!("the grid must be an integer multiple of the anchor's {hl}×{wl}")));
            }
            rates.push(rate);
        }
        Ok(rates)
    }

    /// `Up(ReLU(A + P(M)))`.
    ///
    /// # Shapes
    /// `[[b, C_i, h_i, w_i]; L + 1] → [b, D, h_L, w_L]`
    ///
    /// # Errors
    /// As [`UniPt::rates`].
    pub fn forward(&self, hidden: Vec<Tensor<4>>) -> Result<Tensor<4>> {
        Ok(self.forward_detailed(hidden)?.features)
    }

    /// The output with the confidences and similarity matrices.
    ///
    /// # Errors
    /// As [`UniPt::rates`].
    pub fn forward_detailed(&self, mut hidden: Vec<Tensor<4>>) -> Result<UniPtOutput> {
        let rates = self.rates(&hidden)?;
        let last = hidden.len() - 1;
        let h_last = hidden.remove(last);
        let [_, _, hl, wl] = h_last.dims();
        let anchor_map = self.down[last].forward(h_last.clone());
        let anchor = flatten_map(anchor_map.clone());
        let anchor_mean = anchor.clone().mean_dim(1).squeeze_dim::<2>(1);
        let mut merged = Vec::with_capacity(last);
        let mut similarities = Vec::with_capacity(last);
        let mut means = Vec::with_capacity(last);
        for (index, raw) in hidden.into_iter().enumerate() {
            let guide = self.activation.forward(self.identity[index].forward(h_last.clone()));
            let pooled = anchor_weighted_pool(raw, guide, rates[index]);
            let target = flatten_map(self.down[index].forward(pooled));
            means.push(target.clone().mean_dim(1).squeeze_dim::<2>(1));
            let (m, s) = parallel_interaction(anchor.clone(), target);
            merged.push(m);
            similarities.push(s);
        }
        let c = confidences(&self.gate, anchor_mean, means);
        let [b, n, m] = anchor.dims();
        let stacked = Tensor::stack::<4>(merged, 1);
        let weights = c.clone().reshape([b, last, 1, 1]);
        let aggregated = (stacked * weights).sum_dim(1).reshape([b, n, m]);
        let out = anchor_map + self.projection.forward(roll_map(aggregated, hl, wl));
        let features = self.up.forward(self.activation.forward(out));
        Ok(UniPtOutput { features, confidences: c, similarities })
    }
}
