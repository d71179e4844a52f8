//! Sliding windows and chronological splits of a multivariate series, as Autoformer's
//! `Dataset_ETT_hour` and `Dataset_Custom` make them (Wu et al., NeurIPS 2021; the loaders PGN
//! and TPGN reuse).
//!
//! - Splits: ETTh-style borders of `12·30·24 = 8640 / 2880 / 2880` rows, or 70 % / 10 % / 20 %
//!   of the rows. The validation and test ranges start `seq_len` rows before their split, so
//!   the first target of each follows the previous split's last row.
//! - Standardisation with the training rows' mean and (population) standard deviation.
//! - Window `i` of a range starting at `b`: input rows `b+i .. b+i+L`, target rows
//!   `b+i+L .. b+i+L+H`, stride 1; `len − L − H + 1` windows per range.

use std::sync::Arc;

use burn::prelude::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::error::{Result, SeqError};
use crate::io::ett::{EttSeries, TIME_FEATURES};

/// Rows of ETTh's training split (12 months of 30 days of 24 hours).
pub const ETTH_TRAIN: usize = 12 * 30 * 24;
/// Rows of ETTh's validation and test splits (4 months each).
pub const ETTH_VAL_TEST: usize = 4 * 30 * 24;

/// How a series is cut into training, validation and test rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SplitScheme {
    /// `Dataset_ETT_hour`: 8640 / 2880 / 2880 rows (the rest of the file unused).
    EttHourly,
    /// `Dataset_Custom`: ⌊0.7 n⌋ training rows, ⌊0.2 n⌋ test rows, the rest validation.
    #[default]
    Ratio,
}

/// One of the three splits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Split {
    /// Training rows.
    Train,
    /// Validation rows (early stopping).
    Val,
    /// Test rows (the reported metrics).
    Test,
}

/// The row range `[start, end)` of each split, with the validation and test ranges starting
/// `seq_len` rows early (Autoformer's `border1s`/`border2s`).
///
/// # Errors
/// [`SeqError::SeriesTooShort`] when the series cannot hold the scheme's splits, or a split
/// holds no window of `seq_len + pred_len` rows.
pub fn split_borders(len: usize, seq_len: usize, pred_len: usize, scheme: SplitScheme) -> Result<[(usize, usize); 3]> {
    let (train, val) = match scheme {
        SplitScheme::EttHourly => {
            let needed = ETTH_TRAIN + 2 * ETTH_VAL_TEST;
            if len < needed {
                return Err(SeqError::SeriesTooShort { len, needed, what: "ETTh splits 8640 + 2880 + 2880".into() });
            }
            (ETTH_TRAIN, ETTH_VAL_TEST)
        }
        SplitScheme::Ratio => {
            let train = len * 7 / 10;
            let test = len / 5;
            (train, len - train - test)
        }
    };
    let end = match scheme {
        SplitScheme::EttHourly => ETTH_TRAIN + 2 * ETTH_VAL_TEST,
        SplitScheme::Ratio => len,
    };
    let window = seq_len + pred_len;
    let borders =
        [(0, train), (train.saturating_sub(seq_len), train + val), ((train + val).saturating_sub(seq_len), end)];
    if train < seq_len || borders.iter().any(|&(a, b)| b - a < window) {
        let needed = match scheme {
            SplitScheme::EttHourly => ETTH_TRAIN + 2 * ETTH_VAL_TEST,
            // The smallest split (validation, ~10 %) must hold one window past seq_len.
            SplitScheme::Ratio => 10 * window,
        };
        return Err(SeqError::SeriesTooShort {
            len,
            needed: needed.max(len + 1),
            what: "seq_len + pred_len in every split".into(),
        });
    }
    Ok(borders)
}

/// Per-channel mean and standard deviation of the training rows (sklearn's `StandardScaler`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardizer {
    /// Mean per channel.
    pub mean: Vec<f32>,
    /// Population standard deviation per channel (1 where it is 0).
    pub std: Vec<f32>,
}

impl Standardizer {
    /// Fits on the rows `[start, end)` of a row-major `[len, channels]` array.
    pub fn fit(values: &[f32], channels: usize, start: usize, end: usize) -> Self {
        let n = (end - start).max(1) as f64;
        let rows = || values[start * channels..end * channels].chunks(channels);
        let mut mean = vec![0f64; channels];
        rows().for_each(|r| r.iter().zip(&mut mean).for_each(|(v, m)| *m += f64::from(*v) / n));
        let mut var = vec![0f64; channels];
        rows().for_each(|r| {
            r.iter().zip(&mean).zip(&mut var).for_each(|((v, m), s)| *s += (f64::from(*v) - m).powi(2) / n)
        });
        Self {
            mean: mean.iter().map(|&m| m as f32).collect(),
            std: var.iter().map(|&s| if s > 0.0 { s.sqrt() as f32 } else { 1.0 }).collect(),
        }
    }

