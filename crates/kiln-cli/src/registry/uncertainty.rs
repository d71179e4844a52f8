//! `kiln eval --uncertainty [--samples N] [--ood SET]`: the predictive uncertainty of models
//! that sample their prototypes (Prob-PSENN; Vadillo et al., arXiv 2403.13740), split into
//! total, aleatoric and epistemic parts.
//!
//! Over `N` sampled prototype sets (default [`DEFAULT_SAMPLES`]), with `p_s` the prediction of
//! set `s` and `p̄` their mean, the total uncertainty of an input is `H[p̄]`, the aleatoric part
//! `(1/N) Σ_s H[p_s]` and the epistemic part their difference, the mutual information between
//! the prediction and the prototypes (all in nats). `kiln eval` prints each mean over the test
//! split. With `--ood SET` it also scores an out-of-distribution set converted to the model's
//! input, and prints, for each uncertainty, the AUROC of telling the test split (negatives)
//! from the OOD set (positives) by that uncertainty: 1 separates them perfectly, 0.5 is chance.
//!
//! OOD sets ([`OOD_SETS`]): `procedural` — as many procedural part-annotated creatures as the
//! test split has images, generated from a seed derived from the run's seed (never the images
//! of a `--data procedural` run), at the model's image side (32 to 128 pixels) and converted by
//! [`kiln_data::transform::to_shape`]: area-averaged to the model's height and width, and
//! greyscale (Rec. 601 luminance) when the model sees one channel. For a model trained on the
//! 8×8 digits these are 8×8 grey blobs of the right intensity range but no digit shape.

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::metrics::roc_auc;
use kiln_core::seed::derive_seed;
use kiln_core::tensor::try_to_vec;
use kiln_data::procedural::{MAX_IMAGE_SIZE, MIN_IMAGE_SIZE, ProceduralConfig, generate};
use kiln_data::transform::to_shape;
use kiln_proto::prob_psenn::Uncertainty;
use serde::{Deserialize, Serialize};

use crate::error::{CliError, Result};

/// Sampled prototype sets when `--samples` is not given.
pub const DEFAULT_SAMPLES: usize = 20;

/// Test images per batch of the uncertainty evaluation.
pub const UNCERTAINTY_BATCH: usize = 256;

/// The out-of-distribution sets `--ood` knows.
pub const OOD_SETS: &[&str] = &["procedural"];

/// Stream of [`derive_seed`] that seeds the OOD images from the run's seed.
const OOD_SEED_STREAM: u64 = 0x00D5_EED0;

/// How a classifier exposes its uncertainty: the decomposition over `samples` sampled
/// prototype sets for images flattened to pixels in `[0, 1]^n` (channel-major), `[b, n]`.
pub type UncertaintyOf<M> = fn(&M, Tensor<2>, usize) -> Result<Uncertainty>;

/// An out-of-distribution set of `--ood`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OodSet {
    /// Procedural creatures converted to the model's input (see the module notes).
    Procedural,
}

impl OodSet {
    /// The name `--ood` takes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Procedural => "procedural",
        }
    }

    /// `count` images of the set as pixel rows of the model's input `shape` (`[c, h, w]`),
    /// seeded by `seed`.
    ///
    /// # Errors
    /// [`CliError::Data`] when the images cannot be generated or converted to `shape`.
    pub fn pixels(self, shape: [usize; 3], count: usize, seed: u64) -> Result<Vec<Vec<f32>>> {
        match self {
            Self::Procedural => {
                let side = shape[1].max(shape[2]).clamp(MIN_IMAGE_SIZE, MAX_IMAGE_SIZE);
                let config = ProceduralConfig::new(10)
                    .with_image_size(side)
                    .with_num_images(count)
                    .with_seed(derive_seed(seed, OOD_SEED_STREAM));
                let creatures = generate(&config)?;
                let converted: kiln_data::Result<Vec<Vec<f32>>> =
                    creatures.iter().map(|c| to_shape(&c.image, shape).map(|i| i.pixels)).collect();
                Ok(converted?)
            }
        }
    }
}

