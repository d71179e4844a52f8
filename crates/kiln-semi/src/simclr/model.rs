//! [`SimClr`]: encoder and projection head, trained on two views with NT-Xent; and
//! [`SimClrClassifier`]: the encoder, the first `k` head layers and a linear layer, for
//! fine-tuning, the supervised baseline and distillation.

use burn::module::Module;
use burn::nn::{Initializer, Linear, LinearConfig, Relu};
use burn::prelude::{Device, Tensor};
use kiln_core::nn::{Backbone, classification_step};
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel};

use super::config::SimClrConfig;
use super::head::{HeadLayer, KERNEL_INIT_STD, ProjectionHead};
use super::loss::nt_xent;
use crate::augment::TwoViews;
use crate::distill::ImageClassifier;
use crate::error::{Result, SemiError};

/// Globally average-pooled features of `encoder`.
///
/// # Shapes
/// `[b, c, h, w] → [b, encoder.out_channels()]`
pub fn pooled_features(encoder: &Backbone, x: Tensor<4>) -> Tensor<2> {
    encoder.features(x).mean_dim(3).mean_dim(2).flatten(1, 3)
}

/// The SimCLR network: an encoder (globally pooled) and the projection head.
#[derive(Module, Debug)]
pub struct SimClr {
    /// The encoder, whose pooled features are the representation.
    pub encoder: Backbone,
    /// The projection head.
    pub head: ProjectionHead,
    /// τ of NT-Xent.
    pub temperature: f64,
}

impl SimClr {
    /// A freshly initialised network for `config` (not validated: use [`SimClrConfig::init`]).
    pub fn new(config: &SimClrConfig, device: &Device) -> Self {
        let encoder = config.encoder.init(device);
        let width = encoder.out_channels();
        Self {
            head: ProjectionHead::new(width, config.projection_layers, config.projection_dim, device),
            encoder,
            temperature: config.temperature,
        }
    }

    /// The representation `h₀` (pooled encoder features).
    ///
    /// # Shapes
    /// `[b, c, h, w] → [b, width]`
    pub fn features(&self, x: Tensor<4>) -> Tensor<2> {
        pooled_features(&self.encoder, x)
    }

    /// `[h₀, h₁, …, z]`: the representation and every head layer's output.
    pub fn hiddens(&self, x: Tensor<4>) -> Vec<Tensor<2>> {
        self.head.hiddens(self.features(x))
    }

    /// The projection `z`.
    ///
    /// # Shapes
    /// `[b, c, h, w] → [b, projection_dim]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        self.head.forward(self.features(x))
    }

    /// NT-Xent of a two-view batch. Both views go through the network as one batch of 2N (as
    /// the official code concatenates them), so batch norm sees all 2N views.
    pub fn contrastive_loss(&self, views: TwoViews) -> Tensor<1> {
        let [n, _, _, _] = views.first.dims();
        let z = self.forward(Tensor::cat(vec![views.first, views.second], 0));
        let z1 = z.clone().narrow(0, 0, n);
        let z2 = z.narrow(0, n, n);
        nt_xent(z1, z2, self.temperature)
    }
}

impl TrainModel for SimClr {
    type Batch = TwoViews;
    type Stage = ();

    fn step(&self, batch: TwoViews, _ctx: &StepContext) -> StepOutput {
        let loss = self.contrastive_loss(batch);
        StepOutput::loss(loss.clone()).with_term("nt_xent", loss)
    }
}

/// Encoder, the first `k` projection-head layers (each BN + ReLU) and a linear classifier.
///
/// With `k = 1` this is SimCLRv2's fine-tuned network (official `ft_proj_selector = 1`); with
/// `k = 0` it is the encoder with a linear head (the supervised baseline, SimCLR v1's
/// fine-tuning).
#[derive(Module, Debug)]
pub struct SimClrClassifier {
    /// The encoder.
    pub encoder: Backbone,
    /// The kept head layers (middle layers of the projection head).
    pub head: Vec<HeadLayer>,
    /// The linear classifier (with bias, kernel from N(0, 0.01²)).
    pub classifier: Linear,
    activation: Relu,
}

impl SimClrClassifier {
    /// The fine-tuning network of a pretrained `model`: its encoder, its first `selector` head
    /// layers, a new linear layer to `num_classes`.
    ///
    /// # Errors
    /// [`SemiError::InvalidConfig`] when `selector` is not below the head's layer count (the
    /// last layer, without ReLU and β, is not a fine-tuning input here) or `num_classes` is 0.
    pub fn from_pretrained(model: SimClr, selector: usize, num_classes: usize, device: &Device) -> Result<Self> {
        check_selector("ft_proj_selector", selector, model.head.layers.len())?;
        if num_classes == 0 {
            return Err(SemiError::config("num_classes", 0, "must be positive"));
        }
        let width = model.encoder.out_channels();
        let head: Vec<HeadLayer> = model.head.layers.into_iter().take(selector).collect();
        Ok(Self {
            encoder: model.encoder,
            head,
            classifier: linear_head(width, num_classes, device),
            activation: Relu::new(),
        })
    }

    /// A randomly initialised classifier of the same architecture (the supervised baseline
    /// with `selector = 0`, the self-distillation student with the teacher's `selector`).
    ///
    /// # Errors
    /// As [`SimClrConfig::init`] and [`SimClrClassifier::from_pretrained`].
    pub fn random(config: &SimClrConfig, selector: usize, num_classes: usize, device: &Device) -> Result<Self> {
        Self::from_pretrained(config.init(device)?, selector, num_classes, device)
    }

    /// Number of kept head layers (`ft_proj_selector`).
    pub fn selector(&self) -> usize {
        self.head.len()
    }

    /// Number of classes.
    pub fn num_classes(&self) -> usize {
        self.classifier.weight.dims()[1]
    }

    /// The classifier's input: `h_k`.
    ///
    /// # Shapes
    /// `[b, c, h, w] → [b, width]`
    pub fn embed(&self, x: Tensor<4>) -> Tensor<2> {
        let h = pooled_features(&self.encoder, x);
        self.head.iter().fold(h, |h, layer| self.activation.forward(layer.forward_centred(h)))
    }

    /// # Shapes
    /// `[b, c, h, w] → [b, num_classes]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        self.classifier.forward(self.embed(x))
    }
}

/// Checks that `selector` (the config field `field`) keeps fewer head layers than the head's
/// `layers`: the last layer, without ReLU and β, is not a classifier input here.
///
/// # Errors
/// [`SemiError::InvalidConfig`] naming `field`.
pub(crate) fn check_selector(field: &'static str, selector: usize, layers: usize) -> Result<()> {
    if selector >= layers {
        return Err(SemiError::config(
            field,
            selector,
            format!("must be below the head's {layers} layers (0: the encoder's output)"),
        ));
    }
    Ok(())
}

/// The official `SupervisedHead`: a dense layer with bias, kernel from N(0, 0.01²).
fn linear_head(input: usize, classes: usize, device: &Device) -> Linear {
    LinearConfig::new(input, classes)
        .with_initializer(Initializer::Normal { mean: 0.0, std: KERNEL_INIT_STD })
        .init(device)
}

impl ImageClassifier for SimClrClassifier {
    fn logits(&self, images: Tensor<4>) -> Tensor<2> {
        self.forward(images)
    }
}

impl TrainModel for SimClrClassifier {
    type Batch = ImageBatch;
    type Stage = ();

    fn step(&self, batch: ImageBatch, _ctx: &StepContext) -> StepOutput {
        classification_step(self.forward(batch.images), batch.targets)
    }
}