    /// `(x − mean)/std`, row-major `[len, channels]`.
    pub fn transform(&self, values: &[f32]) -> Vec<f32> {
        let c = self.mean.len();
        values.iter().enumerate().map(|(i, v)| (v - self.mean[i % c]) / self.std[i % c]).collect()
    }

    /// `x·std + mean`, row-major `[len, channels]`.
    pub fn inverse(&self, values: &[f32]) -> Vec<f32> {
        let c = self.mean.len();
        values.iter().enumerate().map(|(i, v)| v * self.std[i % c] + self.mean[i % c]).collect()
    }
}

/// One batch of windows.
#[derive(Debug, Clone)]
pub struct ForecastBatch {
    /// Inputs `[B, seq_len, C]` (standardised).
    pub x: Tensor<3>,
    /// Time features of the inputs `[B, seq_len, 4]`.
    pub x_mark: Tensor<3>,
    /// Targets `[B, pred_len, C]` (standardised).
    pub y: Tensor<3>,
}

/// The windows of one split, as a kiln-core [`BatchSource`](kiln_core::train::BatchSource).
#[derive(Debug, Clone)]
pub struct Windows {
    values: Arc<Vec<f32>>,
    marks: Arc<Vec<f32>>,
    channels: usize,
    start: usize,
    end: usize,
    /// Input length `L`.
    pub seq_len: usize,
    /// Horizon `H`.
    pub pred_len: usize,
    /// Windows per batch.
    pub batch_size: usize,
    /// Seed of the per-epoch shuffle (`None`: chronological order).
    pub shuffle_seed: Option<u64>,
    /// Keep every `stride`-th window (1: all; a cheaper validation pass).
    pub stride: usize,
}

impl Windows {
    /// Number of windows (`rows − L − H + 1`, every `stride`-th kept).
    pub fn len(&self) -> usize {
        (self.end - self.start + 1).saturating_sub(self.seq_len + self.pred_len).div_ceil(self.stride.max(1))
    }

    /// Whether there is no window.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Channels per step.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// First row of the range (window 0's first input row).
    pub fn start(&self) -> usize {
        self.start
    }

    /// The same windows with another batch size and shuffle.
    pub fn batched(mut self, batch_size: usize, shuffle_seed: Option<u64>) -> Self {
        self.batch_size = batch_size.max(1);
        self.shuffle_seed = shuffle_seed;
        self
    }

    /// The same windows keeping every `stride`-th one.
    pub fn strided(mut self, stride: usize) -> Self {
        self.stride = stride.max(1);
        self
    }

    /// Window `i` on the host: `(x [L·C], x_mark [L·4], y [H·C])`, row-major.
    ///
    /// # Panics
    /// When `i >= self.len()`.
    pub fn window(&self, i: usize) -> (&[f32], &[f32], &[f32]) {
        let (c, s) = (self.channels, self.start + i * self.stride.max(1));
        let x = &self.values[s * c..(s + self.seq_len) * c];
        let m = &self.marks[s * TIME_FEATURES..(s + self.seq_len) * TIME_FEATURES];
        let y = &self.values[(s + self.seq_len) * c..(s + self.seq_len + self.pred_len) * c];
        (x, m, y)
    }

    /// The batch of the windows `indices`, on `device`.
    pub fn gather(&self, indices: &[usize], device: &Device) -> ForecastBatch {
        let (l, h, c, b) = (self.seq_len, self.pred_len, self.channels, indices.len());
        let (mut x, mut m, mut y) =
            (Vec::with_capacity(b * l * c), Vec::with_capacity(b * l * TIME_FEATURES), Vec::with_capacity(b * h * c));
        for &i in indices {
            let (wx, wm, wy) = self.window(i);
            x.extend_from_slice(wx);
            m.extend_from_slice(wm);
            y.extend_from_slice(wy);
        }
        ForecastBatch {
            x: Tensor::from_data(TensorData::new(x, [b, l, c]), device),
            x_mark: Tensor::from_data(TensorData::new(m, [b, l, TIME_FEATURES]), device),
            y: Tensor::from_data(TensorData::new(y, [b, h, c]), device),
        }
    }
}

impl kiln_core::train::BatchSource<ForecastBatch> for Windows {
    fn num_batches(&self) -> usize {
        self.len().div_ceil(self.batch_size.max(1))
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<ForecastBatch> {
        let order = kiln_core::seed::epoch_order(self.len(), self.shuffle_seed, epoch);
        let bs = self.batch_size.max(1);
        let chunk = order.get(index * bs..((index + 1) * bs).min(order.len())).unwrap_or_default();
        Ok(self.gather(chunk, device))
    }
}

/// What [`ForecastData::new`] needs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WindowSpec {
    /// Input length `L`.
    pub seq_len: usize,
    /// Horizon `H`.
    pub pred_len: usize,
    /// When set, `seq_len` must be a multiple of it (TPGN's period `P`).
    pub period: Option<usize>,
    /// How the rows are split.
    pub scheme: SplitScheme,
    /// Training batch size.
    pub batch_size: usize,
}