/// A `kiln eval` uncertainty flag that does not fit the run's model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UncertaintyFlagError {
    /// `--uncertainty` on a model without sampled prototypes.
    #[error("--uncertainty: model `{model}` has no uncertainty decomposition; runs of {uncertain} do")]
    NoUncertainty {
        /// The run's model.
        model: String,
        /// The models that do, comma separated.
        uncertain: String,
    },
    /// `--samples 0`.
    #[error("--samples 0: at least one sampled prototype set is needed (model `{model}`)")]
    ZeroSamples {
        /// The run's model.
        model: String,
    },
    /// `--samples` or `--ood` without `--uncertainty`.
    #[error("{flag}: needs --uncertainty (model `{model}`)")]
    WithoutUncertainty {
        /// The flag as given (`--samples 5`, `--ood procedural`).
        flag: String,
        /// The run's model.
        model: String,
    },
    /// An OOD set `kiln eval` does not know.
    #[error("--ood {name}: unknown out-of-distribution set for model `{model}`; expected one of {known}")]
    UnknownOod {
        /// The run's model.
        model: String,
        /// The name given.
        name: String,
        /// The known sets, comma separated.
        known: String,
    },
}

/// What `kiln eval --uncertainty` measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UncertaintyRequest {
    /// Sampled prototype sets, at least 1.
    pub samples: usize,
    /// The out-of-distribution set, when one is given.
    pub ood: Option<OodSet>,
}

impl UncertaintyRequest {
    /// The request of `--uncertainty`, `--samples` and `--ood` for a run of `model`, whose
    /// entry has an uncertainty decomposition (`uncertain`) or not; `None` without
    /// `--uncertainty`.
    ///
    /// # Errors
    /// [`UncertaintyFlagError`] naming the flag and the model: `--samples` or `--ood` without
    /// `--uncertainty`, an unknown OOD set, `--samples 0`, a model without uncertainty.
    pub fn parse(
        model: &str,
        uncertainty: bool,
        samples: Option<usize>,
        ood: Option<&str>,
        uncertain: bool,
    ) -> std::result::Result<Option<Self>, UncertaintyFlagError> {
        let ood = ood
            .map(|name| match name.trim() {
                "procedural" => Ok(OodSet::Procedural),
                _ => Err(UncertaintyFlagError::UnknownOod {
                    model: model.into(),
                    name: name.into(),
                    known: OOD_SETS.join(", "),
                }),
            })
            .transpose()?;
        if !uncertainty {
            let flag = match (samples, ood) {
                (Some(n), _) => format!("--samples {n}"),
                (None, Some(set)) => format!("--ood {}", set.name()),
                (None, None) => return Ok(None),
            };
            return Err(UncertaintyFlagError::WithoutUncertainty { flag, model: model.into() });
        }
        if !uncertain {
            return Err(UncertaintyFlagError::NoUncertainty {
                model: model.into(),
                uncertain: super::uncertain_names(),
            });
        }
        let samples = samples.unwrap_or(DEFAULT_SAMPLES);
        if samples == 0 {
            return Err(UncertaintyFlagError::ZeroSamples { model: model.into() });
        }
        Ok(Some(Self { samples, ood }))
    }
}

/// Mean total, aleatoric and epistemic uncertainty of a set of images, in nats.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeanUncertainty {
    /// Mean `H[p̄]`.
    pub total: f64,
    /// Mean `(1/N) Σ_s H[p_s]`.
    pub aleatoric: f64,
    /// Mean mutual information.
    pub epistemic: f64,
}

/// The out-of-distribution part of an [`UncertaintyReport`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OodReport {
    /// The set.
    pub set: OodSet,
    /// Its images.
    pub images: usize,
    /// Its mean uncertainties.
    pub mean: MeanUncertainty,
    /// AUROC of each uncertainty as a score for "out of distribution" (test: negatives).
    pub auroc: MeanUncertainty,
}

