//! The SCM / random-MLP prior of TabPFN v1 (Hollmann et al. 2023, §4.4 and Appendix C.1;
//! `priors/mlp.py` in automl/TabPFN v1).
//!
//! A random MLP with `layers ≥ 2` linear maps of random width turns sampled *causes* into node
//! values; every linear map adds per-unit Gaussian noise `ε_j ~ N(0, σ_j²)` with
//! `σ_j ~ |N(0, noise_std)|`, weights are `N(0, init_std²)` thinned by Bernoulli or block-wise
//! dropout, and the activation is one of {tanh, identity, ReLU}. In the *non-causal* mode the
//! features are the causes and the target is the network output; in the *causal* mode the
//! features and the target are read from random hidden nodes, the target from the last layer
//! (`y_is_effect`).
//!
//! Simplifications against v1's `mlp.py` (checked against automl/TabPFN): the maps have no bias;
//! the first map is noisy and thinned like the others (v1 keeps it dense and noise-free); in the
//! non-causal mode the output map is noise-free; the `mixed` cause sampling draws normal or
//! categorical causes (v1 also draws Zipf-distributed ones).

use rand::Rng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use super::sample::{bernoulli, int, log_uniform, normal, permutation};

/// Hyper-prior of the SCM prior (ranges the per-dataset hyper-parameters are drawn from).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScmConfig {
    /// Linear maps per network, drawn uniformly from this range. Default `[2, 6]`.
    pub layers: (usize, usize),
    /// Hidden width, log-uniform in this range. Default `[4, 64]`.
    pub hidden: (usize, usize),
    /// Weight standard deviation, log-uniform. Default `[0.01, 10]` (v1's `init_std` range).
    pub init_std: (f32, f32),
    /// Scale of the per-unit noise standard deviations, log-uniform. Default `[1e-4, 0.3]`.
    pub noise_std: (f32, f32),
    /// Largest Bernoulli weight-dropout probability (drawn uniformly below it). Default 0.9.
    pub max_dropout: f32,
    /// Probability of block-wise instead of Bernoulli dropout. Default 0.5.
    pub block_wise_p: f32,
    /// Probability of the causal mode. Default 0.5.
    pub causal_p: f32,
    /// Causes in the causal mode, drawn uniformly from this range. Default `[1, 12]`.
    pub causes: (usize, usize),
}

impl Default for ScmConfig {
    fn default() -> Self {
        Self {
            layers: (2, 6),
            hidden: (4, 64),
            init_std: (0.01, 10.0),
            noise_std: (1e-4, 0.3),
            max_dropout: 0.9,
            block_wise_p: 0.5,
            causal_p: 0.5,
            causes: (1, 12),
        }
    }
}

#[derive(Clone, Copy)]
enum Activation {
    Tanh,
    Identity,
    Relu,
}

impl Activation {
    fn apply(self, v: f32) -> f32 {
        match self {
            Self::Tanh => v.tanh(),
            Self::Identity => v,
            Self::Relu => v.max(0.0),
        }
    }
}

/// One random linear map `W ∈ R^{out×in}` with its per-unit noise scales.
struct RandomLinear {
    weight: Vec<f32>,
    noise: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

impl RandomLinear {
    fn sample(rng: &mut StdRng, inputs: usize, outputs: usize, init_std: f32, noise_std: f32, cfg: &ScmConfig) -> Self {
        let mut weight: Vec<f32> = (0..inputs * outputs).map(|_| normal(rng) * init_std).collect();
        if bernoulli(rng, cfg.block_wise_p) {
            // Block-wise dropout: keep a block-diagonal pattern of `blocks` blocks.
            let blocks = int(rng, 1, ((inputs.min(outputs) as f32).sqrt().ceil() as usize).max(1));
            let (bo, bi) = (outputs.div_ceil(blocks), inputs.div_ceil(blocks));
            for o in 0..outputs {
                for i in 0..inputs {
                    if o / bo != i / bi {
                        weight[o * inputs + i] = 0.0;
                    }
                }
            }
            // A fraction `1/blocks` of the weights is kept: rescale by `1/sqrt(keep)`.
            let scale = (blocks as f32).sqrt();
            weight.iter_mut().for_each(|w| *w *= scale);
        } else {
            let p = rng.random_range(0.0..cfg.max_dropout.max(1e-6));
            let scale = 1.0 / (1.0 - p).sqrt();
            for w in &mut weight {
                *w = if bernoulli(rng, p) { 0.0 } else { *w * scale };
            }
        }
        let noise = (0..outputs).map(|_| (normal(rng) * noise_std).abs()).collect();
        Self { weight, noise, inputs, outputs }
    }

