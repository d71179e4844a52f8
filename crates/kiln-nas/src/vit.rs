//! A DeiT-style Vision Transformer (Touvron et al., "Training data-efficient image transformers
//! & distillation through attention", ICML 2021; the ViT of Dosovitskiy et al., ICLR 2021), the
//! anchor and descendant network of SN-Net ([`crate::snnet`]) and Learngene Pool.
//!
//! `x₀ = [cls; P·E] + E_pos` (patch embedding: a convolution with kernel = stride = patch, one
//! learned class token, learned position embeddings), then `depth` pre-LN blocks
//! `x' = x + MHA(LN(x))`, `x'' = x' + MLP(LN(x'))` with `MLP = Linear(d → r·d) → GELU →
//! Linear(r·d → d)`, and logits `= Head(LN(x_L)[cls])`.
//!
//! As timm's DeiT: LayerNorm ε = 1e-6, biases in every projection (`qkv_bias=True`), class token
//! and position embedding drawn from N(0, 0.02²) (DeiT: truncated at ±2σ; untruncated here), no
//! dropout or drop-path (the small experiments are too short to need them). Linear layers keep
//! burn's default initialisation.

use burn::module::{Module, Param};
use burn::nn::attention::{MhaInput, MultiHeadAttention, MultiHeadAttentionConfig};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use burn::tensor::activation::gelu;
use kiln_core::nn::classification_step;
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::macs::Cost;

/// LayerNorm ε of DeiT (timm's `partial(nn.LayerNorm, eps=1e-6)`).
pub const LAYER_NORM_EPS: f64 = 1e-6;

/// A [`VitConfig`] that cannot build a network.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum VitError {
    /// The width is not a multiple of the number of heads.
    #[error("width {width} is not divisible by {heads} heads")]
    Heads {
        /// Embedding width.
        width: usize,
        /// Attention heads.
        heads: usize,
    },
    /// The image side is not a multiple of the patch size.
    #[error("image size {image_size} is not a multiple of the patch size {patch_size}")]
    Patch {
        /// Image side.
        image_size: usize,
        /// Patch side.
        patch_size: usize,
    },
    /// A size is zero.
    #[error("{0} must be positive")]
    Zero(&'static str),
}

/// Sizes of a DeiT-style ViT. `new()` is DeiT-Ti/16 at 224 px on ImageNet-1k.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VitConfig {
    /// Image side (square images).
    pub image_size: usize,
    /// Input channels.
    pub channels: usize,
    /// Patch side (kernel and stride of the patch embedding).
    pub patch_size: usize,
    /// Embedding width `d`.
    pub width: usize,
    /// Number of transformer blocks.
    pub depth: usize,
    /// Attention heads.
    pub heads: usize,
    /// MLP hidden width as a multiple of `d` (4 in DeiT).
    pub mlp_ratio: usize,
    /// Output classes.
    pub classes: usize,
}

impl Default for VitConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl VitConfig {
    /// DeiT-Ti/16: 224 px, patch 16, width 192, 12 blocks, 3 heads, 1000 classes.
    pub fn new() -> Self {
        Self::deit_tiny()
    }

    /// DeiT-Ti/16 (width 192, 3 heads, 12 blocks) at 224 px, 1000 classes.
    pub fn deit_tiny() -> Self {
        Self {
            image_size: 224,
            channels: 3,
            patch_size: 16,
            width: 192,
            depth: 12,
            heads: 3,
            mlp_ratio: 4,
            classes: 1000,
        }
    }

    /// DeiT-S/16 (width 384, 6 heads, 12 blocks) at 224 px, 1000 classes.
    pub fn deit_small() -> Self {
        Self { width: 384, heads: 6, ..Self::deit_tiny() }
    }

    /// DeiT-B/16 (width 768, 12 heads, 12 blocks) at 224 px, 1000 classes.
    pub fn deit_base() -> Self {
        Self { width: 768, heads: 12, ..Self::deit_tiny() }
    }

    /// CPU preset: the DeiT-Ti shape scaled to 32 px images (CIFAR-sized): patch 8 (16
    /// patches), width 24, 3 heads, 4 blocks, 10 classes.
    pub fn small() -> Self {
        Self { image_size: 32, channels: 3, patch_size: 8, width: 24, depth: 4, heads: 3, mlp_ratio: 4, classes: 10 }
    }

    /// The embedded 8×8 digits (one channel, 10 classes): patch 4 (4 patches, 5 tokens), width
    /// 32, 2 heads, 2 blocks. (Patch 2 learns far slower: 0.64 test accuracy after 4 epochs
    /// against 0.95 for patch 4.)
    pub fn digits() -> Self {
        Self { image_size: 8, channels: 1, patch_size: 4, width: 32, depth: 2, heads: 2, mlp_ratio: 4, classes: 10 }
    }

    /// The same network with another width and head count (DeiT-Ti → S → B keeps the head
    /// width `d / heads` = 64 fixed).
    pub fn with_width(mut self, width: usize, heads: usize) -> Self {
        self.width = width;
        self.heads = heads;
        self
    }

