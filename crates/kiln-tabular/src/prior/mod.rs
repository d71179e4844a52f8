//! The synthetic prior TabPFN is fitted to (Hollmann et al. 2023, §4): datasets drawn from a
//! mixture of structural causal models (random MLPs, [`scm`]) and Gaussian processes ([`gp`]),
//! turned into classification tasks by rank thresholds ([`classes`]).
//!
//! Per dataset, as in v1's `prior_bag` and `flexible_categorical`:
//! 1. the prior: GP with weight 1, SCM with weight `w ~ U[2, 10]` (so `P(GP) = 1/(1+w)`);
//! 2. the number of used features `~ U{min..max}` (or fixed), later zero-padded to the model
//!    width;
//! 3. the target's classes: `k = 2` with probability `1 − multiclass_p`, else `k ~ U{3..max}`,
//!    from `k − 1` rank thresholds on the continuous target;
//! 4. with probability `categorical_p` (0.2), each feature independently (with a per-dataset
//!    probability) becomes categorical by rank thresholds into `U{2..10}` categories;
//! 5. with probability `missing_p`, values go missing (NaN), either completely at random or
//!    where a feature exceeds a quantile (missing for a reason);
//! 6. the feature order is rotated by a random shift.
//!
//! Generation is deterministic by seed: `generate(cfg, seed)` always returns the same dataset.
//!
//! Differences from v1's `flexible_categorical.py` (checked against automl/TabPFN): v1's
//! multi-class branch draws `k ~ U{2..max}` (here `U{3..max}`); v1 draws the category count of a
//! categorical feature as `max(round(Gamma(1, 10)), 2)` (here `U{2..10}`); v1 re-shuffles rows
//! until the training and held-out parts hold the same classes, or ignores the dataset (here no
//! such check: a held-out class unseen in training simply costs loss); v1 normalises with
//! statistics of all rows (here of the training rows, exactly as at inference).

pub mod classes;
pub mod gp;
pub mod sample;
pub mod scm;

use kiln_core::seed::rng;
use serde::{Deserialize, Serialize};

use self::classes::rank_classes;
use self::gp::{GpConfig, sample_gp};
use self::sample::{bernoulli, int};
use self::scm::{ScmConfig, sample_scm};
use crate::error::{Result, TabularError};

/// Which prior a dataset came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PriorKind {
    /// A structural causal model (random MLP); `causal` says whether features and target were
    /// read from hidden nodes (`true`) or the features are the causes (`false`).
    Scm {
        /// Causal mode.
        causal: bool,
    },
    /// A Gaussian process.
    Gp,
}

/// Which priors the mixture draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum PriorMix {
    /// GP (weight 1) and SCM (weight `U[2, 10]`), as in TabPFN v1.
    #[default]
    Bag,
    /// SCM only.
    Scm,
    /// GP only.
    Gp,
}

/// What datasets the prior generates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorConfig {
    /// Rows per dataset. Default 256.
    pub num_rows: usize,
    /// Smallest number of features. Default 1.
    pub min_features: usize,
    /// Largest number of features (the model width the data is padded to). Default 100.
    pub max_features: usize,
    /// A fixed number of features instead of `U{min..max}`.
    pub num_features: Option<usize>,
    /// Largest number of classes. Default 10.
    pub max_classes: usize,
    /// A fixed number of classes instead of the random choice (at most this many: fewer only
    /// when the target has fewer distinct values).
    pub num_classes: Option<usize>,
    /// Probability of a multi-class (`k ≥ 3`) rather than a binary task. Default 0.5.
    pub multiclass_p: f32,
    /// Probability that a dataset has categorical features. Default 0.2.
    pub categorical_p: f32,
    /// Probability that a dataset has missing values (NaN). Default 0: no NaN unless asked.
    pub missing_p: f32,
    /// Which priors to mix. Default [`PriorMix::Bag`].
    pub mix: PriorMix,
    /// SCM hyper-prior.
    pub scm: ScmConfig,
    /// GP hyper-prior.
    pub gp: GpConfig,
}

