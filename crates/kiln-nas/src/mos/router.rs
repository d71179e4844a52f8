//! The architecture router of Mixture-of-Supernets: a 2-layer MLP of the architecture
//! embedding e(a) whose softmax weights mix m expert weight matrices into W(a).

use burn::module::Module;
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{relu, softmax};
use serde::{Deserialize, Serialize};

/// How the router's weights mix the experts (the official `--expert-routing-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Routing {
    /// Neuron-wise (`neuronrouting_jack_2L`, the paper's default): m logits per output row j,
    /// `W(a)[j] = Σ_i softmax_i(R(e)[j, ·]) W_i[j, :]`.
    #[default]
    NeuronWise,
    /// Layer-wise (`archrouting_jack_2L`): one weight per expert,
    /// `W(a) = Σ_i softmax(R(e))_i W_i`.
    LayerWise,
}

/// `R(e) = Linear₂(ReLU(Linear₁(e)))` for one weight matrix with `rows` output rows: `m · rows`
/// outputs read as `[rows, m]` (neuron-wise) or `m` outputs (layer-wise), then a softmax over
/// the m experts.
#[derive(Module, Debug)]
pub struct Router {
    /// `|e| → hidden`.
    pub hidden: Linear,
    /// `hidden → m · rows` (neuron-wise) or `hidden → m` (layer-wise).
    pub output: Linear,
    /// Neuron-wise or layer-wise.
    #[module(skip)]
    pub routing: Routing,
    /// m, the number of experts.
    #[module(skip)]
    pub experts: usize,
}

impl Router {
    /// A router for a matrix of `rows` output rows, from an embedding of `embedding` features
    /// through `hidden` units to `experts` experts. The first layer has burn's (= PyTorch's)
    /// default initialisation, the last Xavier-uniform (HAT's `init.uniform_`, which the
    /// official `LinearSuper` output layer uses).
    pub fn new(
        embedding: usize,
        hidden: usize,
        experts: usize,
        rows: usize,
        routing: Routing,
        device: &Device,
    ) -> Self {
        let outputs = match routing {
            Routing::NeuronWise => experts * rows,
            Routing::LayerWise => experts,
        };
        Self {
            hidden: LinearConfig::new(embedding, hidden).init(device),
            output: LinearConfig::new(hidden, outputs)
                .with_initializer(Initializer::XavierUniform { gain: 1.0 })
                .init(device),
            routing,
            experts,
        }
    }

    /// The routing weights for the embedding `e` (`[1, |e|]`): `[m, rows]` (neuron-wise; column
    /// j is the softmax of row j's m logits) or `[m, 1]` (layer-wise). Every column sums to 1.
    pub fn route(&self, e: Tensor<2>) -> Tensor<2> {
        let logits = self.output.forward(relu(self.hidden.forward(e)));
        let [_, n] = logits.dims();
        let m = self.experts.max(1);
        // Output j·m + i is row j's logit of expert i (the official `view(-1, m)`).
        softmax(logits.reshape([n / m, m]), 1).transpose()
    }
}

/// `W(a) = Σ_i r_i ⊙ W_i`: `experts` `[m, out, in]` mixed by `routes` `[m, out]` (one weight per
/// expert and row) or `[m, 1]` (one per expert); returns `[out, in]`.
pub fn mix(experts: Tensor<3>, routes: Tensor<2>) -> Tensor<2> {
    (experts * routes.unsqueeze_dim::<3>(2)).sum_dim(0).squeeze_dim::<2>(0)
}
