//! [`RevCol`]: stem, N columns, heads; the plain forward (every activation stored by autodiff)
//! and the engine contract ([`TrainModel`]), whose `gradients` runs the reversible backward of
//! [`super::reversible`] when the configuration asks for it.

use std::path::Path;

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::optim::GradientsParams;
use burn::prelude::{Device, Int, Tensor};
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel};

use super::block::{ChannelNorm, mix};
use super::column::Column;
use super::config::RevColConfig;
use super::heads::{AuxHead, ClassifierHead};
use crate::error::{EfficientError, Result};

/// A RevCol classifier.
#[derive(Module, Debug)]
pub struct RevCol {
    pub(super) stem: Conv2d,
    pub(super) stem_norm: ChannelNorm,
    pub(super) columns: Vec<Column>,
    pub(super) head: ClassifierHead,
    pub(super) aux: Vec<AuxHead>,
    aux_every: usize,
    reversible: bool,
    reconstruction_weight: f64,
    classification_weight: f64,
    input_multiple: usize,
}

impl RevCol {
    /// Builds the network of a validated `config` (use [`RevColConfig::init`]).
    pub(super) fn new(config: &RevColConfig, device: &Device) -> Self {
        let c = &config.channels;
        let total: usize = config.blocks.iter().sum();
        // Drop-path rates rise linearly over the blocks of a column (as in ConvNeXt).
        let rates: Vec<f64> = (0..total)
            .map(|j| if total > 1 { config.drop_path * j as f64 / (total - 1) as f64 } else { 0.0 })
            .collect();
        let p = config.patch;
        let aux_columns = config.supervised_columns();
        Self {
            stem: Conv2dConfig::new([config.in_channels, c[0]], [p, p]).with_stride([p, p]).init(device),
            stem_norm: ChannelNorm::new(c[0], device),
            columns: (0..config.columns)
                .map(|i| Column::new(i, c, &config.blocks, config.layer_scale, &rates, config.alpha_init, device))
                .collect(),
            head: ClassifierHead::new(c[c.len() - 1], config.num_classes, device),
            aux: aux_columns
                .iter()
                .map(|_| AuxHead::new(c, config.in_channels, p, config.num_classes, device))
                .collect(),
            aux_every: (config.columns / 4).max(1),
            reversible: config.reversible,
            reconstruction_weight: config.reconstruction_weight,
            classification_weight: config.classification_weight,
            input_multiple: config.input_multiple(),
        }
    }

    /// The columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Whether training uses the reversible backward.
    pub fn is_reversible(&self) -> bool {
        self.reversible
    }

    /// The same network with the reversible backward switched on or off.
    pub fn with_reversible(mut self, reversible: bool) -> Self {
        self.reversible = reversible;
        self
    }

    /// Checks an image batch shape `[b, C, h, w]`: sides must be multiples of `patch · 2^(L−1)`.
    ///
    /// # Errors
    /// [`EfficientError::InvalidConfig`] naming the shape.
    pub fn check_input(&self, shape: [usize; 4]) -> Result<()> {
        let m = self.input_multiple;
        if shape[2] == 0 || shape[3] == 0 || !shape[2].is_multiple_of(m) || !shape[3].is_multiple_of(m) {
            return Err(EfficientError::config(
                "image shape",
                format!("{shape:?}"),
                format!("sides must be multiples of {m}"),
            ));
        }
        Ok(())
    }

    /// The stem: x = LN(Conv_{p×p, stride p}(images)).
    pub fn stem_forward(&self, images: Tensor<4>) -> Tensor<4> {
        self.stem_norm.forward(self.stem.forward(images))
    }

    /// The drop-path seed of column `i` (drop path only when `seed` is given).
    pub(super) fn column_seed(seed: Option<u64>, i: usize) -> Option<u64> {
        seed.map(|s| mix(s, 1_000 + i as u64))
    }

    /// The intermediate head of column `i`, if any, with its index j.
    pub(super) fn aux_of(&self, i: usize) -> Option<(usize, &AuxHead)> {
        if !(i + 1).is_multiple_of(self.aux_every) {
            return None;
        }
        let j = (i + 1) / self.aux_every - 1;
        self.aux.get(j).map(|h| (j, h))
    }

