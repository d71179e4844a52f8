//! Training any forecaster on the kiln-core engine the way the official code does: MSE, Adam,
//! the learning rate × `lr_decay` after every epoch (Autoformer's `type4`), and early stopping
//! on the validation MSE with `patience`, keeping the best epoch's weights.
//!
//! The engine has no early stopping of its own; [`fit`] runs it one epoch per call in a
//! scratch run directory (`with_halt_after_epochs(1)` + `with_resume(true)`, so the optimiser
//! state and the shuffle carry over exactly) and stops when the validation MSE has not improved
//! for `patience` epochs.

use std::sync::atomic::{AtomicUsize, Ordering};

use burn::prelude::Device;
use kiln_core::train::{LrSchedule, Phase, TrainModel, TrainPhase, Trainer};
use serde::{Deserialize, Serialize};

use super::config::TpgnConfig;
use crate::baseline::Forecaster;
use crate::error::Result;
use crate::forecast::{ForecastBatch, ForecastData, Metrics, Windows};

/// How [`fit`] trains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitSettings {
    /// Maximum epochs.
    pub epochs: usize,
    /// Adam learning rate.
    pub lr: f64,
    /// Learning-rate factor per epoch.
    pub lr_decay: f64,
    /// Training batch size.
    pub batch_size: usize,
    /// Early-stopping patience (epochs without a better validation MSE).
    pub patience: usize,
    /// Cap on optimiser steps per epoch (`None`: every training window).
    pub max_steps_per_epoch: Option<usize>,
    /// Validate on every `val_stride`-th validation window (1: all, as the official code).
    pub val_stride: usize,
    /// Seed of the shuffle and of the engine.
    pub seed: u64,
    /// Show the engine's progress bar.
    pub progress: bool,
}

impl FitSettings {
    /// The training part of a TPGN configuration.
    pub fn from_config(config: &TpgnConfig, seed: u64) -> Self {
        Self {
            epochs: config.epochs,
            lr: config.lr,
            lr_decay: config.lr_decay,
            batch_size: config.batch_size,
            patience: config.patience,
            max_steps_per_epoch: config.max_steps_per_epoch,
            val_stride: config.val_stride,
            seed,
            progress: false,
        }
    }
}

/// What [`fit`] did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FitSummary {
    /// Epochs run (≤ the maximum when early stopping fired).
    pub epochs_run: usize,
    /// The epoch (0-based) whose weights were kept.
    pub best_epoch: usize,
    /// Mean training MSE per epoch.
    pub train_mse: Vec<f64>,
    /// Validation MSE per epoch.
    pub val_mse: Vec<f64>,
}

static RUNS: AtomicUsize = AtomicUsize::new(0);

/// Trains `model` on `data.train`, early-stopping on `data.val`; returns the best epoch's model.
///
/// # Errors
/// An error of the engine (a batch that cannot be built, a checkpoint that cannot be written).
pub fn fit<M>(model: M, data: &ForecastData, settings: &FitSettings, device: &Device) -> Result<(M, FitSummary)>
where
    M: TrainModel<Batch = ForecastBatch, Stage = ()>,
{
    let train = data.train.clone().batched(settings.batch_size, Some(settings.seed));
    let val = data.val.clone().batched(256, None).strided(settings.val_stride);
    let mut phase = TrainPhase::new(settings.epochs, settings.lr)
        .with_schedule(LrSchedule::Step { every: 1, gamma: settings.lr_decay });
    if let Some(steps) = settings.max_steps_per_epoch {
        phase = phase.with_max_steps_per_epoch(steps.max(1));
    }
    let phases = [Phase::train("fit", phase)];
    let dir = std::env::temp_dir().join(format!(
        "kiln-seq-fit-{}-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed),
        settings.seed
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let trainer = Trainer::new(device.clone())
        .with_seed(settings.seed)
        .with_run_dir(&dir)
        .with_resume(true)
        .with_halt_after_epochs(1)
        .with_checkpoint_every(1)
        .with_progress(settings.progress);
    let mut summary = FitSummary::default();
    let (mut model, mut best) = (model, None);
    let mut best_val = f64::INFINITY;
    let mut since_best = 0;
    let result = (|| -> Result<()> {
        for epoch in 0..settings.epochs {
            let (trained, report) = trainer.fit(model.clone(), &phases, &train, Some(&val))?;
            model = trained;
            let record = report.records.last();
            let train_mse = record.and_then(|r| r.train.get("loss").copied()).unwrap_or(f64::NAN);
            let val_mse = record.and_then(|r| r.valid.as_ref()?.get("loss").copied()).unwrap_or(f64::NAN);
            summary.train_mse.push(train_mse);
            summary.val_mse.push(val_mse);
            summary.epochs_run = epoch + 1;
            if val_mse < best_val {
                best_val = val_mse;
                best = Some(model.clone());
                summary.best_epoch = epoch;
                since_best = 0;
            } else {
                since_best += 1;
                if since_best >= settings.patience.max(1) {
                    break;
                }
            }
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    Ok((best.unwrap_or(model), summary))
}

/// Forecasts of every window of `windows` in order: `(predictions, truths)`, each row-major
/// `[windows, H, C]` on the standardised scale.
///
/// # Errors
/// When a tensor cannot be read back from the device.
pub fn predict<F: Forecaster + ?Sized>(model: &F, windows: &Windows, device: &Device) -> Result<(Vec<f32>, Vec<f32>)> {
    let (mut preds, mut truths) = (Vec::new(), Vec::new());
    let n = windows.len();
    let step = 256;
    for start in (0..n).step_by(step) {
        let indices: Vec<usize> = (start..(start + step).min(n)).collect();
        let batch = windows.gather(&indices, device);
        let out = model.forecast(batch.x, batch.x_mark);
        preds.extend(kiln_core::tensor::try_to_vec(out)?);
        truths.extend(kiln_core::tensor::try_to_vec(batch.y)?);
    }
    Ok((preds, truths))
}

/// MSE and MAE of `model` over every window of `windows` (standardised scale, as the paper
/// reports).
///
/// # Errors
/// As [`predict`].
pub fn evaluate<F: Forecaster + ?Sized>(model: &F, windows: &Windows, device: &Device) -> Result<Metrics> {
    let (p, t) = predict(model, windows, device)?;
    Ok(Metrics::of(&p, &t))
}