impl Default for PriorConfig {
    fn default() -> Self {
        Self {
            num_rows: 256,
            min_features: 1,
            max_features: 100,
            num_features: None,
            max_classes: 10,
            num_classes: None,
            multiclass_p: 0.5,
            categorical_p: 0.2,
            missing_p: 0.0,
            mix: PriorMix::Bag,
            scm: ScmConfig::default(),
            gp: GpConfig::default(),
        }
    }
}

impl PriorConfig {
    /// The defaults with `rows` rows per dataset.
    pub fn new(rows: usize) -> Self {
        Self { num_rows: rows, ..Self::default() }
    }

    /// Fixes the number of features.
    pub fn with_num_features(mut self, features: usize) -> Self {
        self.num_features = Some(features);
        self
    }

    /// Fixes the number of classes.
    pub fn with_num_classes(mut self, classes: usize) -> Self {
        self.num_classes = Some(classes);
        self
    }

    /// Sets the probability of missing values.
    pub fn with_missing_p(mut self, p: f32) -> Self {
        self.missing_p = p;
        self
    }

    /// Sets the largest number of features (the padding width).
    pub fn with_max_features(mut self, features: usize) -> Self {
        self.max_features = features;
        self
    }

    /// Sets the prior mixture.
    pub fn with_mix(mut self, mix: PriorMix) -> Self {
        self.mix = mix;
        self
    }

    /// Checks the ranges.
    ///
    /// # Errors
    /// [`TabularError::InvalidConfig`] for empty or inverted ranges.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(TabularError::InvalidConfig(m));
        if self.num_rows < 2 {
            return bad(format!("num_rows must be at least 2, got {}", self.num_rows));
        }
        if self.min_features == 0 || self.min_features > self.max_features {
            return bad(format!(
                "need 1 <= min_features <= max_features, got {}..{}",
                self.min_features, self.max_features
            ));
        }
        if let Some(f) = self.num_features
            && (f == 0 || f > self.max_features)
        {
            return bad(format!("num_features must be in 1..={}, got {f}", self.max_features));
        }
        if self.max_classes < 2 {
            return bad(format!("max_classes must be at least 2, got {}", self.max_classes));
        }
        if let Some(k) = self.num_classes
            && (k < 2 || k > self.max_classes)
        {
            return bad(format!("num_classes must be in 2..={}, got {k}", self.max_classes));
        }
        Ok(())
    }

    /// Draws the dataset with this seed (see [`generate`]).
    ///
    /// # Errors
    /// As [`generate`].
    pub fn generate(&self, seed: u64) -> Result<PriorDataset> {
        generate(self, seed)
    }
}

/// One dataset drawn from the prior.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorDataset {
    /// Features, row-major `[num_rows, num_features]`; NaN marks a missing value.
    pub x: Vec<f32>,
    /// Class of each row, in `0..num_classes`.
    pub y: Vec<usize>,
    /// Rows.
    pub num_rows: usize,
    /// Features actually used (before padding).
    pub num_features: usize,
    /// Classes (every class in `0..num_classes` occurs).
    pub num_classes: usize,
    /// The prior it came from.
    pub kind: PriorKind,
}

impl PriorDataset {
    /// Row `i`'s features.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.x[i * self.num_features..(i + 1) * self.num_features]
    }

    /// The rows as vectors (the classifier's input format).
    pub fn rows(&self) -> Vec<Vec<f32>> {
        (0..self.num_rows).map(|i| self.row(i).to_vec()).collect()
    }

    /// Features zero-padded to `width` columns, row-major `[num_rows, width]`.
    pub fn padded(&self, width: usize) -> Vec<f32> {
        let mut out = vec![0.0; self.num_rows * width];
        for i in 0..self.num_rows {
            let n = self.num_features.min(width);
            out[i * width..i * width + n].copy_from_slice(&self.row(i)[..n]);
        }
        out
    }

    /// Whether any value is missing.
    pub fn has_missing(&self) -> bool {
        self.x.iter().any(|v| v.is_nan())
    }
}