    /// The weights `((1 − j/n)·f, ((j+1)/n)·c)` of intermediate head j, n = heads + 1.
    pub(super) fn aux_weights(&self, j: usize) -> (f64, f64) {
        let n = (self.aux.len() + 1) as f64;
        let j = j as f64;
        ((1.0 - j / n) * self.reconstruction_weight, (j + 1.0) / n * self.classification_weight)
    }

    /// The states of every column, c^1 … c^N (each `L` tensors), in one plain forward.
    pub fn column_states(&self, images: Tensor<4>, seed: Option<u64>) -> Vec<Vec<Tensor<4>>> {
        let x = self.stem_forward(images);
        let mut all: Vec<Vec<Tensor<4>>> = Vec::with_capacity(self.columns.len());
        for (i, column) in self.columns.iter().enumerate() {
            let states = column.forward(&x, all.last().map(Vec::as_slice), Self::column_seed(seed, i));
            all.push(states);
        }
        all
    }

    /// Class scores `[b, classes]` (no drop path).
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let x = self.stem_forward(images);
        let mut states: Option<Vec<Tensor<4>>> = None;
        for column in &self.columns {
            states = Some(column.forward(&x, states.as_deref(), None));
        }
        let states = states.unwrap_or_default();
        self.head.forward(states[states.len() - 1].clone())
    }

    /// The loss of one batch through the plain forward (autodiff stores every activation):
    /// the final cross-entropy plus, with intermediate supervision, the weighted head terms.
    /// `seed` enables drop path.
    pub fn loss(&self, images: Tensor<4>, targets: Tensor<1, Int>, seed: Option<u64>) -> StepOutput {
        let x = self.stem_forward(images.clone());
        let target_image = images.detach();
        let mut states: Option<Vec<Tensor<4>>> = None;
        let mut aux_total: Option<Tensor<1>> = None;
        for (i, column) in self.columns.iter().enumerate() {
            let s = column.forward(&x, states.as_deref(), Self::column_seed(seed, i));
            if let Some((j, head)) = self.aux_of(i) {
                let (rec, ce) = head.losses(&s, target_image.clone(), targets.clone());
                let (wf, wc) = self.aux_weights(j);
                let term = rec * wf + ce * wc;
                aux_total = Some(match aux_total {
                    Some(t) => t + term,
                    None => term,
                });
            }
            states = Some(s);
        }
        let states = states.unwrap_or_default();
        let logits = self.head.forward(states[states.len() - 1].clone());
        let ce = kiln_core::nn::cross_entropy(logits.clone(), targets.clone());
        let output = match aux_total {
            Some(a) => StepOutput::classification(ce.clone() + a.clone(), logits, targets).with_term("supervision", a),
            None => StepOutput::classification(ce.clone(), logits, targets),
        };
        output.with_term("cross_entropy", ce)
    }

    /// Saves the weights (burnpack) to `path`.
    ///
    /// # Errors
    /// [`EfficientError::File`] naming the file.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::weights::save(self, path)
    }

    /// Loads weights saved by [`RevCol::save`] into this (same-shaped) network. Keep the file
    /// until the network has been used (burn may read it lazily).
    ///
    /// # Errors
    /// [`EfficientError::File`] naming the file.
    pub fn load(self, path: &Path) -> Result<Self> {
        crate::weights::load(self, path)
    }
}

impl TrainModel for RevCol {
    type Batch = ImageBatch;
    type Stage = ();

    fn step(&self, batch: ImageBatch, ctx: &StepContext) -> StepOutput {
        self.loss(batch.images, batch.targets, ctx.training.then_some(ctx.step_seed))
    }

    /// The reversible backward ([`RevCol::reversible_gradients`]) when the network is
    /// reversible, else backpropagation through the stored graph.
    fn gradients(&self, batch: ImageBatch, ctx: &StepContext, scale: f64) -> (GradientsParams, StepOutput) {
        let seed = ctx.training.then_some(ctx.step_seed);
        if self.reversible {
            let r = self.reversible_gradients(batch.images, batch.targets, seed, scale);
            return (r.params, r.output);
        }
        let output = self.loss(batch.images, batch.targets, seed);
        let loss = if scale == 1.0 { output.loss.clone() } else { output.loss.clone() * scale };
        (GradientsParams::from_grads(loss.backward(), self), output)
    }
}
