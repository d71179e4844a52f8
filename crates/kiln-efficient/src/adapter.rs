//! The bottleneck-adapter baseline: a small residual module after every residual block of a
//! frozen ResNet (Houlsby et al., ICML 2019, in convolutional form):
//! `x ← x + Up(ReLU(Down(x)))`, `Down = conv1×1` to `C / r` (r = 8), `Up = conv1×1` back to
//! `C`, initialised to zero so the adapted network starts as the pretrained one.
//!
//! Unlike UniPT, the adapters sit *inside* the backbone: their gradients flow back through the
//! frozen blocks, whose activations autodiff must therefore keep. Frozen by
//! [`AdapterResNet::trainable`], the blocks' batch norms use their running statistics (burn's
//! `freeze` turns their training flag off), as UniPT's backbone does.

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Initializer, Linear, LinearConfig, Relu};
use burn::prelude::{Device, Tensor};
use kiln_core::nn::{BasicBlock, ResNet, classification_step};
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel, Trainable};

use crate::error::{EfficientError, Result};

/// Bottleneck reduction of the baseline: `C → C / 8 → C`.
pub const ADAPTER_REDUCTION: usize = 8;

/// `x + Up(ReLU(Down(x)))`.
#[derive(Module, Debug)]
pub struct Adapter {
    /// `C → C / r`.
    pub down: Conv2d,
    /// `C / r → C`, zero-initialised.
    pub up: Conv2d,
    /// ReLU.
    pub activation: Relu,
}

impl Adapter {
    /// An adapter for `channels` channels with bottleneck `max(1, channels / reduction)`.
    pub fn new(channels: usize, reduction: usize, device: &Device) -> Self {
        let hidden = (channels / reduction.max(1)).max(1);
        Self {
            down: Conv2dConfig::new([channels, hidden], [1, 1]).init(device),
            up: Conv2dConfig::new([hidden, channels], [1, 1]).with_initializer(Initializer::Zeros).init(device),
            activation: Relu::new(),
        }
    }

    /// # Shapes
    /// `[b, c, h, w] → [b, c, h, w]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let delta = self.up.forward(self.activation.forward(self.down.forward(x.clone())));
        x + delta
    }
}

/// A pretrained ResNet with an [`Adapter`] after every block and a new linear classifier.
#[derive(Module, Debug)]
pub struct AdapterResNet {
    /// The ResNet without its blocks: its `features` are the stem's output.
    pub stem: ResNet,
    /// The pretrained blocks.
    pub blocks: Vec<BasicBlock>,
    /// One adapter per block.
    pub adapters: Vec<Adapter>,
    /// Global average pooling, then `C_L → classes`.
    pub classifier: Linear,
}

impl AdapterResNet {
    /// The module paths that train.
    pub const TRAINABLE: [&'static str; 2] = ["adapters", "classifier"];

    /// Adapts `resnet` for `num_classes` classes on `channels × height × width` inputs (the
    /// block widths are read off one probe image).
    ///
    /// # Errors
    /// [`EfficientError::InvalidConfig`] for no blocks, no classes or an empty input.
    pub fn new(resnet: ResNet, input: [usize; 3], num_classes: usize, device: &Device) -> Result<Self> {
        if num_classes == 0 {
            return Err(EfficientError::config("num_classes", num_classes, "must be positive"));
        }
        if input.contains(&0) {
            return Err(EfficientError::config(
                "input shape",
                format!("{input:?}"),
                "every dimension must be positive",
            ));
        }
        if resnet.blocks.is_empty() {
            return Err(EfficientError::config("resnet.blocks", 0, "the ResNet has no block to adapt"));
        }
        let mut stem = resnet;
        let blocks = std::mem::take(&mut stem.blocks);
        let probe_device = device.clone().inner();
        let mut x = stem.valid().features(Tensor::zeros([1, input[0], input[1], input[2]], &probe_device));
        let mut adapters = Vec::with_capacity(blocks.len());
        for block in &blocks {
            x = block.valid().forward(x);
            adapters.push(Adapter::new(x.dims()[1], ADAPTER_REDUCTION, device));
        }
        let width = x.dims()[1];
        Ok(Self { stem, blocks, adapters, classifier: LinearConfig::new(width, num_classes).init(device) })
    }

    /// The parameters that train: [`AdapterResNet::TRAINABLE`].
    pub fn trainable() -> Trainable {
        Trainable::only(Self::TRAINABLE)
    }

    /// Number of trainable parameters (adapters and classifier).
    pub fn trainable_params(&self) -> usize {
        self.adapters.num_params() + self.classifier.num_params()
    }

    /// # Shapes
    /// `[b, c, h, w] → [b, classes]`
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let mut x = self.stem.features(images);
        for (block, adapter) in self.blocks.iter().zip(&self.adapters) {
            x = adapter.forward(block.forward(x));
        }
        let [b, c, _, _] = x.dims();
        self.classifier.forward(x.mean_dim(3).mean_dim(2).reshape([b, c]))
    }
}

impl TrainModel for AdapterResNet {
    type Batch = ImageBatch;
    type Stage = ();

    fn step(&self, batch: ImageBatch, _ctx: &StepContext) -> StepOutput {
        classification_step(self.forward(batch.images), batch.targets)
    }
}
