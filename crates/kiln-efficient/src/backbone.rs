//! [`FrozenBackbone`]: a pretrained backbone whose hidden states are computed without autodiff.
//!
//! UniPT (Diao et al., CVPR 2024, §3) runs the pretrained network "without gradient": its
//! hidden states `h_0 … h_L` are inputs of the parallel network, never part of the graph that
//! is back-propagated, so the backbone needs neither gradients nor stored activations. Here the
//! backbone runs on the inner (non-autodiff) device with its batch norms in inference mode, and
//! the states are handed back on the caller's device as untracked constants.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use kiln_core::nn::{Backbone, ResNet};

use crate::error::{EfficientError, Result};

/// A pretrained [`Backbone`] (the small CNN or a [`ResNet`]) used only for its hidden states.
#[derive(Module, Debug)]
pub struct FrozenBackbone {
    /// The pretrained network; never trained through this type.
    pub network: Backbone,
}

impl From<ResNet> for FrozenBackbone {
    fn from(resnet: ResNet) -> Self {
        Self { network: Backbone::ResNet(resnet) }
    }
}

impl FrozenBackbone {
    /// Wraps a backbone.
    pub fn new(network: Backbone) -> Self {
        Self { network }
    }

    /// Every stage's output `h_0 … h_L` (shallowest first), computed on the inner device in
    /// inference mode and returned on `x`'s device without any autodiff history: a loss built
    /// on them has no path into the backbone.
    ///
    /// # Shapes
    /// `[b, c, h, w] → [[b, c_i, h_i, w_i]; stages]`
    pub fn hidden_states(&self, x: Tensor<4>) -> Vec<Tensor<4>> {
        let autodiff = x.is_autodiff();
        let states = self.network.valid().stages(x.inner());
        if autodiff { states.into_iter().map(Tensor::autodiff).collect() } else { states }
    }

    /// The shapes `[channels, height, width]` of the hidden states of a
    /// `channels × height × width` input, found by running one zero image.
    ///
    /// # Errors
    /// [`EfficientError::InvalidConfig`] when a dimension is 0.
    pub fn stage_shapes(&self, input: [usize; 3], device: &Device) -> Result<Vec<[usize; 3]>> {
        if input.contains(&0) {
            return Err(EfficientError::config(
                "input shape",
                format!("{input:?}"),
                "every dimension must be positive",
            ));
        }
        let x = Tensor::<4>::zeros([1, input[0], input[1], input[2]], &device.clone().inner());
        Ok(self
            .hidden_states(x)
            .iter()
            .map(|h| {
                let [_, c, hh, ww] = h.dims();
                [c, hh, ww]
            })
            .collect())
    }
}