/// The uncertainty evaluation of a run's test split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UncertaintyReport {
    /// Sampled prototype sets.
    pub samples: usize,
    /// Test images.
    pub images: usize,
    /// Mean uncertainties on the test split.
    pub test: MeanUncertainty,
    /// The OOD comparison, when `--ood` was given.
    pub ood: Option<OodReport>,
}

/// Per-image total, aleatoric and epistemic uncertainty of a set of images.
#[derive(Debug, Default)]
struct PerImage {
    total: Vec<f32>,
    aleatoric: Vec<f32>,
    epistemic: Vec<f32>,
}

impl PerImage {
    /// The decomposition of every row of `pixels` (`n` values each), in batches.
    fn of(
        predict: &dyn Fn(Tensor<2>) -> Result<Uncertainty>,
        pixels: &[Vec<f32>],
        n: usize,
        device: &Device,
    ) -> Result<Self> {
        let mut out = Self::default();
        for chunk in pixels.chunks(UNCERTAINTY_BATCH) {
            let values: Vec<f32> = chunk.iter().flatten().copied().collect();
            let x = Tensor::from_data(TensorData::new(values, [chunk.len(), n]), device);
            let u = predict(x)?;
            out.total.extend(try_to_vec(u.total)?);
            out.aleatoric.extend(try_to_vec(u.aleatoric)?);
            out.epistemic.extend(try_to_vec(u.epistemic)?);
        }
        Ok(out)
    }

    fn mean(&self) -> MeanUncertainty {
        let mean = |v: &[f32]| v.iter().map(|x| f64::from(*x)).sum::<f64>() / v.len().max(1) as f64;
        MeanUncertainty { total: mean(&self.total), aleatoric: mean(&self.aleatoric), epistemic: mean(&self.epistemic) }
    }
}

/// AUROC of `scores` for telling `ood` (positives) from `test` (negatives).
///
/// # Errors
/// When it is undefined: an empty set or a NaN uncertainty.
fn auroc(test: &[f32], ood: &[f32], which: &str, set: OodSet) -> Result<f64> {
    let scores: Vec<f64> = test.iter().chain(ood).map(|s| f64::from(*s)).collect();
    let labels: Vec<bool> = test.iter().map(|_| false).chain(ood.iter().map(|_| true)).collect();
    roc_auc(&scores, &labels).ok_or_else(|| {
        CliError::Usage(format!(
            "--ood {}: the AUROC of the {which} uncertainty is undefined ({} test and {} OOD images, or a NaN \
             uncertainty)",
            set.name(),
            test.len(),
            ood.len()
        ))
    })
}

/// The uncertainty of the test images `test` (pixel rows of the model's input `shape`) and,
/// with an OOD set, of as many OOD images seeded by `seed`, through `predict` (the
/// decomposition over the request's samples).
///
/// # Errors
/// An empty test split, what `predict` returns, an OOD set that cannot be generated, an
/// undefined AUROC.
pub fn evaluate(
    predict: &dyn Fn(Tensor<2>) -> Result<Uncertainty>,
    test: &[Vec<f32>],
    shape: [usize; 3],
    request: &UncertaintyRequest,
    seed: u64,
    device: &Device,
) -> Result<UncertaintyReport> {
    if test.is_empty() {
        return Err(CliError::Usage("--uncertainty: the run's test split has no images".into()));
    }
    let n = shape.iter().product();
    let in_distribution = PerImage::of(predict, test, n, device)?;
    let ood = match request.ood {
        None => None,
        Some(set) => {
            let images = set.pixels(shape, test.len(), seed)?;
            let scored = PerImage::of(predict, &images, n, device)?;
            let t = &in_distribution;
            let auroc = MeanUncertainty {
                total: auroc(&t.total, &scored.total, "total", set)?,
                aleatoric: auroc(&t.aleatoric, &scored.aleatoric, "aleatoric", set)?,
                epistemic: auroc(&t.epistemic, &scored.epistemic, "epistemic", set)?,
            };
            Some(OodReport { set, images: images.len(), mean: scored.mean(), auroc })
        }
    };
    Ok(UncertaintyReport { samples: request.samples, images: test.len(), test: in_distribution.mean(), ood })
}
