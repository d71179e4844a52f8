//! ShiftNAS' complexity side: the MAC bins and their targets `c_k`, the differentiable MACs of a
//! relaxed architecture, and the probability shift of the bin distribution.

use burn::prelude::{Tensor, TensorData};
use rand::Rng;

use super::error::ShiftNasError;
use super::generator::RelaxedArch;
use crate::elastic::se_mid;
use crate::ofa::{OfaConfig, SubnetConfig, subnet_macs};

/// K MAC bins over the space: edges `e_0 < e_1 < … < e_K`, `e_0` the smallest subnet's MACs,
/// `e_K` the largest's, the inner edges the `j/K` quantiles of the MACs of uniformly sampled
/// subnets (so a uniform sampler lands in every bin equally often); bin k is `[e_k, e_{k+1}]`
/// and its target is its centre `c_k = (e_k + e_{k+1})/2`.
#[derive(Debug, Clone, PartialEq)]
pub struct MacBins {
    /// The K + 1 edges, increasing.
    pub edges: Vec<f64>,
}

impl MacBins {
    /// The bins of `config`'s space from `samples` subnets drawn uniformly per gene with
    /// `seed`.
    ///
    /// # Errors
    /// [`ShiftNasError::TooFewBins`], [`ShiftNasError::TooFewSamples`], or
    /// [`ShiftNasError::EmptyBin`] when two edges coincide.
    pub fn from_space(config: &OfaConfig, bins: usize, samples: usize, seed: u64) -> Result<Self, ShiftNasError> {
        if bins < 2 {
            return Err(ShiftNasError::TooFewBins(bins));
        }
        if samples < bins {
            return Err(ShiftNasError::TooFewSamples { samples, bins });
        }
        let choices = SubnetConfig::gene_choices(config);
        let mut rng = kiln_core::seed::rng(seed, 0x5_41F7_B175);
        let mut macs: Vec<u64> = (0..samples)
            .map(|_| {
                let genes: Vec<usize> = choices.iter().map(|&n| rng.random_range(0..n.max(1))).collect();
                subnet_macs(config, &SubnetConfig::decode(&genes, config))
            })
            .collect();
        macs.sort_unstable();
        let low = subnet_macs(config, &SubnetConfig::smallest(config)) as f64;
        let high = subnet_macs(config, &SubnetConfig::largest(config)) as f64;
        let mut edges = vec![low];
        edges.extend((1..bins).map(|j| macs[(j * samples / bins).min(samples - 1)] as f64));
        edges.push(high);
        for (bin, pair) in edges.windows(2).enumerate() {
            if pair[1] <= pair[0] {
                return Err(ShiftNasError::EmptyBin { bin, edge: pair[0] });
            }
        }
        Ok(Self { edges })
    }

    /// K.
    pub fn len(&self) -> usize {
        self.edges.len().saturating_sub(1)
    }

    /// Whether there are no bins.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `c_k`, the centre of bin `k`.
    pub fn target(&self, k: usize) -> f64 {
        (self.edges[k] + self.edges[k + 1]) / 2.0
    }

    /// Whether `macs` lies in bin `k` (edges included).
    pub fn contains(&self, k: usize, macs: u64) -> bool {
        let m = macs as f64;
        self.edges[k] <= m && m <= self.edges[k + 1]
    }
}

/// Spatial output size of a convolution with kernel `k`, stride `s` and padding `k/2` (the
/// rule of [`subnet_macs`]).
fn conv_out(h: usize, k: usize, s: usize) -> usize {
    (h + 2 * (k / 2)).saturating_sub(k) / s.max(1) + 1
}

/// One block slot's MAC table: `T[r][e·n_k + k]`, the block's MACs at resolution `r`, expand
/// `e` and kernel `k`, and the depth choices under which it runs.
#[derive(Debug, Clone, PartialEq)]
struct BlockTable {
    unit: usize,
    slot: usize,
    /// `[n_r · n_e · n_k]`, row-major.
    macs: Vec<f32>,
    /// `1` for depth choices `d > b` (`None` for a unit's first block, which always runs).
    runs: Option<Vec<f32>>,
}

/// The fixed tables of the differentiable MAC count (the "matrix mapping" of the cost):
///
/// `MACs(a) = Σ_r o^r_r · (stem_r + Σ_b gate_b · (o^e_b)ᵀ T_{b,r} o^k_b) + head`,
/// `gate_b = Σ_{d > b} o^d_{u(b),d}` (1 for a unit's first block),
///
/// where `T_{b,r}[e][k]` is block b's count (expansion `h²·in·hid`, depthwise `h'²·hid·k²`,
/// SE `2·hid·mid`, projection `h'²·hid·out`, `hid = in·e`) at input side `h` fixed by the
/// resolution `r` and the strides. At exact one-hots it is [`subnet_macs`] (every term is an
/// integer below 2²⁴ in the digits space, so the f32 sum is exact). Kernel sizes are assumed odd
/// (the elastic depthwise convolution needs odd kernels), so a block's output side does not
/// depend on its kernel.
#[derive(Debug, Clone, PartialEq)]
pub struct MacTables {
    stem: Vec<f32>,
    head: f32,
    blocks: Vec<BlockTable>,
    sizes: [usize; 3],
    units: usize,
}

