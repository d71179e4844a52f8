//! The encoder of federated reconnaissance (Hendryx et al. 2021; official code ml4ai/fed-recon,
//! `fed_recon/models/protonet/model.py`, `build_4conv_protonet_encoder`): the 4-block
//! convolutional network of prototypical networks (Snell et al. 2017),
//!
//! `f_θ(x) = flatten(B_4(B_3(B_2(B_1(x)))))`,  `B_i = MaxPool 2×2 ∘ ReLU ∘ BN ∘ Conv3×3`,
//!
//! with `hidden_size` channels in blocks 1–3 and `embedding_size` in block 4 (both 64 in the
//! paper), padding 1, so each block halves the side: an `h × w` image gives an embedding of
//! `embedding_size · ⌊h/16⌋ · ⌊w/16⌋` values (1600 for mini-ImageNet's 84 px, 256 for 32 px).
//! No pooling before the flatten (the official default `pooling = None`).
//!
//! It is trained on the base classes by prototypical episodes
//! ([`pretrain_encoder`](super::pretrain_encoder)), then
//! frozen: every client and the server embed with the same weights.
//!
//! Deviations: the blocks are Kiln's [`ConvBlock`]s, whose convolution has no bias (the
//! official `nn.Conv2d` has one; the batch norm right after subtracts the per-channel mean, so
//! the bias has no effect on the output). [`ProtoNetConfig::init_seeded`] draws the convolution
//! weights from a host RNG, uniform in `±1/√fan_in` (PyTorch's default `kaiming_uniform_(a=√5)`
//! bound), so a run does not depend on burn's process-wide device RNG.

use burn::config::Config;
use burn::module::Module;
use burn::prelude::{Device, Int, Tensor};
use kiln_core::nn::ConvBlock;
use kiln_core::train::ImageBatch;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::embed::Embed;
use crate::core::ParamSet;
use crate::error::{self, FedError};

/// Configuration of a [`ProtoNet`].
#[derive(Config, Debug)]
pub struct ProtoNetConfig {
    /// Input channels (3 for RGB).
    pub in_channels: usize,
    /// Channels of blocks 1–3. Default 64 (the paper's `hidden_size`).
    #[config(default = 64)]
    pub hidden_size: usize,
    /// Channels of block 4, the embedding's channels. Default 64 (the paper's
    /// `embedding_size`).
    #[config(default = 64)]
    pub embedding_size: usize,
}

impl ProtoNetConfig {
    /// Conv blocks, each halving the side (the paper's 4).
    pub const BLOCKS: usize = 4;

    /// Width of the embedding of an `height × width` image:
    /// `embedding_size · ⌊height/16⌋ · ⌊width/16⌋` (0 for a side under 16 px).
    pub fn embedding_dim(&self, height: usize, width: usize) -> usize {
        self.embedding_size * (height >> Self::BLOCKS) * (width >> Self::BLOCKS)
    }

    /// Checks that every width is at least 1.
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] naming the field.
    pub fn validate(&self) -> error::Result<()> {
        for (field, value) in [
            ("encoder.in_channels", self.in_channels),
            ("encoder.hidden_size", self.hidden_size),
            ("encoder.embedding_size", self.embedding_size),
        ] {
            if value == 0 {
                return Err(FedError::setting(field, 0, "must be at least 1"));
            }
        }
        Ok(())
    }

    /// Builds the encoder on `device` (burn's default initialisation, from the device RNG).
    pub fn init(&self, device: &Device) -> ProtoNet {
        let widths = [self.in_channels, self.hidden_size, self.hidden_size, self.hidden_size, self.embedding_size];
        let blocks = widths.windows(2).map(|w| ConvBlock::new(w[0], w[1], 1, true, device)).collect();
        ProtoNet { blocks }
    }

    /// Builds the encoder with every convolution weight drawn from a host RNG seeded by `seed`,
    /// uniform in `±1/√fan_in` with `fan_in = in_channels · 3 · 3`; batch norms start at
    /// `γ = 1, β = 0`, running mean 0 and variance 1. The same `seed` gives the same weights in
    /// any process.
    ///
    /// # Errors
    /// Invalid widths; [`FedError::Core`] when a parameter cannot be read back.
    pub fn init_seeded(&self, device: &Device, seed: u64) -> error::Result<ProtoNet> {
        self.validate()?;
        let model = self.init(device);
        let mut params = ParamSet::from_module(&model)?;
        let mut rng = StdRng::seed_from_u64(seed);
        for t in params.tensors.iter_mut().filter(|t| t.path.ends_with("conv.weight")) {
            let fan_in: usize = t.shape.iter().skip(1).product();
            let bound = 1.0 / (fan_in.max(1) as f32).sqrt();
            for v in &mut t.values {
                *v = rng.random_range(-bound..bound);
            }
        }
        params.apply_to(model)
    }
}

/// The 4-block convolutional encoder of prototypical networks.
#[derive(Module, Debug)]
pub struct ProtoNet {
    /// `Conv3×3 → BN → ReLU → MaxPool 2×2`, four times.
    pub blocks: Vec<ConvBlock>,
}

impl ProtoNet {
    /// The embeddings `f_θ(x)`: the last block's map flattened channel-major.
    ///
    /// # Shapes
    /// `[b, in_channels, h, w] → [b, embedding_size · ⌊h/16⌋ · ⌊w/16⌋]`
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let mut x = images;
        for block in &self.blocks {
            x = block.forward(x);
        }
        x.flatten(1, 3)
    }
}

impl Embed for ProtoNet {
    type Batch = ImageBatch;

    /// `(f_θ(images), targets)`; in inference (no autodiff) the batch norms use their running
    /// statistics, so an image's embedding does not depend on the rest of its batch.
    fn embed_batch(&self, batch: ImageBatch) -> (Tensor<2>, Tensor<1, Int>) {
        (self.forward(batch.images), batch.targets)
    }
}
