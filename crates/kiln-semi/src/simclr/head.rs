//! The SimCLRv2 projection head (official `tf2/model.py`, `ProjectionHead` and `LinearLayer`).
//!
//! With `num_proj_layers = 3` the head is
//!
//! `h₀ = encoder output`, `h₁ = ReLU(BN(W₁ h₀))`, `h₂ = ReLU(BN(W₂ h₁))`, `z = BN₀(W₃ h₂)`,
//!
//! where `W₁, W₂` keep the width of `h₀`, `W₃` maps to `projection_dim` (128), no dense layer has
//! a bias (`LinearLayer` drops the dense bias whenever it batch-normalises; the middle layers'
//! "bias" is the BN's β), and `BN₀` is a batch norm without centring (`center=use_bias=False`:
//! γ only, no β). Dense kernels start from N(0, 0.01²). `hiddens()` returns `[h₀, h₁, h₂, z]`
//! (the official `hiddens_list`), so `ft_proj_selector = k` picks `hiddens[k]`.

use burn::module::Module;
use burn::nn::{BatchNorm, BatchNormConfig, Initializer, Linear, LinearConfig, Relu};
use burn::prelude::{Device, Tensor};

/// Standard deviation of the dense kernels' initialisation (official `RandomNormal(stddev=0.01)`).
pub const KERNEL_INIT_STD: f64 = 0.01;

/// A dense layer (no bias) followed by batch norm, the official `LinearLayer(use_bn=True)`.
#[derive(Module, Debug)]
pub struct HeadLayer {
    /// The dense layer, without bias.
    pub linear: Linear,
    /// Its batch norm.
    pub norm: BatchNorm,
}

impl HeadLayer {
    /// A layer from `input` to `output` features.
    pub fn new(input: usize, output: usize, device: &Device) -> Self {
        Self {
            linear: LinearConfig::new(input, output)
                .with_bias(false)
                .with_initializer(Initializer::Normal { mean: 0.0, std: KERNEL_INIT_STD })
                .init(device),
            norm: BatchNormConfig::new(output).init(device),
        }
    }

    /// `BN(W x)` with the batch norm's β (a middle layer, before its ReLU).
    ///
    /// # Shapes
    /// `[b, input] → [b, output]`
    pub fn forward_centred(&self, x: Tensor<2>) -> Tensor<2> {
        self.norm.forward(self.linear.forward(x))
    }

    /// `γ ⊙ x̂` for `x = W x_in`: the batch norm without β (the last layer). burn's batch norm
    /// always adds β, so it is subtracted again; β's two gradient contributions cancel and it
    /// stays at 0 (up to rounding).
    ///
    /// # Shapes
    /// `[b, input] → [b, output]`
    pub fn forward_uncentred(&self, x: Tensor<2>) -> Tensor<2> {
        let y = self.forward_centred(x);
        let beta = self.norm.beta.val().unsqueeze_dim::<2>(0);
        y - beta
    }
}

/// The projection head: `layers − 1` middle layers (width kept, BN, ReLU) and a last layer to
/// the projection width (BN without β, no ReLU).
#[derive(Module, Debug)]
pub struct ProjectionHead {
    /// The layers, input side first.
    pub layers: Vec<HeadLayer>,
    activation: Relu,
}

impl ProjectionHead {
    /// A head on `input` features with `layers` layers (at least 1) ending in `output` features.
    pub fn new(input: usize, layers: usize, output: usize, device: &Device) -> Self {
        let layers = layers.max(1);
        let layers =
            (0..layers).map(|j| HeadLayer::new(input, if j + 1 == layers { output } else { input }, device)).collect();
        Self { layers, activation: Relu::new() }
    }

    /// Every hidden representation, the official `hiddens_list`: `[h₀ = x, h₁, …, z]`.
    ///
    /// # Shapes
    /// `[b, input] → [[b, input], …, [b, output]]`
    pub fn hiddens(&self, x: Tensor<2>) -> Vec<Tensor<2>> {
        let count = self.layers.len();
        let mut out = vec![x];
        for (j, layer) in self.layers.iter().enumerate() {
            let h = match out.last() {
                Some(h) => h.clone(),
                None => break,
            };
            let h = if j + 1 == count {
                layer.forward_uncentred(h)
            } else {
                self.activation.forward(layer.forward_centred(h))
            };
            out.push(h);
        }
        out
    }

    /// The projection `z`.
    ///
    /// # Shapes
    /// `[b, input] → [b, output]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let count = self.layers.len();
        self.layers.iter().enumerate().fold(x, |h, (j, layer)| {
            if j + 1 == count { layer.forward_uncentred(h) } else { self.activation.forward(layer.forward_centred(h)) }
        })
    }

    /// Width of the projection.
    pub fn output_dim(&self) -> usize {
        self.layers.last().map_or(0, |l| l.linear.weight.dims()[1])
    }
}
