//! The graphon estimators of the official code (`utils/learner.py`, Xu et al.'s collection
//! from "Learning graphons via structured Gromov-Wasserstein barycenters", AAAI 2021), each
//! from the degree-aligned adjacencies of a graph set ([`aligned`]) to an `r × r` graphon:
//!
//! - [`sas`]: sorting-and-smoothing (Chan & Airoldi 2014), `h × h` block means of `Ā`,
//!   TV-denoised; the official default;
//! - [`largest_gap`]: LG (Channarond et al. 2012), the block model of the runs between the
//!   `K − 1` largest gaps of the sorted normalised degrees;
//! - [`usvt`]: USVT (Chatterjee 2015), `Ā` without its singular values below `τ√N`, clipped;
//! - [`sba`]: SBA (Airoldi et al. 2013), the block model of greedy pivot blocks of nodes whose
//!   estimated graphon slices lie within `Δ`.
//!
//! [`GraphonEstimator`] picks one (with its parameters) for the bases and the downstream
//! estimate of the feasibility (`W2pgnnConfig::estimator`).

pub mod aligned;
pub mod blocks;
pub mod largest_gap;
pub mod sas;
pub mod sba;
pub mod usvt;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::config::W2pgnnConfig;
use super::graphon::Graphon;
use crate::error::{GraphError, Result};
use crate::graph::Graph;

/// Which graphon estimator W2PGNN uses, with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum GraphonEstimator {
    /// SAS ([`sas::sas`]) with the config's `tv_scale` and `tv_iterations`. The default.
    #[default]
    Sas,
    /// LG ([`largest_gap::largest_gap`]).
    LargestGap {
        /// Number of blocks `K`; `None`: the official `⌊N_max / h⌋`, `h = ⌊log₂ N_max⌋ + 1`
        /// ([`largest_gap::default_blocks`]).
        blocks: Option<usize>,
    },
    /// USVT ([`usvt::usvt`]).
    Usvt {
        /// Threshold τ: singular values below `τ√N_max` are dropped. Official: 0.1.
        threshold: f64,
    },
    /// SBA ([`sba::sba`]).
    Sba {
        /// Threshold Δ on the estimated slice distance. Official: 0.1.
        delta: f64,
    },
}

/// The serde form of [`GraphonEstimator`] (externally tagged, as a derived enum).
#[derive(Serialize, Deserialize)]
#[serde(remote = "GraphonEstimator")]
enum Repr {
    Sas,
    LargestGap { blocks: Option<usize> },
    Usvt { threshold: f64 },
    Sba { delta: f64 },
}

/// A [`GraphonEstimator`] in its serde form, for reading one that may be absent.
#[derive(Deserialize)]
struct Present(#[serde(with = "Repr")] GraphonEstimator);

impl Serialize for GraphonEstimator {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        Repr::serialize(self, serializer)
    }
}

/// Reads the derived form; an absent value (a config written before the field existed) or
/// `null` is [`GraphonEstimator::Sas`], the default.
impl<'de> Deserialize<'de> for GraphonEstimator {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        Ok(Option::<Present>::deserialize(deserializer)?.map(|p| p.0).unwrap_or_default())
    }
}

impl GraphonEstimator {
    /// The names [`FromStr`] accepts, in the order of the variants.
    pub const NAMES: [&'static str; 4] = ["sas", "lg", "usvt", "sba"];

    /// The short name (`sas`, `lg`, `usvt`, `sba`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sas => "sas",
            Self::LargestGap { .. } => "lg",
            Self::Usvt { .. } => "usvt",
            Self::Sba { .. } => "sba",
        }
    }

    /// Checks the parameters: LG needs at least one block (when given), the USVT threshold
    /// and the SBA Δ must be non-negative and finite. Errors name the estimator and parameter.
    pub fn validate(&self) -> Result<()> {
        match *self {
            Self::Sas => Ok(()),
            Self::LargestGap { blocks } => largest_gap::check_blocks(blocks),
            Self::Usvt { threshold } => usvt::check_threshold(threshold),
            Self::Sba { delta } => sba::check_delta(delta),
        }
    }

    /// The graphon of `graphs` at `cfg.resolution` by this estimator (SAS with `cfg.tv_scale`
    /// and `cfg.tv_iterations`).
    pub fn estimate(&self, graphs: &[Graph], cfg: &W2pgnnConfig) -> Result<Graphon> {
        let r = cfg.resolution;
        match *self {
            Self::Sas => sas::sas(graphs, r, cfg.tv_scale, cfg.tv_iterations),
            Self::LargestGap { blocks } => largest_gap::largest_gap(graphs, blocks, r),
            Self::Usvt { threshold } => usvt::usvt(graphs, threshold, r),
            Self::Sba { delta } => sba::sba(graphs, delta, r),
        }
    }
}

/// The estimator of a name in [`GraphonEstimator::NAMES`] (case-insensitive) with the official
/// defaults: `sas`; `lg` with `⌊N_max / h⌋` blocks; `usvt` with τ = 0.1; `sba` with Δ = 0.1.
/// Errors on any other name, listing the known ones.
impl FromStr for GraphonEstimator {
    type Err = GraphError;

    fn from_str(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "sas" => Ok(Self::Sas),
            "lg" => Ok(Self::LargestGap { blocks: None }),
            "usvt" => Ok(Self::Usvt { threshold: usvt::DEFAULT_THRESHOLD }),
            "sba" => Ok(Self::Sba { delta: sba::DEFAULT_DELTA }),
            _ => Err(GraphError::Invalid(format!(
                "unknown graphon estimator `{name}`: expected one of {}",
                Self::NAMES.join(", ")
            ))),
        }
    }
}

/// The name and parameters, e.g. `usvt (threshold 0.1)`, `lg (blocks ⌊N/h⌋)`.
impl fmt::Display for GraphonEstimator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sas => write!(f, "sas"),
            Self::LargestGap { blocks: Some(k) } => write!(f, "lg (blocks {k})"),
            Self::LargestGap { blocks: None } => write!(f, "lg (blocks ⌊N/h⌋)"),
            Self::Usvt { threshold } => write!(f, "usvt (threshold {threshold})"),
            Self::Sba { delta } => write!(f, "sba (delta {delta})"),
        }
    }
}