    /// `W x + ε`, `ε_j ~ N(0, σ_j²)`.
    fn forward(&self, rng: &mut StdRng, x: &[f32], noisy: bool) -> Vec<f32> {
        (0..self.outputs)
            .map(|o| {
                let row = &self.weight[o * self.inputs..(o + 1) * self.inputs];
                let v: f32 = row.iter().zip(x).map(|(w, v)| w * v).sum();
                if noisy { v + normal(rng) * self.noise[o] } else { v }
            })
            .collect()
    }
}

/// How the causes are drawn.
#[derive(Clone, Copy)]
enum Sampling {
    Normal,
    Uniform,
    Mixed,
}

fn sample_cause(rng: &mut StdRng, sampling: Sampling, mean: f32, std: f32, categories: usize) -> f32 {
    match sampling {
        Sampling::Normal => mean + std * normal(rng),
        Sampling::Uniform => rng.random_range(-1.0f32..1.0),
        Sampling::Mixed if categories > 1 => int(rng, 0, categories - 1) as f32,
        Sampling::Mixed => mean + std * normal(rng),
    }
}

/// Draws `rows` samples of `features` features and a continuous target from one random SCM.
/// Returns `(x, y, causal)` with `x` row-major `[rows, features]`.
pub fn sample_scm(rng: &mut StdRng, rows: usize, features: usize, cfg: &ScmConfig) -> (Vec<f32>, Vec<f32>, bool) {
    let causal = bernoulli(rng, cfg.causal_p);
    let layers = int(rng, cfg.layers.0.max(2), cfg.layers.1.max(2));
    let mut hidden = log_uniform(rng, cfg.hidden.0.max(1) as f32, cfg.hidden.1.max(1) as f32).round() as usize;
    let causes = if causal {
        hidden = hidden.max(1 + 2 * features);
        int(rng, cfg.causes.0.max(1), cfg.causes.1.max(1))
    } else {
        features
    };
    let init_std = log_uniform(rng, cfg.init_std.0, cfg.init_std.1);
    let noise_std = log_uniform(rng, cfg.noise_std.0, cfg.noise_std.1);
    let activation = [Activation::Tanh, Activation::Identity, Activation::Relu][int(rng, 0, 2)];
    let sampling = [Sampling::Normal, Sampling::Uniform, Sampling::Mixed][int(rng, 0, 2)];
    let cause_stats: Vec<(f32, f32, usize)> = (0..causes)
        .map(|_| {
            let mean = normal(rng);
            let std = (normal(rng) * mean).abs().max(0.1);
            let categories = if bernoulli(rng, 0.5) { int(rng, 2, 10) } else { 0 };
            (mean, std, categories)
        })
        .collect();

    let mut maps = vec![RandomLinear::sample(rng, causes, hidden, init_std, noise_std, cfg)];
    for _ in 1..layers - usize::from(!causal) {
        maps.push(RandomLinear::sample(rng, hidden, hidden, init_std, noise_std, cfg));
    }
    if !causal {
        maps.push(RandomLinear::sample(rng, hidden, 1, init_std, noise_std, cfg));
    }
    // In causal mode: which hidden nodes (of layers 2..) become the features, and the target.
    let node_count = hidden * (maps.len() - 1);
    let order = permutation(rng, node_count.saturating_sub(1));
    let feature_nodes: Vec<usize> = order.iter().copied().take(features).collect();

    let mut x = Vec::with_capacity(rows * features);
    let mut y = Vec::with_capacity(rows);
    for _ in 0..rows {
        let cause: Vec<f32> = cause_stats.iter().map(|&(m, s, c)| sample_cause(rng, sampling, m, s, c)).collect();
        let mut h = maps[0].forward(rng, &cause, true);
        let mut nodes: Vec<f32> = Vec::with_capacity(node_count);
        for (i, map) in maps.iter().enumerate().skip(1) {
            let a: Vec<f32> = h.iter().map(|&v| activation.apply(v)).collect();
            let last = i + 1 == maps.len();
            h = map.forward(rng, &a, causal || !last);
            if causal {
                nodes.extend_from_slice(&h);
            }
        }
        if causal {
            // The last node is the target (an effect); features are other random nodes.
            y.push(nodes.last().copied().unwrap_or(0.0));
            for f in 0..features {
                x.push(feature_nodes.get(f).map_or(0.0, |&n| nodes[n]));
            }
        } else {
            y.push(h.first().copied().unwrap_or(0.0));
            x.extend_from_slice(&cause);
        }
    }
    sanitize(&mut x);
    sanitize(&mut y);
    (x, y, causal)
}

/// Replaces non-finite values (an exploding identity network) by 0 and clips to ±1e6.
fn sanitize(v: &mut [f32]) {
    for x in v {
        *x = if x.is_finite() { x.clamp(-1e6, 1e6) } else { 0.0 };
    }
}
