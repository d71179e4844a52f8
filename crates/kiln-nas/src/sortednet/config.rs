//! [`SortedNetConfig`]: the training settings of SortedNet, with the paper's defaults and a CPU
//! preset for the digits.

use serde::{Deserialize, Serialize};

use super::error::SortedNetError;
use super::model::SortedSubmodel;
use crate::ofa::OfaConfig;

/// P_B, the distribution a training step draws sub-models from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum SubmodelDistribution {
    /// Every nested sub-model equally likely (the paper's default).
    #[default]
    Uniform,
    /// Relative weights, one per sub-model in [`SortedSubmodel::all`] order (size order).
    Weighted(Vec<f64>),
}

impl SubmodelDistribution {
    /// Checks the distribution against `submodels` nested sub-models.
    ///
    /// # Errors
    /// [`SortedNetError::WeightCount`] or [`SortedNetError::Weights`] for bad weights.
    pub fn validate(&self, submodels: usize) -> Result<(), SortedNetError> {
        match self {
            Self::Uniform => Ok(()),
            Self::Weighted(weights) if weights.len() != submodels => {
                Err(SortedNetError::WeightCount { weights: weights.len(), submodels })
            }
            Self::Weighted(weights) => {
                let valid = weights.iter().all(|w| w.is_finite() && *w >= 0.0) && weights.iter().sum::<f64>() > 0.0;
                if valid { Ok(()) } else { Err(SortedNetError::Weights) }
            }
        }
    }
}

/// SortedNet's training settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SortedNetConfig {
    /// Sub-models drawn per optimiser step, whose gradients are accumulated (the paper's
    /// `g_acc`).
    pub g_acc: usize,
    /// P_B, the sub-model distribution.
    pub distribution: SubmodelDistribution,
    /// Epochs over the training data.
    pub epochs: usize,
    /// Learning rate (Adam, constant).
    pub lr: f64,
}

impl SortedNetConfig {
    /// The defaults of our notes (`nas.md` §5): `g_acc = 4`, uniform P_B, 60 epochs; Adam at
    /// 10⁻³ (the notes give no rate; ours).
    pub fn new() -> Self {
        Self { g_acc: 4, distribution: SubmodelDistribution::Uniform, epochs: 60, lr: 1e-3 }
    }

    /// A CPU preset for the digits supernet: `g_acc = 4`, uniform P_B, 2 epochs at 3·10⁻³.
    pub fn small() -> Self {
        Self { epochs: 2, lr: 3e-3, ..Self::new() }
    }

    /// Checks the settings against the supernet `ofa`.
    ///
    /// # Errors
    /// A [`SortedNetError`] for zero `g_acc` or epochs, a bad rate, a supernet without
    /// sub-models, or weights of P_B that do not fit its sub-models.
    pub fn validate(&self, ofa: &OfaConfig) -> Result<(), SortedNetError> {
        if self.g_acc == 0 {
            return Err(SortedNetError::ZeroAccumulation);
        }
        if self.epochs == 0 {
            return Err(SortedNetError::ZeroEpochs);
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(SortedNetError::LearningRate(self.lr));
        }
        let submodels = SortedSubmodel::all(ofa).len();
        if submodels == 0 {
            return Err(SortedNetError::NoSubmodels);
        }
        self.distribution.validate(submodels)
    }
}

impl Default for SortedNetConfig {
    /// [`SortedNetConfig::new`].
    fn default() -> Self {
        Self::new()
    }
}
