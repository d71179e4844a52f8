//! GraphNorm (Cai et al., ICML 2021), as PyG's `GraphNorm`: per graph g and channel,
//! `x̃ = x − α ⊙ μ_g`, `y = γ ⊙ x̃ / sqrt(mean_g(x̃²) + ε) + β`, with `μ_g` the mean over the
//! graph's rows and learnt `α` (init 1), `γ` (init 1), `β` (init 0), `ε = 1e-5`.

use burn::module::{Module, Param};
use burn::prelude::{Device, Int, Tensor};

use crate::message_passing::scatter_mean;

/// GraphNorm over `channels` features.
#[derive(Module, Debug)]
pub struct GraphNorm {
    /// γ, `[channels]`.
    pub weight: Param<Tensor<1>>,
    /// β, `[channels]`.
    pub bias: Param<Tensor<1>>,
    /// α, `[channels]`.
    pub mean_scale: Param<Tensor<1>>,
}

impl GraphNorm {
    /// γ = α = 1, β = 0.
    pub fn new(channels: usize, device: &Device) -> Self {
        Self {
            weight: Param::from_tensor(Tensor::ones([channels], device)),
            bias: Param::from_tensor(Tensor::zeros([channels], device)),
            mean_scale: Param::from_tensor(Tensor::ones([channels], device)),
        }
    }

    /// `[R, C] → [R, C]`, rows grouped by `graph` (`[R]`, values below `num_graphs`).
    pub fn forward(&self, x: Tensor<2>, graph: Tensor<1, Int>, num_graphs: usize) -> Tensor<2> {
        let mean = scatter_mean(x.clone(), graph.clone(), num_graphs).select(0, graph.clone());
        let centred = x - mean * self.mean_scale.val().unsqueeze::<2>();
        let var = scatter_mean(centred.clone() * centred.clone(), graph.clone(), num_graphs).select(0, graph);
        centred / (var + 1e-5).sqrt() * self.weight.val().unsqueeze::<2>() + self.bias.val().unsqueeze::<2>()
    }
}
