//! [`MosConfig`]: the experts, router and training settings of Mixture-of-Supernets.

use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use super::error::MosError;
use super::model::MosSupernet;
use super::router::Routing;
use crate::ofa::{OfaConfig, OfaSupernet};

/// Mixture-of-Supernets settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MosConfig {
    /// m, expert weight matrices per routed convolution.
    pub experts: usize,
    /// Neuron-wise (default) or layer-wise routing.
    pub routing: Routing,
    /// Hidden units of each router's MLP.
    pub router_hidden: usize,
    /// Random subnets per update besides the largest and smallest (the sandwich rule's n).
    pub random_subnets: usize,
    /// Epochs over the training data.
    pub epochs: usize,
    /// Peak learning rate (Adam, β = (0.9, 0.98)).
    pub lr: f64,
    /// Fraction of the steps spent in linear warm-up before the cosine decay; 0 for a
    /// constant rate.
    pub warmup_fraction: f64,
}

impl MosConfig {
    /// The paper's MoS-MT defaults: m = 6, neuron-wise routing, router hidden size 128 (the
    /// official README), the sandwich rule with one random subnet, Adam (0.9, 0.98) at a peak
    /// 10⁻³ with a quarter of the steps warm-up then cosine (HAT: 10K warm-up of 40K updates);
    /// 60 epochs (ours: the paper counts updates on WMT).
    pub fn new() -> Self {
        Self {
            experts: 6,
            routing: Routing::NeuronWise,
            router_hidden: 128,
            random_subnets: 1,
            epochs: 60,
            lr: 1e-3,
            warmup_fraction: 0.25,
        }
    }

    /// A CPU preset for the digits supernet: m = 2, router hidden 16, one epoch at a constant
    /// 3·10⁻³.
    pub fn small() -> Self {
        Self { experts: 2, router_hidden: 16, epochs: 1, lr: 3e-3, warmup_fraction: 0.0, ..Self::new() }
    }

    /// The settings with `routing`.
    pub fn with_routing(mut self, routing: Routing) -> Self {
        self.routing = routing;
        self
    }

    /// Checks the settings against the search space `ofa`.
    ///
    /// # Errors
    /// A [`MosError`] for zero experts, router width or epochs, a bad rate or warm-up
    /// fraction, or an empty choice list in `ofa`.
    pub fn validate(&self, ofa: &OfaConfig) -> Result<(), MosError> {
        if self.experts == 0 {
            return Err(MosError::ZeroExperts);
        }
        if self.router_hidden == 0 {
            return Err(MosError::ZeroRouterHidden);
        }
        if self.epochs == 0 {
            return Err(MosError::ZeroEpochs);
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(MosError::LearningRate(self.lr));
        }
        if !(0.0..1.0).contains(&self.warmup_fraction) {
            return Err(MosError::WarmupFraction(self.warmup_fraction));
        }
        validate_space(ofa)
    }

    /// A Mixture-of-Supernets on a fresh OFA supernet of `ofa`.
    ///
    /// # Errors
    /// The [`MosError`] of [`validate`](Self::validate).
    pub fn init(&self, ofa: &OfaConfig, device: &Device) -> Result<MosSupernet, MosError> {
        self.init_on(ofa.init(device), device)
    }

    /// A Mixture-of-Supernets around `base` (a fresh or trained OFA supernet): its stem, BNs,
    /// depthwise kernels, SE and head are shared; every block's expand and project
    /// convolutions get m fresh experts and a router each.
    ///
    /// # Errors
    /// The [`MosError`] of [`validate`](Self::validate) against `base`'s space.
    pub fn init_on(&self, base: OfaSupernet, device: &Device) -> Result<MosSupernet, MosError> {
        self.validate(&base.config)?;
        Ok(MosSupernet::new(base, self, device))
    }
}

/// Every choice list of `ofa` that the architecture embedding divides by must have a positive
/// largest value.
fn validate_space(ofa: &OfaConfig) -> Result<(), MosError> {
    let lists: [(&'static str, &[usize]); 4] = [
        ("depth", &ofa.depths),
        ("kernel size", &ofa.kernel_sizes),
        ("expand ratio", &ofa.expand_ratios),
        ("resolution", &ofa.resolutions),
    ];
    for (name, list) in lists {
        if list.iter().copied().max().unwrap_or(0) == 0 {
            return Err(MosError::EmptySpace(name));
        }
    }
    if ofa.units.is_empty() || ofa.units.iter().any(|u| u.max_depth == 0) {
        return Err(MosError::EmptySpace("unit"));
    }
    Ok(())
}

impl Default for MosConfig {
    /// [`MosConfig::new`].
    fn default() -> Self {
        Self::new()
    }
}
