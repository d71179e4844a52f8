//! [`W2pgnnConfig`]: the paper's values (`estimate_feasibility.py`) and a CPU preset.

use burn::config::Config;

use super::coupling::FitCoupling;
use super::estimate::GraphonEstimator;
use crate::error::GraphError;

/// Configuration of the W2PGNN feasibility estimate.
#[derive(Config, Debug)]
pub struct W2pgnnConfig {
    /// Resolution `r` of every graphon (`r × r`). Default: 1000 (the official `--r`).
    #[config(default = 1000)]
    pub resolution: usize,
    /// Adam learning rate on the mixture logits. Default: 0.05.
    #[config(default = 0.05)]
    pub lr: f64,
    /// Adam β₁. Default: 0.9.
    #[config(default = 0.9)]
    pub beta1: f64,
    /// Adam β₂. Default: 0.99.
    #[config(default = 0.99)]
    pub beta2: f64,
    /// Adam weight decay (L2 added to the gradient, as `torch.optim.Adam`). Default: 1e-5.
    #[config(default = 1e-5)]
    pub weight_decay: f64,
    /// Most Adam steps. Default: 100.
    #[config(default = 100)]
    pub epochs: usize,
    /// Steps before the early stop may trigger. Default: 30.
    #[config(default = 30)]
    pub min_epochs: usize,
    /// Rises of the loss (after `min_epochs`) that stop the fit. Default: 3.
    #[config(default = 3)]
    pub rises: usize,
    /// Clusters of the topological basis (k-means). Default: 5.
    #[config(default = 5)]
    pub clusters: usize,
    /// The coupling the `α` fit differentiates through. Default: [`FitCoupling::Exact`] (the
    /// ε → 0 limit of the official entropic solver at ε = 1e-5); a config saved without this
    /// field loads as `Exact`.
    #[config(default = "FitCoupling::Exact")]
    pub fit_coupling: FitCoupling,
    /// Entropic regularisation ε of the GW solver used in the fit with
    /// [`FitCoupling::Entropic`]. Default: 5e-3.
    #[config(default = 5e-3)]
    pub epsilon: f64,
    /// Outer iterations of the entropic GW solver. Default: 50.
    #[config(default = 50)]
    pub gw_iterations: usize,
    /// Sinkhorn iterations per outer step. Default: 1000.
    #[config(default = 1000)]
    pub sinkhorn_iterations: usize,
    /// Frank–Wolfe iterations of the exact GW score. Default: 100.
    #[config(default = 100)]
    pub exact_iterations: usize,
    /// Chambolle iterations of the TV denoising. Default: 200 (scikit-image's).
    #[config(default = 200)]
    pub tv_iterations: usize,
    /// Multiplier of the TV weight `h` (1 = the official `weight = h`). Default: 1.
    #[config(default = 1.0)]
    pub tv_scale: f64,
    /// Seed of the k-means initialisation. Default: 0.
    #[config(default = 0)]
    pub seed: u64,
    /// The graphon estimator of the bases and the downstream graphon. Default: SAS (the
    /// official default); a config saved without this field loads as SAS.
    #[config(default = "GraphonEstimator::Sas")]
    pub estimator: GraphonEstimator,
}

impl W2pgnnConfig {
    /// The CPU preset: the paper's settings at resolution 64.
    pub fn small() -> Self {
        Self::new().with_resolution(64)
    }

    /// Checks the values; errors name the offending field.
    pub fn validate(&self) -> crate::error::Result<()> {
        let bad = |what: &str| Err(GraphError::Invalid(format!("W2PGNN: {what}")));
        if self.resolution == 0 {
            return bad("resolution must be positive");
        }
        if !(self.lr > 0.0 && self.lr.is_finite()) {
            return bad("lr must be positive and finite");
        }
        if !(0.0..1.0).contains(&self.beta1) || !(0.0..1.0).contains(&self.beta2) {
            return bad("beta1 and beta2 must lie in [0, 1)");
        }
        if !(self.weight_decay >= 0.0 && self.weight_decay.is_finite()) {
            return bad("weight_decay must be non-negative and finite");
        }
        if self.epochs == 0 || self.rises == 0 {
            return bad("epochs and rises must be positive");
        }
        if self.clusters == 0 {
            return bad("clusters must be positive");
        }
        if !(self.epsilon > 0.0 && self.epsilon.is_finite()) {
            return bad("epsilon must be positive and finite");
        }
        if self.gw_iterations == 0 || self.sinkhorn_iterations == 0 || self.exact_iterations == 0 {
            return bad("gw_iterations, sinkhorn_iterations and exact_iterations must be positive");
        }
        if !(self.tv_scale >= 0.0 && self.tv_scale.is_finite()) {
            return bad("tv_scale must be non-negative and finite");
        }
        self.estimator.validate().map_err(|e| match e {
            GraphError::Invalid(why) => GraphError::Invalid(format!("W2PGNN: estimator: {why}")),
            other => other,
        })?;
        Ok(())
    }
}
