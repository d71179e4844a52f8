//! The OFA supernet: stem → units of elastic inverted-residual blocks → global average pool →
//! linear head; runs any [`SubnetConfig`] in place and extracts it as a standalone network.

use burn::module::{Module, Param, RunningState};
use burn::nn::conv::Conv2d;
use burn::nn::{BatchNorm, BatchNormConfig, Linear};
use burn::prelude::{Device, Tensor};
use burn::tensor::module::adaptive_avg_pool2d;

use kiln_core::nn::fused::batch_norm;

use super::config::OfaConfig;
use super::subnet::{SubnetConfig, active_blocks};

use crate::elastic::{Activation, ElasticMbBlock, StaticSe, depthwise_conv, pointwise};

/// The weight-sharing supernet (Once-for-All, Cai et al., ICLR 2020).
#[derive(Module, Debug)]
pub struct OfaSupernet {
    /// 3×3 stem convolution.
    pub stem: Conv2d,
    /// BN after the stem.
    pub stem_norm: BatchNorm,
    /// Units of elastic blocks.
    pub units: Vec<Vec<ElasticMbBlock>>,
    /// Linear classifier on the pooled features.
    pub head: Linear,
    /// The search space.
    #[module(skip)]
    pub config: OfaConfig,
}

/// Resizes a batch to `resolution × resolution` by adaptive average pooling (identity at the
/// input size), the elastic-resolution operator of the small experiment.
pub fn resize(x: Tensor<4>, resolution: usize) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    if h == resolution && w == resolution { x } else { adaptive_avg_pool2d(x, [resolution, resolution]) }
}

impl OfaSupernet {
    /// Runs the subnet `cfg` in place.
    ///
    /// # Shapes
    /// `[b, in_channels, h, w] → [b, num_classes]`
    pub fn forward_subnet(&self, cfg: &SubnetConfig, x: Tensor<4>) -> Tensor<2> {
        let stem = batch_norm(&self.stem_norm, self.stem.forward(resize(x, cfg.resolution)));
        let mut x = self.config.stem_activation.forward(stem);
        for a in active_blocks(&self.config, cfg) {
            let block = &self.units[a.unit][a.index];
            let in_ch = block.expand.weight.dims()[1];
            x = block.forward(x, a.kernel, in_ch * a.expand);
        }
        let pooled = adaptive_avg_pool2d(x, [1, 1]).flatten::<2>(1, 3);
        self.head.forward(pooled)
    }

    /// Sorts the hidden channels of every block by importance (before width shrinking).
    pub fn sort_channels(mut self) -> Self {
        self.units = self
            .units
            .into_iter()
            .map(|blocks| blocks.into_iter().map(ElasticMbBlock::sort_channels).collect())
            .collect();
        self
    }

    /// A standalone network with the weights of `cfg` copied out of the supernet; it gives
    /// the supernet's outputs for `cfg` and saves and loads on its own.
    pub fn extract(&self, cfg: &SubnetConfig) -> Subnet {
        let device = self.head.weight.device();
        let blocks = active_blocks(&self.config, cfg)
            .into_iter()
            .map(|a| {
                let block = &self.units[a.unit][a.index];
                let in_ch = block.expand.weight.dims()[1];
                StaticMbBlock::slice(block, a.kernel, in_ch * a.expand, &device)
            })
            .collect();
        Subnet {
            stem: self.stem.clone(),
            stem_norm: self.stem_norm.clone(),
            blocks,
            head: self.head.clone(),
            resolution: cfg.resolution,
            stem_activation: self.config.stem_activation,
        }
    }
}

/// An inverted-residual block with fixed kernel and width, cut out of an [`ElasticMbBlock`].
#[derive(Module, Debug)]
pub struct StaticMbBlock {
    expand: Param<Tensor<4>>,
    expand_norm: BatchNorm,
    depthwise: Param<Tensor<4>>,
    depthwise_norm: BatchNorm,
    project: Param<Tensor<4>>,
    project_norm: BatchNorm,
    se: Option<StaticSe>,
    stride: usize,
    residual: bool,
    #[module(skip)]
    activation: Activation,
}

fn slice_norm(norm: &BatchNorm, n: usize, device: &Device) -> BatchNorm {
    let mut out = BatchNormConfig::new(n).with_epsilon(norm.epsilon).with_momentum(norm.momentum).init(device);
    out.gamma = Param::from_tensor(norm.gamma.val().narrow(0, 0, n));
    out.beta = Param::from_tensor(norm.beta.val().narrow(0, 0, n));
    out.running_mean = RunningState::new(norm.running_mean.value().narrow(0, 0, n));
    out.running_var = RunningState::new(norm.running_var.value().narrow(0, 0, n));
    out
}

impl StaticMbBlock {
    fn slice(block: &ElasticMbBlock, kernel: usize, hidden: usize, device: &Device) -> Self {
        let hidden = hidden.clamp(1, block.max_hidden());
        let [in_ch, out_ch] = [block.expand.weight.dims()[1], block.project.weight.dims()[0]];
        Self {
            expand: Param::from_tensor(block.expand.weight.val().slice([0..hidden, 0..in_ch, 0..1, 0..1])),
            expand_norm: slice_norm(&block.expand_norm, hidden, device),
            depthwise: Param::from_tensor(block.depthwise.active_kernel(kernel).narrow(0, 0, hidden)),
            depthwise_norm: slice_norm(&block.depthwise_norm, hidden, device),
            project: Param::from_tensor(block.project.weight.val().slice([0..out_ch, 0..hidden, 0..1, 0..1])),
            project_norm: slice_norm(&block.project_norm, out_ch, device),
            se: block.se.as_ref().map(|se| se.slice(hidden)),
            stride: block.depthwise.stride,
            residual: block.residual,
            activation: block.activation,
        }
    }

    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let act = self.activation;
        let h = act.forward(batch_norm(&self.expand_norm, pointwise(x.clone(), self.expand.val())));
        let h = act.forward(batch_norm(&self.depthwise_norm, depthwise_conv(h, self.depthwise.val(), self.stride)));
        let h = match &self.se {
            Some(se) => se.forward(h),
            None => h,
        };
        let y = batch_norm(&self.project_norm, pointwise(h, self.project.val()));
        if self.residual { y + x } else { y }
    }
}

/// A subnet extracted from the supernet.
#[derive(Module, Debug)]
pub struct Subnet {
    stem: Conv2d,
    stem_norm: BatchNorm,
    blocks: Vec<StaticMbBlock>,
    head: Linear,
    /// Input resolution.
    pub resolution: usize,
    #[module(skip)]
    stem_activation: Activation,
}

impl Subnet {
    /// # Shapes
    /// `[b, in_channels, h, w] → [b, num_classes]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let stem = batch_norm(&self.stem_norm, self.stem.forward(resize(x, self.resolution)));
        let mut x = self.stem_activation.forward(stem);
        for block in &self.blocks {
            x = block.forward(x);
        }
        self.head.forward(adaptive_avg_pool2d(x, [1, 1]).flatten::<2>(1, 3))
    }

    /// Number of parameters.
    pub fn parameters(&self) -> usize {
        self.num_params()
    }
}

impl kiln_core::train::TrainModel for Subnet {
    type Batch = kiln_core::train::ImageBatch;
    type Stage = ();

    fn step(&self, batch: Self::Batch, _ctx: &kiln_core::train::StepContext) -> kiln_core::train::StepOutput {
        kiln_core::nn::classification_step(self.forward(batch.images), batch.targets)
    }
}
