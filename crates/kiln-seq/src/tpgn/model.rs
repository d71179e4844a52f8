//! [`Tpgn`]: the two branches on the `R × P` grid and the head (Jia et al., NeurIPS 2024, §3.3,
//! eq. 7–9; the official `models/TPGN.py`).
//!
//! The input `[B, L, C]` is cut into `R = L/P` rows of `P` steps per channel (channels share
//! the weights, folded into the batch), each step with its time features. The long branch
//! (PGN down each column) gives `l_p ∈ ℝ^d` per column `p`, the short branch one `s ∈ ℝ^d`;
//! the head maps `[s, l_p]` to `⌈H/P⌉` values per column, read row by row as the forecast.

use std::path::Path;

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use kiln_core::train::{StepContext, StepOutput, TrainModel};

use super::config::TpgnConfig;
use super::pgn::PgnBranch;
use super::short::ShortBranch;
use crate::baseline::{Forecaster, mse_step};
use crate::error::{Result, SeqError};
use crate::forecast::ForecastBatch;

/// TPGN (with `short = None`: PGN alone over the columns, the ablation).
#[derive(Module, Debug)]
pub struct Tpgn {
    /// The long-term branch.
    pub pgn: PgnBranch,
    /// The short-term branch (absent in the ablation).
    pub short: Option<ShortBranch>,
    /// The head: `2d` (or `d`) → `⌈H/P⌉` per column.
    pub head: Linear,
    #[module(skip)]
    period: usize,
    #[module(skip)]
    rows: usize,
    #[module(skip)]
    pred_len: usize,
    #[module(skip)]
    instance_norm: bool,
}

impl Tpgn {
    /// Builds the model; `config` must be valid ([`TpgnConfig::try_init`] checks it).
    pub fn new(config: &TpgnConfig, device: &Device) -> Self {
        let (r, p, d) = (config.rows().max(2), config.period.max(1), config.d_model.max(1));
        let features = 1 + config.time_features;
        let width = if config.short_branch { 2 * d } else { d };
        Self {
            pgn: PgnBranch::new(r, features, d, device),
            short: config.short_branch.then(|| ShortBranch::new(r, p, features, d, device)),
            head: LinearConfig::new(width, config.pred_rows().max(1)).init(device),
            period: p,
            rows: r,
            pred_len: config.pred_len,
            instance_norm: config.instance_norm,
        }
    }

    /// `x` `[B, L, C]` with time features `[B, L, T]` → forecast `[B, H, C]`.
    pub fn forward(&self, x: Tensor<3>, x_mark: Tensor<3>) -> Tensor<3> {
        let [b, l, c] = x.dims();
        let t = x_mark.dims()[2];
        let (r, p, n) = (self.rows, self.period, b * c);
        let (x, stats) = if self.instance_norm {
            let mean = x.clone().mean_dim(1);
            let centred = x - mean.clone();
            let std = (centred.clone().var_bias(1) + 1e-5).sqrt();
            (centred / std.clone(), Some((mean, std)))
        } else {
            (x, None)
        };
        debug_assert_eq!(l, r * p, "seq_len must be R·P");
        let xs = x.swap_dims(1, 2).reshape([n, r, p, 1]);
        let marks = x_mark.unsqueeze_dim::<4>(1).repeat_dim(1, c).reshape([n, r, p, t]);
        let z = Tensor::cat(vec![xs, marks], 3); // [N, R, P, F]
        let f = 1 + t;
        let long = self.pgn.forward(z.clone().permute([0, 2, 3, 1]).reshape([n * p, f, r]));
        let d = long.dims()[1];
        let long = long.reshape([n, p, d]);
        let joined = match &self.short {
            Some(short) => {
                let s = short.forward(z.permute([0, 1, 3, 2])).unsqueeze_dim::<3>(1).repeat_dim(1, p);
                Tensor::cat(vec![s, long], 2)
            }
            None => long,
        };
        let out = self.head.forward(joined); // [N, P, R_out]
        let pred_rows = out.dims()[2];
        let out = out.swap_dims(1, 2).reshape([n, pred_rows * p]).narrow(1, 0, self.pred_len);
        let out = out.reshape([b, c, self.pred_len]).swap_dims(1, 2);
        match stats {
            Some((mean, std)) => out * std + mean,
            None => out,
        }
    }

    /// Saves the weights as burnpack (`.bpk`).
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        self.clone().save_file(path).map_err(|e| {
            SeqError::Core(kiln_core::CoreError::Checkpoint { path: path.to_path_buf(), message: format!("{e:?}") })
        })
    }

    /// Loads weights saved by [`Tpgn::save`] into a model built from `config` on `device`.
    ///
    /// # Errors
    /// An invalid `config`, or a file that is missing or does not fit the model.
    pub fn load(config: &TpgnConfig, path: impl AsRef<Path>, device: &Device) -> Result<Self> {
        let model = config.try_init(device)?;
        Ok(kiln_core::train::checkpoint::load_weights(path.as_ref(), model)?)
    }
}

impl Forecaster for Tpgn {
    fn forecast(&self, x: Tensor<3>, x_mark: Tensor<3>) -> Tensor<3> {
        self.forward(x, x_mark)
    }
}

impl TrainModel for Tpgn {
    type Batch = ForecastBatch;
    type Stage = ();

    fn step(&self, batch: ForecastBatch, _ctx: &StepContext) -> StepOutput {
        mse_step(self, batch)
    }
}
