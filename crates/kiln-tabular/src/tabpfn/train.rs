//! Prior-data fitting (Hollmann et al. 2023, §3–4): the network is trained on an endless stream
//! of datasets drawn from the prior, each split at a random position into training rows (the
//! context) and held-out rows, minimising the cross-entropy of the held-out classes:
//! `L = −E_{D ~ p(D)} [log q_θ(y_test | x_test, D_train)]`.
//!
//! [`PriorBatches`] is a [`BatchSource`] whose batch `(epoch, index)` is generated from a seed
//! derived from the run's seed, so a resumed run sees exactly the datasets the uninterrupted run
//! would have seen. Data go through the same [`preprocess`](crate::preprocess) as at inference.

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::nn::classification_step;
use kiln_core::seed::{derive_seed, rng};
use kiln_core::train::{
    BatchSource, LrSchedule, OptimizerConfig, Phase, StepContext, StepOutput, TrainModel, TrainPhase,
};
use serde::{Deserialize, Serialize};

use crate::preprocess::{Preprocess, preprocess};
use crate::prior::sample::int;
use crate::prior::{PriorConfig, generate};
use crate::tabpfn::model::{TabPfn, TabPfnConfig};

/// A batch of prior datasets sharing one split position.
#[derive(Debug, Clone)]
pub struct TabPfnBatch {
    /// Preprocessed features `[batch, rows, max_features]`, training rows first.
    pub x: Tensor<3>,
    /// Training classes `[batch, n_train]`.
    pub y_train: Tensor<2, Int>,
    /// Held-out classes, flattened `[batch · n_test]`.
    pub y_test: Tensor<1, Int>,
}

impl TrainModel for TabPfn {
    type Batch = TabPfnBatch;
    type Stage = ();

    fn step(&self, batch: TabPfnBatch, _ctx: &StepContext) -> StepOutput {
        let logits = self.forward(batch.x, batch.y_train);
        let [b, n, c] = logits.dims();
        classification_step(logits.reshape([b * n, c]), batch.y_test)
    }
}

/// Host arrays of one prior batch: `(x, y_train, y_test, n_train)`, `x` row-major
/// `[batch, rows, max_features]` with the training rows first.
pub type PriorArrays = (Vec<f32>, Vec<i64>, Vec<i64>, usize);

/// An endless stream of prior datasets, `steps` batches per epoch.
#[derive(Debug, Clone)]
pub struct PriorBatches {
    /// The prior (its `num_rows` is the sequence length, `max_features` the model width).
    pub prior: PriorConfig,
    /// Datasets per batch.
    pub batch_size: usize,
    /// Batches per epoch.
    pub steps: usize,
    /// Smallest fraction of rows used as training rows.
    pub min_train_fraction: f32,
    /// Largest fraction of rows used as training rows.
    pub max_train_fraction: f32,
    /// Seed of the stream.
    pub seed: u64,
}

impl PriorBatches {
    /// Host arrays of batch `(epoch, index)`: `(x, y_train, y_test, n_train)`.
    ///
    /// # Errors
    /// When the prior rejects its configuration (the draw is not replaced by another dataset).
    pub fn arrays(&self, epoch: usize, index: usize) -> crate::Result<PriorArrays> {
        let seed = derive_seed(self.seed, (epoch as u64) << 32 | index as u64);
        let rows = self.prior.num_rows;
        let width = self.prior.max_features;
        let lo = ((rows as f32 * self.min_train_fraction) as usize).max(2);
        let hi = ((rows as f32 * self.max_train_fraction) as usize).clamp(lo, rows - 1);
        let n_train = int(&mut rng(seed, 0), lo, hi);
        let mut x = Vec::with_capacity(self.batch_size * rows * width);
        let (mut y_train, mut y_test) = (Vec::new(), Vec::new());
        for b in 0..self.batch_size {
            let data = generate(&self.prior, derive_seed(seed, 1 + b as u64))?;
            let f = data.num_features;
            let (tr, te, _) =
                preprocess(&data.x[..n_train * f], &data.x[n_train * f..], f, width, Preprocess::default());
            x.extend(tr);
            x.extend(te);
            y_train.extend(data.y[..n_train].iter().map(|&c| c as i64));
            y_test.extend(data.y[n_train..].iter().map(|&c| c as i64));
        }
        Ok((x, y_train, y_test, n_train))
    }
}

impl BatchSource<TabPfnBatch> for PriorBatches {
    fn num_batches(&self) -> usize {
        self.steps
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<TabPfnBatch> {
        let (x, y_train, y_test, n_train) =
            self.arrays(epoch, index).map_err(|e| kiln_core::CoreError::batch(epoch, index, e))?;
        let (b, rows, width) = (self.batch_size, self.prior.num_rows, self.prior.max_features);
        Ok(TabPfnBatch {
            x: Tensor::from_data(TensorData::new(x, [b, rows, width]), device),
            y_train: Tensor::from_data(TensorData::new(y_train, [b, n_train]), device),
            y_test: Tensor::from_data(TensorData::new(y_test, [b * (rows - n_train)]), device),
        })
    }
}

/// A training run on the prior, as read from a JSON config file
/// (`crates/kiln-tabular/configs/tabpfn-small.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainConfig {
    /// The network.
    pub model: TabPfnConfig,
    /// The prior (its `max_features`/`max_classes` must match the model's).
    pub prior: PriorConfig,
    /// Datasets per optimiser step.
    pub batch_size: usize,
    /// Optimiser steps per epoch (an epoch is a checkpoint interval; the stream is endless).
    pub steps_per_epoch: usize,
    /// Epochs.
    pub epochs: usize,
    /// Peak learning rate of Adam.
    pub lr: f64,
    /// Linear warm-up steps before cosine decay.
    pub warmup_steps: usize,
    /// Smallest fraction of rows used as context.
    pub min_train_fraction: f32,
    /// Largest fraction of rows used as context.
    pub max_train_fraction: f32,
    /// Seed of the run (initialisation and data stream).
    pub seed: u64,
}

impl TrainConfig {
    /// The batch source of this run.
    pub fn batches(&self) -> PriorBatches {
        PriorBatches {
            prior: self.prior.clone(),
            batch_size: self.batch_size,
            steps: self.steps_per_epoch,
            min_train_fraction: self.min_train_fraction,
            max_train_fraction: self.max_train_fraction,
            seed: self.seed,
        }
    }

    /// The single gradient phase: AdamW with linear warm-up and cosine decay, as in v1.
    pub fn phases(&self) -> Vec<Phase<TabPfn>> {
        let phase = TrainPhase::new(self.epochs, self.lr)
            .with_optimizer(OptimizerConfig::AdamW { weight_decay: 0.0 })
            .with_schedule(LrSchedule::WarmupCosine { warmup_steps: self.warmup_steps, min_factor: 0.05 });
        vec![Phase::train("prior", phase)]
    }

    /// Checks that prior and model agree.
    ///
    /// # Errors
    /// [`crate::TabularError::InvalidConfig`].
    pub fn validate(&self) -> crate::Result<()> {
        self.model.validate()?;
        self.prior.validate()?;
        if self.prior.max_features != self.model.max_features || self.prior.max_classes > self.model.max_classes {
            return Err(crate::TabularError::InvalidConfig(format!(
                "prior max_features {} / max_classes {} must match the model's {} / {}",
                self.prior.max_features, self.prior.max_classes, self.model.max_features, self.model.max_classes
            )));
        }
        Ok(())
    }
}
