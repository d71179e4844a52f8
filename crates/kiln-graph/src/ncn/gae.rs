//! The GCN dot-product baseline (GAE; Kipf & Welling, "Variational Graph Auto-Encoders", 2016):
//! a two-layer GCN encoder `h = Â ReLU(Â X W_1) W_2` and the score `s_ij = h_i · h_j`.

use burn::config::Config;
use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::relu;

use super::batch::PairTensors;
use crate::layers::{GcnConv, GcnConvConfig};
use crate::message_passing::GraphTensors;

/// Configuration of [`Gae`].
#[derive(Config, Debug)]
pub struct GaeConfig {
    /// Input features.
    pub input: usize,
    /// Hidden and output width. Default: 64.
    #[config(default = 64)]
    pub hidden: usize,
}

impl GaeConfig {
    /// Builds the model on `device`.
    pub fn init(&self, device: &Device) -> Gae {
        Gae {
            conv1: GcnConvConfig::new(self.input, self.hidden).init(device),
            conv2: GcnConvConfig::new(self.hidden, self.hidden).init(device),
        }
    }
}

/// GCN encoder with an inner-product decoder.
#[derive(Module, Debug)]
pub struct Gae {
    /// First GCN layer.
    pub conv1: GcnConv,
    /// Second GCN layer.
    pub conv2: GcnConv,
}

impl Gae {
    /// `[N, F] → [N, hidden]`.
    pub fn encode(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        let norm = graph.gcn_norm(true);
        let h = relu(self.conv1.forward_normalized(x, &norm));
        self.conv2.forward_normalized(h, &norm)
    }

    /// Logits `h_i · h_j`, `[P]`.
    pub fn score(&self, h: &Tensor<2>, pairs: &PairTensors) -> Tensor<1> {
        let prod = h.clone().select(0, pairs.i.clone()) * h.clone().select(0, pairs.j.clone());
        let s = prod.sum_dim(1);
        let [p, _] = s.dims();
        s.reshape([p])
    }
}
