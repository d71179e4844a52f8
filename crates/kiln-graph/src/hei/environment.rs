//! HEI's environment inference: the standardisation of the neighbour pattern `z_v`
//! ([`super::NeighbourPattern`]) and the network `q_v = softmax(MLP(z_v))` over K environments.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{relu, softmax};

use crate::error::{GraphError, Result};

/// `(z − mean) / std` with mean and (population) std over the nodes `fit` (HEI: the training
/// nodes; no labels are used). A constant `z` over `fit` is only centred.
pub fn standardize(z: &[f32], fit: &[usize]) -> Result<Vec<f32>> {
    if fit.is_empty() {
        return Err(GraphError::Invalid("standardize: no nodes to fit on".into()));
    }
    let vals: Vec<f64> = fit
        .iter()
        .map(|&v| z.get(v).map(|&a| f64::from(a)).ok_or(GraphError::NodeOutOfRange { id: v, num_nodes: z.len() }))
        .collect::<Result<_>>()?;
    let mean = vals.iter().sum::<f64>() / vals.len() as f64;
    let std = (vals.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / vals.len() as f64).sqrt();
    let std = if std > 1e-12 { std } else { 1.0 };
    Ok(z.iter().map(|&a| ((f64::from(a) - mean) / std) as f32).collect())
}

/// The environment network `z ↦ softmax(W₂ ReLU(W₁ z + b₁) + b₂)`, `1 → hidden → K`.
#[derive(Module, Debug)]
pub struct EnvironmentNet {
    /// `1 → hidden`.
    pub input: Linear,
    /// `hidden → K`.
    pub output: Linear,
}

impl EnvironmentNet {
    /// A network with `hidden` units and `environments` outputs on `device`.
    pub fn new(hidden: usize, environments: usize, device: &Device) -> Self {
        Self {
            input: LinearConfig::new(1, hidden).init(device),
            output: LinearConfig::new(hidden, environments).init(device),
        }
    }

    /// Soft memberships `q`, `[N, 1] → [N, K]`, rows summing to 1.
    pub fn forward(&self, z: Tensor<2>) -> Tensor<2> {
        softmax(self.output.forward(relu(self.input.forward(z))), 1)
    }
}
