//! `kiln eval --certify R,... [--attack pgd]`: clean, certified and attacked accuracy per L2
//! radius for the models that prove radii (robust stable CBC, stable CBC, GLVQ, RBF and robust
//! RBF; Saralajew et al., AAAI 2025).
//!
//! Radii are L2 norms on pixels in `[0, 1]` (the models' own input space, before the channel
//! normalisation the loaders apply), as in the paper: certified accuracy counts test images
//! classified correctly with a certified radius of at least `δ`; PGD accuracy counts those the
//! PGD-L2 attack ([`kiln_proto::attack`], 100 steps × 5 starts) does not flip within `δ`, an
//! upper bound on the true robust accuracy.

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_data::ImageExample;
use kiln_proto::attack::{PgdConfig, misclassified, pgd_l2};
use kiln_proto::certify::Certificate;
use serde::{Deserialize, Serialize};

use crate::error::Result;

/// How a classifier exposes its certificate: the model that proves radii, fed with test
/// images flattened to pixels in `[0, 1]^n` (channel-major).
pub type CertificateOf<M> = fn(&M) -> &dyn Certificate;

/// Test images per batch of the robustness evaluation.
pub const ROBUST_BATCH: usize = 256;

/// The attacks `--attack` knows.
pub const ATTACKS: &[&str] = &["pgd"];

/// An empirical attack of `kiln eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attack {
    /// PGD-L2 with [`PgdConfig::new`]'s settings.
    Pgd,
}

/// A `kiln eval` robustness flag that does not fit the run's model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RobustFlagError {
    /// A radius that is not a finite non-negative number.
    #[error("--certify: radius `{value}` is not a finite non-negative number (model `{model}`)")]
    Radius {
        /// The run's model.
        model: String,
        /// The radius as typed.
        value: String,
    },
    /// `--certify` on a model without a certificate.
    #[error("--certify: model `{model}` proves no certified radius; runs of {certified} do")]
    NoCertificate {
        /// The run's model.
        model: String,
        /// The models that do, comma separated.
        certified: String,
    },
    /// An attack `kiln eval` does not know.
    #[error("--attack {name}: unknown attack for model `{model}`; expected one of {known}")]
    UnknownAttack {
        /// The run's model.
        model: String,
        /// The name given.
        name: String,
        /// The known attacks, comma separated.
        known: String,
    },
    /// `--attack` without radii.
    #[error("--attack {name}: needs the radii of --certify (model `{model}`)")]
    AttackWithoutRadii {
        /// The run's model.
        model: String,
        /// The attack given.
        name: String,
    },
}

/// What `kiln eval` measures beyond the test evaluation: radii and an optional attack.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustRequest {
    /// L2 radii on pixels, each finite and non-negative, in the order given.
    pub radii: Vec<f64>,
    /// The attack run at each radius.
    pub attack: Option<Attack>,
}

impl RobustRequest {
    /// The request of `--certify` (comma-separated radii) and `--attack` for a run of `model`,
    /// whose entry `certifies` or not; `None` when neither flag is given.
    ///
    /// # Errors
    /// [`RobustFlagError`] naming the flag and the model: an unknown attack, an attack without
    /// radii, radii for a model without a certificate, a radius that is not a finite
    /// non-negative number.
    pub fn parse(
        model: &str,
        certify: Option<&str>,
        attack: Option<&str>,
        certifies: bool,
    ) -> std::result::Result<Option<Self>, RobustFlagError> {
        let attack = match attack {
            None => None,
            Some(name) if name.trim() == "pgd" => Some(Attack::Pgd),
            Some(name) => {
                return Err(RobustFlagError::UnknownAttack {
                    model: model.into(),
                    name: name.into(),
                    known: ATTACKS.join(", "),
                });
            }
        };
        let Some(certify) = certify else {
            return match attack {
                Some(_) => Err(RobustFlagError::AttackWithoutRadii { model: model.into(), name: "pgd".into() }),
                None => Ok(None),
            };
        };
        if !certifies {
            return Err(RobustFlagError::NoCertificate { model: model.into(), certified: super::certified_names() });
        }
        let radius = |text: &str| {
            let value: Option<f64> = text.trim().parse().ok();
            value
                .filter(|r| r.is_finite() && *r >= 0.0)
                .ok_or_else(|| RobustFlagError::Radius { model: model.into(), value: text.trim().into() })
        };
        let radii = certify.split(',').map(radius).collect::<std::result::Result<Vec<f64>, _>>()?;
        Ok(Some(Self { radii, attack }))
    }
}

