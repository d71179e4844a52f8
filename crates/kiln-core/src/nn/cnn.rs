//! A small CNN: `Conv3×3 → BatchNorm → ReLU (→ MaxPool 2×2)` blocks, global average pooling
//! and a linear head. [`CnnConfig::for_input`] sizes it to its input, so that the pooled features
//! can relate parts of the image that lie far apart.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{AdaptiveAvgPool2d, AdaptiveAvgPool2dConfig, MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig, PaddingConfig2d, Relu};
use burn::prelude::{Device, Tensor};

use super::ReceptiveField;

/// Configuration of a [`Cnn`].
#[derive(Config, Debug)]
pub struct CnnConfig {
    /// Input channels (1 for grey, 3 for RGB).
    pub in_channels: usize,
    /// Output classes.
    pub num_classes: usize,
    /// Channels of each conv block. Default: `[32, 64]`.
    #[config(default = "vec![32, 64]")]
    pub channels: Vec<usize>,
    /// Max-pool (2×2) after every block except the last. Default: true.
    #[config(default = true)]
    pub pool: bool,
}

impl CnnConfig {
    /// Width of the first block chosen by [`CnnConfig::for_input`]; each further block doubles
    /// it, up to [`CnnConfig::FOR_INPUT_MAX_WIDTH`].
    pub const FOR_INPUT_BASE_WIDTH: usize = 32;

    /// Largest block width chosen by [`CnnConfig::for_input`].
    pub const FOR_INPUT_MAX_WIDTH: usize = 128;

    /// A CNN sized to a `channels × height × width` input: the fewest blocks (at least two) such
    /// that the receptive field of the last feature map covers the image, i.e. some position of
    /// it sees every input pixel ([`ReceptiveField::covers_image`]); only then can the global
    /// average pool relate two parts of the image wherever they lie, instead of classifying a
    /// bag of small patches. Block `i` has `min(32 · 2^i, 128)` channels; every block but the
    /// last is max-pooled.
    ///
    /// With `n` blocks the layers are `n` 3×3 convolutions (stride 1, padding 1) with a 2×2
    /// pool between consecutive ones, so the receptive field has side `S = 5 · 2^(n−1) − 2` and
    /// jump `J = 2^(n−1)`, and position `i` is centred on input coordinate `J/2 + i·J`.
    /// Position 1 sees `[1.5J − S/2, 1.5J + S/2) = [1 − J, 4J − 1)`, so an axis of `L` pixels
    /// is covered once `L ≤ 4J − 1`, i.e. `2^(n+1) > L`: with `L = max(height, width)`,
    /// **`n = max(2, ⌊log2 L⌋)`**, one block per halving until the last map is 2 or 3 positions
    /// wide. That gives 3 blocks for 8–15 px, 4 for 16–31 px (28 px: receptive field 38, a 3×3
    /// map), 5 for 32–63 px (78, 2×2), 6 for 64–127 px (158, 2×2). The rule is evaluated on the
    /// layer geometry itself, not on the formula, and never adds a block that would leave the last
    /// map without a position (`n` blocks need `2^(n−1) ≤ min(height, width)`), so very
    /// elongated inputs get the deepest CNN that still has a spatial map.
    pub fn for_input(in_channels: usize, height: usize, width: usize, num_classes: usize) -> Self {
        let widths = |n: usize| {
            (0..n).map(|i| (Self::FOR_INPUT_BASE_WIDTH << i.min(8)).min(Self::FOR_INPUT_MAX_WIDTH)).collect()
        };
        let shortest = height.min(width).max(1);
        let mut config = Self::new(in_channels, num_classes).with_channels(widths(2));
        // Block n+1 needs the map after n pools to have at least one position: 2^n ≤ shortest.
        while !config.covers_input(height, width) && (1usize << config.channels.len().min(63)) <= shortest {
            config.channels = widths(config.channels.len() + 1);
        }
        config
    }

    /// Whether block `index` is followed by a 2×2 max-pool.
    fn pools_after(&self, index: usize) -> bool {
        self.pool && index + 1 < self.channels.len()
    }

    /// `(kernel, stride, padding)` of every spatial layer the configured CNN will have, in order;
    /// the same as [`Cnn::layer_geometry`] of the built model.
    pub fn layer_geometry(&self) -> Vec<(usize, usize, usize)> {
        (0..self.channels.len()).flat_map(|i| ConvBlock::geometry(1, self.pools_after(i))).collect()
    }

