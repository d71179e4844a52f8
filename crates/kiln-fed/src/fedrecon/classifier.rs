//! The models the gradient baselines fine-tune: an encoder followed by a linear softmax head
//! over the classes known so far, `logits(x) = W·f_θ(x) + b`, trained by cross-entropy,
//! `L = −(1/B) Σ_b log softmax(logits(x_b))_{y_b}`.
//!
//! [`HeadModel`] is what [`GradientBaseline`](super::GradientBaseline) needs of such a model:
//! its head (to grow it) and its logits. Two kinds implement it: Kiln's [`Mlp`] (the hidden
//! layers are the encoder, `head` the softmax head), and [`Classifier`], any [`Embed`] encoder
//! (the paper's [`ProtoNet`](super::ProtoNet)) with a head on top. [`Labelled`] is what the
//! baselines need of an example: its class, and a copy with another class.

use burn::module::{Module, ModuleDisplay, Param};
use burn::nn::Linear;
use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::nn::{Mlp, classification_step};
use kiln_core::train::{StepContext, StepOutput, TrainModel};
use kiln_data::{ImageExample, VectorExample};

use super::embed::Embed;
use crate::error::{FedError, Result};

/// An example with a class label.
pub trait Labelled: Clone + Send + Sync + 'static {
    /// Its class.
    fn label(&self) -> usize;

    /// A copy with class `label`.
    fn with_label(&self, label: usize) -> Self;
}

impl Labelled for VectorExample {
    fn label(&self) -> usize {
        self.label
    }

    fn with_label(&self, label: usize) -> Self {
        Self { features: self.features.clone(), label }
    }
}

impl Labelled for ImageExample {
    fn label(&self) -> usize {
        self.label
    }

    fn with_label(&self, label: usize) -> Self {
        Self { image: self.image.clone(), label }
    }
}

/// A classifier whose last layer is a linear softmax head, trainable by the engine: what the
/// gradient baselines fine-tune (encoder and head together) and grow by new outputs.
pub trait HeadModel: TrainModel<Batch: 'static> + Sync {
    /// The softmax head, weight `[d, k]` (burn's layout: `logits = z·W + b`).
    fn head(&self) -> &Linear;

    /// The same model with `head` in place of its head.
    fn with_head(self, head: Linear) -> Self;

    /// The logits `[batch, k]` of a batch and its `[batch]` targets.
    fn logits(&self, batch: Self::Batch) -> (Tensor<2>, Tensor<1, Int>);
}

impl HeadModel for Mlp {
    fn head(&self) -> &Linear {
        &self.head
    }

    fn with_head(mut self, head: Linear) -> Self {
        self.head = head;
        self
    }

    fn logits(&self, batch: Self::Batch) -> (Tensor<2>, Tensor<1, Int>) {
        (self.forward(batch.features), batch.targets)
    }
}

/// An [`Embed`] encoder with a linear softmax head, `logits(x) = f_θ(x)·W + b`.
#[derive(Module, Debug)]
pub struct Classifier<E: Module> {
    /// The encoder `f_θ`.
    pub encoder: E,
    /// The head, weight `[embedding dim, classes]`.
    pub head: Linear,
}

impl<E: Embed + 'static> Classifier<E> {
    /// `encoder` with `head`.
    pub fn new(encoder: E, head: Linear) -> Self {
        Self { encoder, head }
    }

    /// `encoder` with the head that classifies exactly as the nearest prototype (Snell et al.
    /// 2017, §2.3): `−‖z − p_j‖² = 2 p_j·z − ‖p_j‖² − ‖z‖²`, and `‖z‖²` is the same for every
    /// output, so `W_{·j} = 2 p_j / τ`, `b_j = −‖p_j‖² / τ` give the same argmax for any
    /// `τ > 0`. `τ` is the mean of `‖p_j‖²` (1 if that is 0), so the logits are of order 1 and
    /// an output appended at zero for a new class starts comparable to the others instead of
    /// `‖p‖²` below them. Output `j` is `prototypes[j]`.
    ///
    /// # Errors
    /// [`FedError::InvalidSetting`] for no prototypes or prototypes of different widths.
    pub fn from_prototypes(encoder: E, prototypes: &[Vec<f32>], device: &Device) -> Result<Self> {
        let Some(d) = prototypes.first().map(Vec::len).filter(|&d| d > 0) else {
            return Err(FedError::setting("prototypes", prototypes.len(), "the head needs at least one prototype"));
        };
        if let Some((j, p)) = prototypes.iter().enumerate().find(|(_, p)| p.len() != d) {
            return Err(FedError::setting(
                "prototypes",
                format!("{} values in prototype {j}, {d} in prototype 0", p.len()),
                "every prototype needs the same width",
            ));
        }
        let k = prototypes.len();
        let norms: Vec<f32> = prototypes.iter().map(|p| p.iter().map(|v| v * v).sum()).collect();
        let mean_norm = norms.iter().sum::<f32>() / k as f32;
        let tau = if mean_norm > 0.0 && mean_norm.is_finite() { mean_norm } else { 1.0 };
        let mut weight = vec![0f32; d * k];
        for (j, p) in prototypes.iter().enumerate() {
            for (i, v) in p.iter().enumerate() {
                weight[i * k + j] = 2.0 * v / tau;
            }
        }
        let bias: Vec<f32> = norms.iter().map(|n| -n / tau).collect();
        Ok(Self::new(encoder, linear(weight, Some(bias), d, k, device)))
    }
}

/// A [`Linear`] `d → k` with the given row-major `[d, k]` weight and optional bias.
pub(crate) fn linear(weight: Vec<f32>, bias: Option<Vec<f32>>, d: usize, k: usize, device: &Device) -> Linear {
    Linear {
        weight: Param::from_tensor(Tensor::from_data(TensorData::new(weight, [d, k]), device)),
        bias: bias.map(|b| Param::from_tensor(Tensor::from_data(TensorData::new(b, [k]), device))),
    }
}

impl<E> TrainModel for Classifier<E>
where
    E: Embed + ModuleDisplay + 'static,
    E::Batch: Send + 'static,
{
    type Batch = E::Batch;
    type Stage = ();

    /// Cross-entropy of the head's logits.
    fn step(&self, batch: E::Batch, _ctx: &StepContext) -> StepOutput {
        let (z, targets) = self.encoder.embed_batch(batch);
        classification_step(self.head.forward(z), targets)
    }
}

impl<E> HeadModel for Classifier<E>
where
    E: Embed + ModuleDisplay + Sync + 'static,
    E::Batch: Send + 'static,
{
    fn head(&self) -> &Linear {
        &self.head
    }

    fn with_head(mut self, head: Linear) -> Self {
        self.head = head;
        self
    }

    fn logits(&self, batch: E::Batch) -> (Tensor<2>, Tensor<1, Int>) {
        let (z, targets) = self.encoder.embed_batch(batch);
        (self.head.forward(z), targets)
    }
}