impl MacTables {
    /// The tables of `config`'s space.
    pub fn new(config: &OfaConfig) -> Self {
        let max_expand = config.expand_ratios.iter().copied().max().unwrap_or(1);
        let (kernels, expands) = (&config.kernel_sizes, &config.expand_ratios);
        let stem = config.resolutions.iter().map(|&r| (r * r * config.stem_channels * config.in_channels * 9) as f32);
        let mut blocks = Vec::new();
        let mut slot = 0;
        let mut in_ch = config.stem_channels;
        let mut sides: Vec<usize> = config.resolutions.clone();
        for (u, unit) in config.units.iter().enumerate() {
            for b in 0..unit.max_depth {
                let stride = if b == 0 { unit.stride } else { 1 };
                let co = unit.out_channels;
                let mut macs = Vec::new();
                for &h in &sides {
                    for &e in expands {
                        let hid = (in_ch * e).clamp(1, (in_ch * max_expand).max(1));
                        let se = if unit.use_se { 2 * hid * se_mid(hid) } else { 0 };
                        for &k in kernels {
                            let oh = conv_out(h, k, stride);
                            macs.push((h * h * hid * in_ch + oh * oh * hid * k * k + se + oh * oh * co * hid) as f32);
                        }
                    }
                }
                let runs = (b > 0).then(|| {
                    config.depths.iter().map(|&d| if d.clamp(1, unit.max_depth) > b { 1.0 } else { 0.0 }).collect()
                });
                blocks.push(BlockTable { unit: u, slot: slot + b, macs, runs });
                let k = kernels.first().copied().unwrap_or(3);
                sides.iter_mut().for_each(|h| *h = conv_out(*h, k, stride));
                in_ch = co;
            }
            slot += unit.max_depth;
        }
        Self {
            stem: stem.collect(),
            head: (in_ch * config.num_classes) as f32,
            blocks,
            sizes: [config.resolutions.len(), expands.len(), kernels.len()],
            units: config.units.len(),
        }
    }

    /// `MACs(a)`, differentiable in every one-hot of `arch`, `[1]`.
    pub fn macs(&self, arch: &RelaxedArch) -> Tensor<1> {
        let [nr, ne, nk] = self.sizes;
        let res = arch.resolution();
        let device = res.device();
        let host = |v: &[f32], shape: [usize; 2]| Tensor::<2>::from_data(TensorData::new(v.to_vec(), shape), &device);
        let res = res.reshape([1, nr]);
        let mut inner = host(&self.stem, [nr, 1]);
        for block in &self.blocks {
            let outer = arch.expand(self.units, block.slot).reshape([ne, 1])
                * arch.kernel(self.units, block.slot).reshape([1, nk]);
            let per_res = host(&block.macs, [nr, ne * nk]).matmul(outer.reshape([ne * nk, 1]));
            inner = inner
                + match &block.runs {
                    Some(runs) => {
                        let gate = (arch.depth(block.unit) * host(runs, [1, runs.len()]).reshape([-1])).sum();
                        per_res * gate.reshape([1, 1])
                    }
                    None => per_res,
                };
        }
        res.matmul(inner).reshape([1]) + self.head
    }
}

/// The probability shift of the bin distribution `p = softmax(θ)` (our reading of the paper's
/// "performance variation"): after a step on bin k with loss `L`, the drop `L_prev,k − L`
/// since bin k's previous step updates `Δ_k ← β Δ_k + (1 − β)(L_prev,k − L)` (the first visit
/// only records `L`), then every `θ_j += η (Δ_j − mean Δ)`: bins whose loss still falls fast
/// (under-trained ones) are drawn more often.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProbabilityShift {
    /// η.
    pub rate: f64,
    /// β.
    pub momentum: f64,
}

/// θ, Δ and each bin's last loss (`None` before its first step).
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftState {
    /// Logits of p.
    pub theta: Vec<f64>,
    /// EMA of each bin's loss drop.
    pub delta: Vec<f64>,
    /// Each bin's last observed loss.
    pub last_loss: Vec<Option<f64>>,
}

impl ShiftState {
    /// θ = 0 (uniform p), Δ = 0, no losses seen, for `bins` bins.
    pub fn new(bins: usize) -> Self {
        Self { theta: vec![0.0; bins], delta: vec![0.0; bins], last_loss: vec![None; bins] }
    }

    /// `p = softmax(θ)`.
    pub fn probabilities(&self) -> Vec<f64> {
        let max = self.theta.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let exp: Vec<f64> = self.theta.iter().map(|t| (t - max).exp()).collect();
        let sum: f64 = exp.iter().sum();
        exp.into_iter().map(|e| e / sum).collect()
    }

    /// A bin drawn from p with `seed`.
    pub fn draw(&self, seed: u64) -> usize {
        let p = self.probabilities();
        let mut u: f64 = kiln_core::seed::rng(seed, 0xB1_4D).random();
        for (k, &pk) in p.iter().enumerate() {
            if u < pk {
                return k;
            }
            u -= pk;
        }
        p.len().saturating_sub(1)
    }
}

impl ProbabilityShift {
    /// Records the loss `loss` of a step on bin `bin` and shifts θ.
    pub fn observe(&self, state: &mut ShiftState, bin: usize, loss: f64) {
        if let Some(prev) = state.last_loss[bin] {
            state.delta[bin] = self.momentum * state.delta[bin] + (1.0 - self.momentum) * (prev - loss);
        }
        state.last_loss[bin] = Some(loss);
        let mean = state.delta.iter().sum::<f64>() / state.delta.len().max(1) as f64;
        for (theta, delta) in state.theta.iter_mut().zip(&state.delta) {
            *theta += self.rate * (delta - mean);
        }
    }
}
