//! Baselines for TPGN on the same windows, and one entry point to train and test any of the
//! compared models uniformly ([`ModelKind`], [`train_model`]).
//!
//! - [`gru`], [`lstm`]: recurrent encoders with a Linear head to `H` steps;
//! - [`dlinear`]: DLinear (Zeng et al., AAAI 2023);
//! - [`naive`]: seasonal naive (repeat the last period).

pub mod dlinear;
pub mod gru;
pub mod lstm;
pub mod naive;

use burn::prelude::{Device, Tensor};
use kiln_core::train::StepOutput;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::forecast::{ForecastBatch, ForecastData};
use crate::tpgn::TpgnConfig;
use crate::tpgn::train::{FitSettings, FitSummary, fit};

pub use dlinear::DLinear;
pub use gru::GruForecaster;
pub use lstm::LstmForecaster;
pub use naive::SeasonalNaive;

/// Anything that maps an input window to a forecast.
pub trait Forecaster {
    /// `x` `[B, L, C]` with time features `[B, L, T]` → forecast `[B, H, C]`.
    fn forecast(&self, x: Tensor<3>, x_mark: Tensor<3>) -> Tensor<3>;
}

/// The training step every forecaster here shares: `MSE(forecast(x), y)`.
pub fn mse_step<F: Forecaster + ?Sized>(model: &F, batch: ForecastBatch) -> StepOutput {
    let pred = model.forecast(batch.x, batch.x_mark);
    let diff = pred - batch.y;
    StepOutput::loss((diff.clone() * diff).mean())
}

/// The models the forecasting experiment compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ModelKind {
    /// TPGN (both branches).
    Tpgn,
    /// PGN without the short-term branch (the ablation).
    PgnOnly,
    /// GRU encoder + Linear head.
    Gru,
    /// LSTM encoder + Linear head.
    Lstm,
    /// DLinear.
    DLinear,
    /// Seasonal naive (no training).
    SeasonalNaive,
}

impl ModelKind {
    /// Every kind, TPGN first.
    pub const ALL: [Self; 6] = [Self::Tpgn, Self::PgnOnly, Self::Gru, Self::Lstm, Self::DLinear, Self::SeasonalNaive];

    /// A display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Tpgn => "TPGN",
            Self::PgnOnly => "PGN (no short branch)",
            Self::Gru => "GRU",
            Self::Lstm => "LSTM",
            Self::DLinear => "DLinear",
            Self::SeasonalNaive => "seasonal naive",
        }
    }
}

/// Hidden units of the GRU and LSTM baselines.
pub const RNN_HIDDEN: usize = 32;

/// Builds and trains `kind` on `data` with `config`'s sizes and training settings (the
/// recurrent baselines with [`RNN_HIDDEN`] units, DLinear with kernel 25, seasonal naive with
/// `config.period`). Seeds the device with `seed` before initialising.
///
/// # Errors
/// An invalid configuration, or an error of the engine.
pub fn train_model(
    kind: ModelKind,
    data: &ForecastData,
    config: &TpgnConfig,
    seed: u64,
    device: &Device,
) -> Result<(Box<dyn Forecaster>, FitSummary)> {
    let settings = FitSettings::from_config(config, seed);
    let channels = data.columns.len();
    device.seed(seed);
    Ok(match kind {
        ModelKind::Tpgn | ModelKind::PgnOnly => {
            let cfg = if kind == ModelKind::PgnOnly { config.clone().without_short_branch() } else { config.clone() };
            let (m, s) = fit(cfg.try_init(device)?, data, &settings, device)?;
            (Box::new(m), s)
        }
        ModelKind::Gru => {
            let m = GruForecaster::new(channels, config.time_features, RNN_HIDDEN, config.pred_len, device);
            let (m, s) = fit(m, data, &settings, device)?;
            (Box::new(m), s)
        }
        ModelKind::Lstm => {
            let m = LstmForecaster::new(channels, config.time_features, RNN_HIDDEN, config.pred_len, device);
            let (m, s) = fit(m, data, &settings, device)?;
            (Box::new(m), s)
        }
        ModelKind::DLinear => {
            let (m, s) = fit(DLinear::new(config.seq_len, config.pred_len, 25, device), data, &settings, device)?;
            (Box::new(m), s)
        }
        ModelKind::SeasonalNaive => {
            (Box::new(SeasonalNaive { period: config.period, pred_len: config.pred_len }), FitSummary::default())
        }
    })
}
