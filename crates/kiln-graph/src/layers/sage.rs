//! GraphSAGE with the mean aggregator (Hamilton, Ying & Leskovec, "Inductive Representation
//! Learning on Large Graphs", NeurIPS 2017, Alg. 1 in PyG's form):
//! `x'_i = W_1 x_i + W_2 · mean_{j ∈ N(i)} x_j`, optionally ℓ2-normalised.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor};

use crate::message_passing::{Aggregation, GraphTensors, propagate};

/// Configuration of a [`SageConv`].
#[derive(Config, Debug)]
pub struct SageConvConfig {
    /// Input features.
    pub input: usize,
    /// Output features.
    pub output: usize,
    /// ℓ2-normalise the output rows (the paper's line 7). Default: false (PyG's default).
    #[config(default = false)]
    pub normalize: bool,
}

impl SageConvConfig {
    /// Builds the layer on `device`.
    pub fn init(&self, device: &Device) -> SageConv {
        SageConv {
            neighbors: LinearConfig::new(self.input, self.output).init(device),
            root: LinearConfig::new(self.input, self.output).with_bias(false).init(device),
            normalize: self.normalize,
        }
    }
}

/// GraphSAGE-mean.
#[derive(Module, Debug)]
pub struct SageConv {
    /// `W_2` (with the bias), applied to the neighbour mean.
    pub neighbors: Linear,
    /// `W_1`, applied to the node itself.
    pub root: Linear,
    #[module(skip)]
    normalize: bool,
}

impl SageConv {
    /// `[N, input] → [N, output]`. Edge weights are ignored.
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let unweighted = GraphTensors { weight: None, ..graph.clone() };
        let mean = propagate(x.clone(), &unweighted, Aggregation::Mean);
        let out = self.neighbors.forward(mean) + self.root.forward(x);
        if self.normalize {
            let norm = out.clone().powf_scalar(2.0).sum_dim(1).sqrt().clamp_min(1e-12);
            out / norm
        } else {
            out
        }
    }
}