    /// The same network with another depth.
    pub fn with_depth(mut self, depth: usize) -> Self {
        self.depth = depth;
        self
    }

    /// The same network for other images: side, channels and patch side.
    pub fn with_images(mut self, image_size: usize, channels: usize, patch_size: usize) -> Self {
        self.image_size = image_size;
        self.channels = channels;
        self.patch_size = patch_size;
        self
    }

    /// The same network with another number of classes.
    pub fn with_classes(mut self, classes: usize) -> Self {
        self.classes = classes;
        self
    }

    /// Checks that the sizes describe a network.
    ///
    /// # Errors
    /// [`VitError`] naming the first inconsistency.
    pub fn validate(&self) -> Result<(), VitError> {
        for (name, value) in [
            ("image_size", self.image_size),
            ("channels", self.channels),
            ("patch_size", self.patch_size),
            ("width", self.width),
            ("heads", self.heads),
            ("mlp_ratio", self.mlp_ratio),
            ("classes", self.classes),
        ] {
            if value == 0 {
                return Err(VitError::Zero(name));
            }
        }
        if !self.width.is_multiple_of(self.heads) {
            return Err(VitError::Heads { width: self.width, heads: self.heads });
        }
        if !self.image_size.is_multiple_of(self.patch_size) {
            return Err(VitError::Patch { image_size: self.image_size, patch_size: self.patch_size });
        }
        Ok(())
    }

    /// Patches along one side.
    pub fn grid(&self) -> usize {
        self.image_size / self.patch_size.max(1)
    }

    /// Tokens per image: the class token plus one per patch.
    pub fn tokens(&self) -> usize {
        1 + self.grid() * self.grid()
    }

    /// Builds the network with fresh weights.
    ///
    /// # Panics
    /// When the config is invalid; [`VitConfig::try_init`] returns the error instead.
    pub fn init(&self, device: &Device) -> Vit {
        match self.try_init(device) {
            Ok(vit) => vit,
            Err(e) => panic!("invalid ViT config {self:?}: {e}"),
        }
    }

    /// Builds the network with fresh weights.
    ///
    /// # Errors
    /// [`VitError`] when the config is invalid.
    pub fn try_init(&self, device: &Device) -> Result<Vit, VitError> {
        self.validate()?;
        let d = self.width;
        let patch_embed = Conv2dConfig::new([self.channels, d], [self.patch_size, self.patch_size])
            .with_stride([self.patch_size, self.patch_size])
            .init(device);
        let normal = Distribution::Normal(0.0, 0.02);
        let blocks = (0..self.depth).map(|_| VitBlock::new(d, self.heads, self.mlp_ratio, device)).collect();
        Ok(Vit {
            patch_embed,
            cls_token: Param::from_tensor(Tensor::random([1, 1, d], normal, device)),
            pos_embed: Param::from_tensor(Tensor::random([1, self.tokens(), d], normal, device)),
            blocks,
            norm: LayerNormConfig::new(d).with_epsilon(LAYER_NORM_EPS).init(device),
            head: LinearConfig::new(d, self.classes).init(device),
            config: self.clone(),
        })
    }

    /// Cost of the input stage: patch embedding, class token and position embedding (their
    /// parameters; additions are free).
    pub fn embed_cost(&self) -> Cost {
        let g = self.grid();
        let conv = Cost::conv2d(self.channels, self.width, self.patch_size, 1, g, g, true);
        conv + Cost::new(0, (self.width * (1 + self.tokens())) as u64)
    }

    /// Cost of one block over [`VitConfig::tokens`] tokens: two LayerNorms, the Q, K, V and
    /// output projections, the attention products `QKᵀ` and `AV`, and the two MLP layers.
    pub fn block_cost(&self) -> Cost {
        let (t, d, h) = (self.tokens(), self.width, self.width * self.mlp_ratio);
        times(Cost::norm(d), 2)
            + times(Cost::linear(d, d, t, true), 4)
            + Cost::attention_products(t, d)
            + Cost::linear(d, h, t, true)
            + Cost::linear(h, d, t, true)
    }

    /// Cost of the output stage: final LayerNorm and the linear head on the class token.
    pub fn head_cost(&self) -> Cost {
        Cost::norm(self.width) + Cost::linear(self.width, self.classes, 1, true)
    }

    /// Cost of the whole network for one image.
    pub fn cost(&self) -> Cost {
        self.embed_cost() + times(self.block_cost(), self.depth) + self.head_cost()
    }
}

/// `n` copies of `cost`.
fn times(cost: Cost, n: usize) -> Cost {
    Cost::new(cost.macs * n as u64, cost.params * n as u64)
}

