//! The library side of `kiln seq forecast --csv F --target OT --seq-len 168 --pred-len 96 --out DIR`:
//! read the CSV, train TPGN, test it, write the predictions, metrics and weights.

use std::path::{Path, PathBuf};

use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use super::config::TpgnConfig;
use super::train::{FitSettings, FitSummary, evaluate, fit, predict};
use crate::baseline::SeasonalNaive;
use crate::error::{Result, SeqError};
use crate::forecast::{ForecastData, Metrics, SplitScheme, WindowSpec};
use crate::io::ett::{Features, TIME_FEATURES, read_ett};

/// What [`forecast_csv`] does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastOptions {
    /// The ETT-format CSV.
    pub csv: PathBuf,
    /// The target column (`OT`).
    pub target: String,
    /// Univariate target (`S`, default) or every column (`M`).
    pub features: Features,
    /// The model and training configuration (`None`: [`TpgnConfig::small`]).
    pub config: Option<TpgnConfig>,
    /// Input length (used when `config` is `None`).
    pub seq_len: usize,
    /// Horizon (used when `config` is `None`).
    pub pred_len: usize,
    /// The split (`None`: ETTh borders for a file named `ETTh*`, 70/10/20 otherwise).
    pub scheme: Option<SplitScheme>,
    /// Output directory (created).
    pub out: PathBuf,
    /// Seed of the initialisation and the shuffle.
    pub seed: u64,
    /// Show the engine's progress.
    pub progress: bool,
}

impl ForecastOptions {
    /// Univariate `target`, `seq_len → pred_len` with the small preset, seed 0.
    pub fn new(
        csv: impl Into<PathBuf>,
        target: &str,
        seq_len: usize,
        pred_len: usize,
        out: impl Into<PathBuf>,
    ) -> Self {
        Self {
            csv: csv.into(),
            target: target.to_string(),
            features: Features::S,
            config: None,
            seq_len,
            pred_len,
            scheme: None,
            out: out.into(),
            seed: 0,
            progress: false,
        }
    }
}

/// What [`forecast_csv`] measured and wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastReport {
    /// TPGN on the test windows (standardised scale).
    pub metrics: Metrics,
    /// Seasonal naive on the same windows.
    pub naive: Metrics,
    /// Test windows.
    pub test_windows: usize,
    /// The training run.
    pub fit: FitSummary,
    /// The configuration trained.
    pub config: TpgnConfig,
    /// `predictions.csv`: per test window and step, the forecast and the truth in the file's units.
    pub predictions: PathBuf,
    /// `metrics.json`: this report.
    pub metrics_file: PathBuf,
    /// `model.bpk`: the weights (with `config.json` beside them).
    pub model_file: PathBuf,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SeqError + '_ {
    move |source| SeqError::Io { path: path.to_path_buf(), source }
}

/// Loads `options.csv`, trains TPGN on its training split (early stopping on validation),
/// tests it and writes `predictions.csv`, `metrics.json`, `model.bpk` and `config.json` into
/// `options.out`.
///
/// # Errors
/// Any [`SeqError`] of the reader, the windows, the configuration or the engine; an I/O error
/// writing the outputs.
pub fn forecast_csv(options: &ForecastOptions, device: &Device) -> Result<ForecastReport> {
    let config = options.config.clone().unwrap_or_else(|| TpgnConfig::small(options.seq_len, options.pred_len));
    config.validate()?;
    if config.time_features != TIME_FEATURES {
        return Err(SeqError::Config {
            field: "time_features",
            value: config.time_features.to_string(),
            reason: "the ETT reader gives 4 time features per step",
        });
    }
    let series = read_ett(&options.csv, &options.target, options.features)?;
    let etth = options.csv.file_name().is_some_and(|n| n.to_string_lossy().starts_with("ETTh"));
    let scheme = options.scheme.unwrap_or(if etth { SplitScheme::EttHourly } else { SplitScheme::Ratio });
    let spec = WindowSpec {
        seq_len: config.seq_len,
        pred_len: config.pred_len,
        period: Some(config.period),
        scheme,
        batch_size: config.batch_size,
    };
    let data = ForecastData::new(&series, &spec, options.seed)?;
    device.seed(options.seed);
    let model = config.try_init(device)?;
    let mut settings = FitSettings::from_config(&config, options.seed);
    settings.progress = options.progress;
    let (model, summary) = fit(model, &data, &settings, device)?;
    let (preds, truths) = predict(&model, &data.test, device)?;
    let metrics = Metrics::of(&preds, &truths);
    let naive = evaluate(&SeasonalNaive { period: config.period, pred_len: config.pred_len }, &data.test, device)?;

    let out = &options.out;
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    let predictions = out.join("predictions.csv");
    let (c, h) = (data.columns.len(), config.pred_len);
    let (p_raw, t_raw) = (data.scaler.inverse(&preds), data.scaler.inverse(&truths));
    let mut text = String::from("window,step,date");
    for col in &data.columns {
        text.push_str(&format!(",pred_{col},true_{col}"));
    }
    text.push('\n');
    for w in 0..data.test.len() {
        for s in 0..h {
            let row = data.test.start() + w + config.seq_len + s;
            let date = series.dates.get(row).map(ToString::to_string).unwrap_or_default();
            text.push_str(&format!("{w},{s},{date}"));
            for ch in 0..c {
                let i = (w * h + s) * c + ch;
                text.push_str(&format!(",{},{}", p_raw[i], t_raw[i]));
            }
            text.push('\n');
        }
    }
    std::fs::write(&predictions, text).map_err(io_err(&predictions))?;
    let model_file = out.join("model.bpk");
    model.save(&model_file)?;
    let config_file = out.join("config.json");
    let json = serde_json::to_string_pretty(&config)
        .map_err(|e| SeqError::Io { path: config_file.clone(), source: std::io::Error::other(e) })?;
    std::fs::write(&config_file, json).map_err(io_err(&config_file))?;
    let metrics_file = out.join("metrics.json");
    let report = ForecastReport {
        metrics,
        naive,
        test_windows: data.test.len(),
        fit: summary,
        config,
        predictions,
        metrics_file: metrics_file.clone(),
        model_file,
    };
    let json = serde_json::to_string_pretty(&report)
        .map_err(|e| SeqError::Io { path: metrics_file.clone(), source: std::io::Error::other(e) })?;
    std::fs::write(&metrics_file, json).map_err(io_err(&metrics_file))?;
    Ok(report)
}