impl WindowSpec {
    /// `L → H` windows, ETTh splits, TPGN's period 24, batch 32.
    pub fn new(seq_len: usize, pred_len: usize) -> Self {
        Self { seq_len, pred_len, period: Some(24), scheme: SplitScheme::EttHourly, batch_size: 32 }
    }
}

/// A standardised series with its three splits of windows.
#[derive(Debug, Clone)]
pub struct ForecastData {
    /// Channel names, the target last.
    pub columns: Vec<String>,
    /// The training statistics.
    pub scaler: Standardizer,
    /// Training windows (shuffled per epoch with `shuffle_seed`).
    pub train: Windows,
    /// Validation windows (chronological).
    pub val: Windows,
    /// Test windows (chronological).
    pub test: Windows,
    /// The row borders of train, validation and test.
    pub borders: [(usize, usize); 3],
}

impl ForecastData {
    /// Splits, standardises (training statistics) and windows `series`.
    ///
    /// # Errors
    /// [`SeqError::Config`] for a zero length; [`SeqError::NotMultipleOfPeriod`] when
    /// `seq_len` is not a multiple of the period; [`SeqError::SeriesTooShort`] when the series
    /// is shorter than `seq_len + pred_len` or a split holds no window.
    pub fn new(series: &EttSeries, spec: &WindowSpec, shuffle_seed: u64) -> Result<Self> {
        if spec.seq_len == 0 || spec.pred_len == 0 {
            return Err(SeqError::Config {
                field: "seq_len/pred_len",
                value: format!("{}/{}", spec.seq_len, spec.pred_len),
                reason: "must be positive",
            });
        }
        if let Some(p) = spec.period
            && (p == 0 || !spec.seq_len.is_multiple_of(p))
        {
            return Err(SeqError::NotMultipleOfPeriod { what: "seq_len", value: spec.seq_len, period: p });
        }
        let len = series.len();
        let c = series.channels();
        if c == 0 || series.values.len() != len * c || series.marks.len() != len * TIME_FEATURES {
            return Err(SeqError::Shape {
                what: format!("{}: values and time features", series.path.display()),
                expected: format!("{len} rows × ({c} channels, {TIME_FEATURES} time features)"),
                found: format!("{} values, {} time features", series.values.len(), series.marks.len()),
            });
        }
        if len < spec.seq_len + spec.pred_len {
            return Err(SeqError::SeriesTooShort {
                len,
                needed: spec.seq_len + spec.pred_len,
                what: "seq_len + pred_len".into(),
            });
        }
        let borders = split_borders(len, spec.seq_len, spec.pred_len, spec.scheme)?;
        let scaler = Standardizer::fit(&series.values, c, borders[0].0, borders[0].1);
        let values = Arc::new(scaler.transform(&series.values));
        let marks = Arc::new(series.marks.clone());
        let windows = |(start, end): (usize, usize), shuffle: Option<u64>| Windows {
            values: values.clone(),
            marks: marks.clone(),
            channels: c,
            start,
            end,
            seq_len: spec.seq_len,
            pred_len: spec.pred_len,
            batch_size: spec.batch_size.max(1),
            shuffle_seed: shuffle,
            stride: 1,
        };
        Ok(Self {
            columns: series.columns.clone(),
            scaler,
            train: windows(borders[0], Some(shuffle_seed)),
            val: windows(borders[1], None),
            test: windows(borders[2], None),
            borders,
        })
    }

    /// The windows of `split`.
    pub fn split(&self, split: Split) -> &Windows {
        match split {
            Split::Train => &self.train,
            Split::Val => &self.val,
            Split::Test => &self.test,
        }
    }
}

/// Mean squared and mean absolute error over every predicted value (Autoformer's `metric`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Metrics {
    /// `mean((ŷ − y)²)`.
    pub mse: f64,
    /// `mean(|ŷ − y|)`.
    pub mae: f64,
}

impl Metrics {
    /// The errors of `pred` against `truth` (same length).
    pub fn of(pred: &[f32], truth: &[f32]) -> Self {
        let n = pred.len().min(truth.len()).max(1) as f64;
        let (mut se, mut ae) = (0f64, 0f64);
        for (p, t) in pred.iter().zip(truth) {
            let d = f64::from(p - t);
            se += d * d;
            ae += d.abs();
        }
        Self { mse: se / n, mae: ae / n }
    }
}