/// One pre-LN transformer block: `x' = x + MHA(LN₁(x))`, `y = x' + MLP(LN₂(x'))`.
#[derive(Module, Debug)]
pub struct VitBlock {
    /// LayerNorm before attention.
    pub norm1: LayerNorm,
    /// Multi-head self-attention (Q, K, V and output projections with biases).
    pub attn: MultiHeadAttention,
    /// LayerNorm before the MLP.
    pub norm2: LayerNorm,
    /// MLP expansion `d → r·d`.
    pub fc1: Linear,
    /// MLP projection `r·d → d`.
    pub fc2: Linear,
}

impl VitBlock {
    /// A block of width `width` with `heads` heads and MLP ratio `mlp_ratio` (no dropout).
    pub fn new(width: usize, heads: usize, mlp_ratio: usize, device: &Device) -> Self {
        let norm = || LayerNormConfig::new(width).with_epsilon(LAYER_NORM_EPS).init(device);
        Self {
            norm1: norm(),
            attn: MultiHeadAttentionConfig::new(width, heads).with_dropout(0.0).init(device),
            norm2: norm(),
            fc1: LinearConfig::new(width, width * mlp_ratio).init(device),
            fc2: LinearConfig::new(width * mlp_ratio, width).init(device),
        }
    }

    /// The block's output.
    ///
    /// # Shapes
    /// `[b, tokens, d] → [b, tokens, d]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        self.forward_traced(x).0
    }

    /// The block's output and its attention branch `MHA(LN₁(x))` before the residual addition.
    pub fn forward_traced(&self, x: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
        let attention = self.attn.forward(MhaInput::self_attn(self.norm1.forward(x.clone()))).context;
        let x = x + attention.clone();
        let mlp = self.fc2.forward(gelu(self.fc1.forward(self.norm2.forward(x.clone()))));
        (x + mlp, attention)
    }
}

/// A DeiT-style Vision Transformer (see the module doc).
#[derive(Module, Debug)]
pub struct Vit {
    /// Patch embedding: convolution with kernel = stride = patch side.
    pub patch_embed: Conv2d,
    /// The learned class token `[1, 1, d]`.
    pub cls_token: Param<Tensor<3>>,
    /// Learned position embeddings `[1, tokens, d]`.
    pub pos_embed: Param<Tensor<3>>,
    /// The transformer blocks.
    pub blocks: Vec<VitBlock>,
    /// Final LayerNorm.
    pub norm: LayerNorm,
    /// Linear classifier on the class token.
    pub head: Linear,
    /// The sizes this network was built from.
    #[module(skip)]
    pub config: VitConfig,
}

/// Everything [`Vit::forward_traced`] records.
#[derive(Debug, Clone)]
pub struct VitTrace {
    /// Logits `[b, classes]`.
    pub logits: Tensor<2>,
    /// Each block's output `[b, tokens, d]`, in order.
    pub block_outputs: Vec<Tensor<3>>,
    /// Each block's attention branch `MHA(LN₁(x))` `[b, tokens, d]`, before the residual add.
    pub attention_outputs: Vec<Tensor<3>>,
}

impl Vit {
    /// Embedding width `d`.
    pub fn width(&self) -> usize {
        self.cls_token.val().dims()[2]
    }

    /// The tokens entering the first block: `[cls; patches] + pos`.
    ///
    /// # Shapes
    /// `[b, channels, image, image] → [b, tokens, d]`
    pub fn embed(&self, images: Tensor<4>) -> Tensor<3> {
        let patches = self.patch_embed.forward(images).flatten::<3>(2, 3).swap_dims(1, 2);
        let [b, _, d] = patches.dims();
        let cls = self.cls_token.val().expand([b, 1, d]);
        Tensor::cat(vec![cls, patches], 1) + self.pos_embed.val()
    }

    /// Final LayerNorm, the class token, and the head.
    ///
    /// # Shapes
    /// `[b, tokens, d] → [b, classes]`
    pub fn classify(&self, tokens: Tensor<3>) -> Tensor<2> {
        let [b, _, d] = tokens.dims();
        let cls = self.norm.forward(tokens).narrow(1, 0, 1).reshape([b, d]);
        self.head.forward(cls)
    }

    /// Logits of a batch of images.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let x = self.blocks.iter().fold(self.embed(images), |x, block| block.forward(x));
        self.classify(x)
    }

    /// Logits plus every block's output and attention branch (Learngene Pool's distillation
    /// targets; SN-Net's least-squares activations).
    pub fn forward_traced(&self, images: Tensor<4>) -> VitTrace {
        let mut x = self.embed(images);
        let (mut block_outputs, mut attention_outputs) = (Vec::new(), Vec::new());
        for block in &self.blocks {
            let (out, attention) = block.forward_traced(x);
            block_outputs.push(out.clone());
            attention_outputs.push(attention);
            x = out;
        }
        VitTrace { logits: self.classify(x), block_outputs, attention_outputs }
    }
}

impl TrainModel for Vit {
    type Batch = ImageBatch;
    type Stage = ();

    fn step(&self, batch: ImageBatch, _ctx: &StepContext) -> StepOutput {
        classification_step(self.forward(batch.images), batch.targets)
    }
}