    /// Receptive field of one position of the last feature map.
    pub fn receptive_field(&self) -> ReceptiveField {
        ReceptiveField::of_layers(&self.layer_geometry())
    }

    /// Whether some position of the last feature map sees the whole `height × width` input.
    pub fn covers_input(&self, height: usize, width: usize) -> bool {
        ReceptiveField::covers_image(&self.layer_geometry(), height, width)
    }

    /// Builds the CNN on `device`.
    pub fn init(&self, device: &Device) -> Cnn {
        let mut blocks = Vec::new();
        let mut in_ch = self.in_channels;
        for (i, &out_ch) in self.channels.iter().enumerate() {
            blocks.push(ConvBlock::new(in_ch, out_ch, 1, self.pools_after(i), device));
            in_ch = out_ch;
        }
        Cnn {
            blocks,
            gap: AdaptiveAvgPool2dConfig::new([1, 1]).init(),
            head: LinearConfig::new(in_ch, self.num_classes).init(device),
        }
    }
}

/// `Conv3×3 (stride s, padding 1) → BatchNorm → ReLU`, optionally followed by a 2×2 max-pool.
#[derive(Module, Debug)]
pub struct ConvBlock {
    /// The convolution.
    pub conv: Conv2d,
    /// Batch normalisation.
    pub norm: BatchNorm,
    activation: Relu,
    pool: Option<MaxPool2d>,
}

impl ConvBlock {
    /// A block from `in_ch` to `out_ch` channels.
    pub fn new(in_ch: usize, out_ch: usize, stride: usize, pool: bool, device: &Device) -> Self {
        Self {
            conv: Conv2dConfig::new([in_ch, out_ch], [3, 3])
                .with_stride([stride, stride])
                .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                .with_bias(false)
                .init(device),
            norm: BatchNormConfig::new(out_ch).init(device),
            activation: Relu::new(),
            pool: pool.then(|| MaxPool2dConfig::new([2, 2]).init()),
        }
    }

    /// `(kernel, stride, padding)` of the spatial layers of a block: the convolution `(3, s, 1)`
    /// and, when pooled, the max-pool `(2, 2, 0)`.
    pub fn geometry(stride: usize, pool: bool) -> impl Iterator<Item = (usize, usize, usize)> {
        std::iter::once((3, stride, 1)).chain(pool.then_some((2, 2, 0)))
    }

    /// # Shapes
    /// `[b, in, h, w] → [b, out, h', w']`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let x = self.activation.forward(super::fused::batch_norm(&self.norm, super::fused::conv2d(&self.conv, x)));
        match &self.pool {
            Some(pool) => pool.forward(x),
            None => x,
        }
    }
}

/// The small CNN.
#[derive(Module, Debug)]
pub struct Cnn {
    /// Conv blocks.
    pub blocks: Vec<ConvBlock>,
    gap: AdaptiveAvgPool2d,
    /// Linear classifier on the pooled features.
    pub head: Linear,
}

impl Cnn {
    /// The last spatial feature map.
    ///
    /// # Shapes
    /// `[b, in_channels, h, w] → [b, channels.last, h / 2^(blocks-1), w / 2^(blocks-1)]`
    pub fn features(&self, mut x: Tensor<4>) -> Tensor<4> {
        for block in &self.blocks {
            x = block.forward(x);
        }
        x
    }

    /// Every block's output (after its pool, when it has one), in order; the last is
    /// [`Cnn::features`]. A block is the CNN's stage.
    ///
    /// # Shapes
    /// `[b, in_channels, h, w] → [[b, channels[i], h_i, w_i]; blocks]`
    pub fn stages(&self, mut x: Tensor<4>) -> Vec<Tensor<4>> {
        let mut stages = Vec::with_capacity(self.blocks.len());
        for block in &self.blocks {
            x = block.forward(x);
            stages.push(x.clone());
        }
        stages
    }

    /// `(kernel, stride, padding)` of every spatial layer, in order.
    pub fn layer_geometry(&self) -> Vec<(usize, usize, usize)> {
        self.blocks.iter().flat_map(|block| ConvBlock::geometry(block.conv.stride[0], block.pool.is_some())).collect()
    }

    /// Number of channels of [`Cnn::features`].
    pub fn out_channels(&self) -> usize {
        self.head.weight.dims()[0]
    }

    /// # Shapes
    /// `[b, in_channels, h, w] → [b, num_classes]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let x = self.gap.forward(self.features(x));
        self.head.forward(x.flatten(1, 3))
    }
}