/// Accuracies at one radius.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RadiusRow {
    /// The L2 radius on pixels.
    pub radius: f64,
    /// Correct and certified at the radius.
    pub certified: f64,
    /// Correct on the attack's worst case within the radius, when an attack ran.
    pub attacked: Option<f64>,
}

/// The robustness evaluation of a run's test split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobustReport {
    /// Test images.
    pub total: usize,
    /// Clean accuracy.
    pub clean: f64,
    /// The attack, when one ran.
    pub attack: Option<Attack>,
    /// One row per radius, in the order requested.
    pub rows: Vec<RadiusRow>,
}

/// Number of `true` entries.
fn count(mask: Tensor<1, burn::prelude::Bool>) -> usize {
    usize::try_from(mask.int().sum().into_scalar::<i64>()).unwrap_or(0)
}

/// A batch of test images as pixels `[b, n]` and labels `[b]`.
fn pixel_batch(examples: &[ImageExample], device: &Device) -> (Tensor<2>, Tensor<1, Int>) {
    let n = examples.first().map_or(0, |e| e.image.pixels.len());
    let pixels: Vec<f32> = examples.iter().flat_map(|e| e.image.pixels.iter().copied()).collect();
    let labels: Vec<i64> = examples.iter().map(|e| e.label as i64).collect();
    (
        Tensor::from_data(TensorData::new(pixels, [examples.len(), n]), device),
        Tensor::from_data(TensorData::new(labels, [examples.len()]), device),
    )
}

/// Clean, certified and (with an attack) attacked accuracy of `model` on `test` at every radius
/// of `request`, in batches of [`ROBUST_BATCH`] images.
///
/// # Errors
/// A radius or attack setting PGD refuses ([`kiln_proto::RobustError`]).
pub fn evaluate(
    model: &dyn Certificate,
    test: &[ImageExample],
    request: &RobustRequest,
    device: &Device,
) -> Result<RobustReport> {
    let pgd = PgdConfig::new();
    let mut clean = 0;
    let mut certified = vec![0; request.radii.len()];
    let mut attacked = vec![0; request.radii.len()];
    for chunk in test.chunks(ROBUST_BATCH) {
        let (x, y) = pixel_batch(chunk, device);
        clean += count(misclassified(model.scores(x.clone()), y.clone()).bool_not());
        for (i, &radius) in request.radii.iter().enumerate() {
            certified[i] += count(model.certified(x.clone(), y.clone(), radius)?);
            if let Some(Attack::Pgd) = request.attack {
                let adversarial = pgd_l2(model, x.clone(), y.clone(), radius, &pgd)?;
                attacked[i] += count(misclassified(model.scores(adversarial), y.clone()).bool_not());
            }
        }
    }
    let total = test.len();
    let fraction = |n: usize| if total == 0 { 0.0 } else { n as f64 / total as f64 };
    let rows = request
        .radii
        .iter()
        .zip(certified.iter().zip(&attacked))
        .map(|(&radius, (&c, &a))| RadiusRow {
            radius,
            certified: fraction(c),
            attacked: request.attack.map(|_| fraction(a)),
        })
        .collect();
    Ok(RobustReport { total, clean: fraction(clean), attack: request.attack, rows })
}
