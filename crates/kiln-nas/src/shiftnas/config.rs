//! [`ShiftNasConfig`]: ShiftNAS' settings, with the paper's defaults where it gives them and a
//! CPU preset for the digits supernet.

use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use super::error::ShiftNasError;
use super::generator::ArchGeneratorConfig;
use super::loss::{MacBins, ProbabilityShift};
use super::model::ShiftNasModel;
use crate::ofa::OfaConfig;

/// ShiftNAS' settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftNasConfig {
    /// The supernet and its search space.
    pub ofa: OfaConfig,
    /// K, the number of MAC bins.
    pub bins: usize,
    /// Uniformly sampled subnets whose MAC quantiles place the bin edges.
    pub bin_samples: usize,
    /// Seed of that sample.
    pub bin_seed: u64,
    /// Width of the generator's inputs (bin and gene-position embeddings).
    pub embedding: usize,
    /// Hidden width of the generator's LSTM.
    pub hidden: usize,
    /// τ, the Gumbel-softmax temperature.
    pub temperature: f64,
    /// λ, the weight of the MAC loss `|MACs(a) − c_k| / c_k`.
    pub lambda: f64,
    /// η, the rate of the probability shift `θ_k += η(Δ_k − mean Δ)`.
    pub shift_rate: f64,
    /// β, the EMA momentum of the performance variation Δ_k.
    pub shift_momentum: f64,
    /// Epochs of the generator warm-up on the MAC term alone (0: none; our addition).
    pub warm_up_epochs: usize,
    /// Epochs of joint training over the training data.
    pub epochs: usize,
    /// Learning rate of the supernet (Adam, constant).
    pub lr: f64,
    /// Learning rate of the generator (its own Adam parameter group).
    pub generator_lr: f64,
}

impl ShiftNasConfig {
    /// Defaults on the digits supernet ([`OfaConfig::digits`]). The paper's text does not give
    /// K, τ, λ, η or the generator's size; these are ours: K = 5 (our notes, `nas.md` §4),
    /// 2000 samples for the bin edges, embedding 32 and LSTM width 64, τ = 1 (the usual
    /// Gumbel-softmax value), λ = 1, η = 0.1, β = 0.9, 60 epochs, Adam at 10⁻³ for the
    /// supernet and 10⁻² for the generator.
    pub fn new() -> Self {
        Self {
            ofa: OfaConfig::digits(),
            bins: 5,
            bin_samples: 2000,
            bin_seed: 0,
            embedding: 32,
            hidden: 64,
            temperature: 1.0,
            lambda: 1.0,
            shift_rate: 0.1,
            shift_momentum: 0.9,
            warm_up_epochs: 0,
            epochs: 60,
            lr: 1e-3,
            generator_lr: 1e-2,
        }
    }

    /// A CPU preset: K = 4 bins, 500 samples, embedding 16, LSTM width 32, λ = 5, 2 epochs at
    /// 3·10⁻³ (supernet) and 3·10⁻² (generator) after 30 warm-up epochs of the generator (with 10
    /// and the sampled MAC term alone, the arg-max architecture missed a bin in 6 of 8
    /// initialisations).
    pub fn small() -> Self {
        Self {
            bins: 4,
            bin_samples: 500,
            embedding: 16,
            hidden: 32,
            lambda: 5.0,
            warm_up_epochs: 30,
            epochs: 2,
            lr: 3e-3,
            generator_lr: 3e-2,
            ..Self::new()
        }
    }

    /// The probability-shift rule of these settings.
    pub fn shift(&self) -> ProbabilityShift {
        ProbabilityShift { rate: self.shift_rate, momentum: self.shift_momentum }
    }

    /// Checks the settings (not the bins, which [`MacBins::from_space`] checks).
    ///
    /// # Errors
    /// A [`ShiftNasError`] naming the bad setting.
    pub fn validate(&self) -> Result<(), ShiftNasError> {
        let ofa = &self.ofa;
        for (name, list) in [
            ("depths", &ofa.depths),
            ("kernel sizes", &ofa.kernel_sizes),
            ("expand ratios", &ofa.expand_ratios),
            ("resolutions", &ofa.resolutions),
        ] {
            if list.is_empty() {
                return Err(ShiftNasError::EmptyChoices(name));
            }
        }
        if ofa.units.is_empty() {
            return Err(ShiftNasError::EmptyChoices("units"));
        }
        if self.bins < 2 {
            return Err(ShiftNasError::TooFewBins(self.bins));
        }
        if self.bin_samples < self.bins {
            return Err(ShiftNasError::TooFewSamples { samples: self.bin_samples, bins: self.bins });
        }
        if self.epochs == 0 {
            return Err(ShiftNasError::ZeroEpochs);
        }
        if self.embedding == 0 {
            return Err(ShiftNasError::ZeroWidth("embedding"));
        }
        if self.hidden == 0 {
            return Err(ShiftNasError::ZeroWidth("hidden width"));
        }
        for (name, value) in [
            ("temperature", self.temperature),
            ("lambda", self.lambda),
            ("shift rate", self.shift_rate),
            ("learning rate", self.lr),
            ("generator learning rate", self.generator_lr),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(ShiftNasError::NotPositive { name, value });
            }
        }
        if !(0.0..1.0).contains(&self.shift_momentum) {
            return Err(ShiftNasError::Momentum(self.shift_momentum));
        }
        Ok(())
    }

    /// The MAC bins of these settings.
    ///
    /// # Errors
    /// The errors of [`validate`](Self::validate) and [`MacBins::from_space`].
    pub fn mac_bins(&self) -> Result<MacBins, ShiftNasError> {
        self.validate()?;
        MacBins::from_space(&self.ofa, self.bins, self.bin_samples, self.bin_seed)
    }

    /// Builds the supernet, the generator and the bins, θ = 0 (uniform p).
    ///
    /// # Errors
    /// The errors of [`mac_bins`](Self::mac_bins).
    pub fn init(&self, device: &Device) -> Result<ShiftNasModel, ShiftNasError> {
        let bins = self.mac_bins()?;
        let generator = ArchGeneratorConfig {
            bins: self.bins,
            choices: crate::ofa::SubnetConfig::gene_choices(&self.ofa),
            embedding: self.embedding,
            hidden: self.hidden,
        }
        .init(device);
        Ok(ShiftNasModel::new(self.ofa.init(device), generator, bins, device))
    }
}

impl Default for ShiftNasConfig {
    /// [`ShiftNasConfig::new`].
    fn default() -> Self {
        Self::new()
    }
}