/// Draws one dataset from the prior, deterministically from `seed`.
///
/// # Errors
/// [`TabularError::InvalidConfig`] if `cfg` is invalid.
pub fn generate(cfg: &PriorConfig, seed: u64) -> Result<PriorDataset> {
    cfg.validate()?;
    // A draw whose target is constant has no classes: draw again with the next stream.
    let mut last = None;
    for attempt in 0..16u64 {
        let dataset = draw(cfg, seed, attempt);
        if dataset.num_classes >= 2 {
            return Ok(dataset);
        }
        last = Some(dataset);
    }
    // Degenerate hyper-prior (e.g. all-zero weights): split rows in half to keep two classes.
    let mut dataset = last.unwrap_or_else(|| draw(cfg, seed, 0));
    let half = dataset.num_rows / 2;
    dataset.y = (0..dataset.num_rows).map(|i| usize::from(i >= half)).collect();
    dataset.num_classes = 2;
    Ok(dataset)
}

fn draw(cfg: &PriorConfig, seed: u64, attempt: u64) -> PriorDataset {
    let mut r = rng(seed, attempt);
    let rows = cfg.num_rows;
    let features = cfg.num_features.unwrap_or_else(|| int(&mut r, cfg.min_features, cfg.max_features));
    let use_gp = match cfg.mix {
        PriorMix::Bag => {
            let scm_weight = 2.0 + 8.0 * rand::Rng::random::<f32>(&mut r);
            bernoulli(&mut r, 1.0 / (1.0 + scm_weight))
        }
        PriorMix::Scm => false,
        PriorMix::Gp => true,
    };
    let (mut x, y, kind) = if use_gp {
        let (x, y) = sample_gp(&mut r, rows, features, &cfg.gp);
        (x, y, PriorKind::Gp)
    } else {
        let (x, y, causal) = sample_scm(&mut r, rows, features, &cfg.scm);
        (x, y, PriorKind::Scm { causal })
    };

    let k = cfg.num_classes.unwrap_or_else(|| {
        if bernoulli(&mut r, cfg.multiclass_p) && cfg.max_classes >= 3 { int(&mut r, 3, cfg.max_classes) } else { 2 }
    });
    let (classes, num_classes) = rank_classes(&mut r, &y, k);

    if bernoulli(&mut r, cfg.categorical_p) {
        let p = rand::Rng::random::<f32>(&mut r);
        for f in 0..features {
            if bernoulli(&mut r, p) {
                let column: Vec<f32> = (0..rows).map(|i| x[i * features + f]).collect();
                let categories = int(&mut r, 2, 10);
                let (cats, _) = rank_classes(&mut r, &column, categories);
                for (i, c) in cats.into_iter().enumerate() {
                    x[i * features + f] = c as f32;
                }
            }
        }
    }
    if bernoulli(&mut r, cfg.missing_p) {
        inject_missing(&mut r, &mut x, rows, features);
    }
    let shift = int(&mut r, 0, features - 1);
    if shift > 0 {
        for row in x.chunks_mut(features) {
            row.rotate_left(shift);
        }
    }
    PriorDataset { x, y: classes, num_rows: rows, num_features: features, num_classes, kind }
}

/// Missing values: with rate `r ~ U(0.01, 0.3)`, either each value at random (MCAR) or, for a
/// random half of the features, the values above the column's `1 − r` quantile (missing for a
/// reason).
fn inject_missing(r: &mut rand::rngs::StdRng, x: &mut [f32], rows: usize, features: usize) {
    let rate = 0.01 + 0.29 * rand::Rng::random::<f32>(r);
    if bernoulli(r, 0.5) {
        for v in x.iter_mut() {
            if bernoulli(r, rate) {
                *v = f32::NAN;
            }
        }
    } else {
        for f in 0..features {
            if !bernoulli(r, 0.5) {
                continue;
            }
            let mut column: Vec<f32> = (0..rows).map(|i| x[i * features + f]).collect();
            column.sort_by(f32::total_cmp);
            let cut = column[((rows as f32 * (1.0 - rate)) as usize).min(rows - 1)];
            for i in 0..rows {
                if x[i * features + f] > cut {
                    x[i * features + f] = f32::NAN;
                }
            }
        }
    }
}
