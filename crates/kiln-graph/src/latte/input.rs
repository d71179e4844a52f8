//! Per-type input projection: `h_v⁰ = dropout(ReLU(W_t x_v + b_t))` for a type with features,
//! a learnt embedding row for a featureless type (LATTE's `Embedding` fallback).

use burn::module::{Module, Param};
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::relu;

/// The input projection of one node type.
#[derive(Module, Debug)]
pub struct TypeInput {
    /// `W_t`, features → hidden (types with features).
    pub linear: Option<Linear>,
    /// The embedding table `[count, hidden]` (featureless types).
    pub embedding: Option<Param<Tensor<2>>>,
}

impl TypeInput {
    /// A projection from `features` columns (`None`: an embedding of `count` rows).
    pub fn new(features: Option<usize>, count: usize, hidden: usize, device: &Device) -> Self {
        match features {
            Some(f) => Self { linear: Some(LinearConfig::new(f, hidden).init(device)), embedding: None },
            None => {
                let table = Initializer::Normal { mean: 0.0, std: 1.0 }.init([count.max(1), hidden], device);
                Self { linear: None, embedding: Some(table) }
            }
        }
    }

    /// `[count, hidden]` (before dropout) from the type's features, when it has a projection.
    pub fn forward(&self, x: Option<Tensor<2>>) -> Option<Tensor<2>> {
        match (&self.linear, x, &self.embedding) {
            (Some(linear), Some(x), _) => Some(relu(linear.forward(x))),
            (_, _, Some(table)) => Some(table.val()),
            _ => None,
        }
    }
}
