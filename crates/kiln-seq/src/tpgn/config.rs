//! [`TpgnConfig`]: the model's sizes, with the paper's defaults and a CPU preset.

use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use super::model::Tpgn;
use crate::error::{Result, SeqError};
use crate::io::ett::TIME_FEATURES;

/// Sizes of a [`Tpgn`] and its training (Jia et al., NeurIPS 2024, §4 and appendix; the
/// official `run.py` defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TpgnConfig {
    /// Input length `L = R·P`.
    pub seq_len: usize,
    /// Horizon; the head predicts `⌈pred_len/P⌉·P` steps and keeps the first `pred_len`.
    pub pred_len: usize,
    /// Period `P` (24 for hourly data).
    pub period: usize,
    /// Hidden size `d` of each branch (`d_model`: 32 by default, 2 for ETTh1).
    pub d_model: usize,
    /// Time features per step (4 for hourly data).
    pub time_features: usize,
    /// Keep the short-term branch (`false`: the "PGN only" ablation).
    pub short_branch: bool,
    /// Instance normalisation (subtract the window mean, divide by its std); off by default.
    pub instance_norm: bool,
    /// Training epochs (25).
    pub epochs: usize,
    /// Adam learning rate (1e-3).
    pub lr: f64,
    /// Learning-rate factor per epoch (0.9, Autoformer's `type4`).
    pub lr_decay: f64,
    /// Batch size (32).
    pub batch_size: usize,
    /// Early-stopping patience in epochs on the validation MSE (5).
    pub patience: usize,
    /// Cap on optimiser steps per epoch (`None`: every training window).
    pub max_steps_per_epoch: Option<usize>,
    /// Early stopping validates on every `val_stride`-th validation window (1: all).
    pub val_stride: usize,
}

impl TpgnConfig {
    /// The paper's defaults: period 24, `d = 32`, both branches, no instance norm; MSE, Adam
    /// 1e-3, batch 32, 25 epochs, patience 5, lr × 0.9 per epoch.
    pub fn new(seq_len: usize, pred_len: usize) -> Self {
        Self {
            seq_len,
            pred_len,
            period: 24,
            d_model: 32,
            time_features: TIME_FEATURES,
            short_branch: true,
            instance_norm: false,
            epochs: 25,
            lr: 1e-3,
            lr_decay: 0.9,
            batch_size: 32,
            patience: 5,
            max_steps_per_epoch: None,
            val_stride: 1,
        }
    }

    /// The paper's ETTh1 setting: [`TpgnConfig::new`] with `d = 2`.
    pub fn etth1(seq_len: usize, pred_len: usize) -> Self {
        Self { d_model: 2, ..Self::new(seq_len, pred_len) }
    }

    /// A CPU preset: `d = 8`, 10 epochs, at most 150 steps per epoch, validation on every
    /// fourth window.
    pub fn small(seq_len: usize, pred_len: usize) -> Self {
        Self { d_model: 8, epochs: 10, max_steps_per_epoch: Some(150), val_stride: 4, ..Self::new(seq_len, pred_len) }
    }

    /// The same configuration without the short-term branch.
    pub fn without_short_branch(mut self) -> Self {
        self.short_branch = false;
        self
    }

    /// `R = L/P`, the rows of the input grid.
    pub fn rows(&self) -> usize {
        self.seq_len / self.period.max(1)
    }

    /// `⌈H/P⌉`, the rows of the output grid.
    pub fn pred_rows(&self) -> usize {
        self.pred_len.div_ceil(self.period.max(1))
    }

    /// Checks the sizes.
    ///
    /// # Errors
    /// [`SeqError::Config`] for a zero size or fewer than two rows (the HIE window `R − 1`
    /// must be at least 1); [`SeqError::NotMultipleOfPeriod`] when `seq_len` is not `R·P`.
    pub fn validate(&self) -> Result<()> {
        let positive = [
            ("period", self.period),
            ("d_model", self.d_model),
            ("pred_len", self.pred_len),
            ("batch_size", self.batch_size),
        ];
        for (field, value) in positive {
            if value == 0 {
                return Err(SeqError::Config { field, value: "0".into(), reason: "must be positive" });
            }
        }
        if !self.seq_len.is_multiple_of(self.period) {
            return Err(SeqError::NotMultipleOfPeriod { what: "seq_len", value: self.seq_len, period: self.period });
        }
        if self.rows() < 2 {
            return Err(SeqError::Config {
                field: "seq_len",
                value: self.seq_len.to_string(),
                reason: "needs at least two periods (the HIE window R − 1 must be ≥ 1)",
            });
        }
        Ok(())
    }

    /// Builds the model on `device`.
    ///
    /// # Errors
    /// As [`TpgnConfig::validate`].
    pub fn try_init(&self, device: &Device) -> Result<Tpgn> {
        self.validate()?;
        Ok(Tpgn::new(self, device))
    }
}
