//! [`PeNetConfig`]: the official sizes (`roi_relation_predictors.py`: `mlp_dim = 2048`,
//! `embed_dim = 300`, `dropout_p = 0.2`, `logit_scale = log(1/0.07)`, `gamma1 = 1`, `k1 = 10`,
//! `gamma2 = 7`) and a CPU preset.

use burn::config::Config;
use burn::prelude::Device;

use super::model::PeNet;
use crate::error::GraphError;

/// Configuration of a [`PeNet`] predicate classifier (PredCls) and of its losses.
///
/// Widths, with `m = mlp_dim`: `W_{s,o,p}: word → m/2 → m`; `h: m → 2m → m`; entity features
/// `entity_dim → 2m` (split into `x_s`, `x_o`); union features `union_dim → m → m`; gates
/// `2m → m`; projection head `m → m → 2m`.
#[derive(Config, Debug)]
pub struct PeNetConfig {
    /// Object classes.
    pub objects: usize,
    /// Predicate classes, background (index 0, "no relation") included, as in the official
    /// code (51 on VG150).
    pub predicates: usize,
    /// Width of the class word vectors `t`. Default: 300 (GloVe).
    #[config(default = 300)]
    pub word_dim: usize,
    /// `PENET_MLP_DIM` (hard-coded 2048 in the official predictor). Default: 2048.
    #[config(default = 2048)]
    pub mlp_dim: usize,
    /// Width of an entity's visual feature `x` (the ROI feature). Default: 4096.
    #[config(default = 4096)]
    pub entity_dim: usize,
    /// Width of a pair's union-box feature `x_u` (`CONTEXT_POOLING_DIM`). Default: 4096.
    #[config(default = 4096)]
    pub union_dim: usize,
    /// Dropout everywhere (`PENET_DROPOUT`). Default: 0.2.
    #[config(default = 0.2)]
    pub dropout: f64,
    /// Initial logit scale ℓ₀, logits `= cos · exp(ℓ)`. Default: `ln(1/0.07)`.
    #[config(default = 2.659_260_036_932_778)]
    pub logit_scale: f64,
    /// Margin γ₁ of the relation–prototype Euclidean loss. Default: 1.
    #[config(default = 1.0)]
    pub relation_margin: f64,
    /// Nearest negatives k₁ averaged in the relation–prototype loss. Default: 10.
    #[config(default = 10)]
    pub negatives: usize,
    /// Margin γ₂ of the prototype-distance regulariser. Default: 7.
    #[config(default = 7.0)]
    pub prototype_margin: f64,
    /// Weight of the cross-entropy. Default: 1.
    #[config(default = 1.0)]
    pub ce_weight: f64,
    /// Weight of the relation–prototype Euclidean loss. Default: 1.
    #[config(default = 1.0)]
    pub euclidean_weight: f64,
    /// Weight of the `‖S‖₂,₁/K²` regulariser. Default: 1.
    #[config(default = 1.0)]
    pub l21_weight: f64,
    /// Weight of the prototype-distance regulariser. Default: 1.
    #[config(default = 1.0)]
    pub distance_weight: f64,
}

impl PeNetConfig {
    /// The CPU preset: word vectors of 32, `mlp_dim` 128 (so `W: 32 → 64 → 128`,
    /// `h: 128 → 256 → 128`), entity and union features of 64.
    pub fn small(objects: usize, predicates: usize) -> Self {
        Self::new(objects, predicates).with_word_dim(32).with_mlp_dim(128).with_entity_dim(64).with_union_dim(64)
    }

    /// Checks the sizes; errors name the offending field.
    pub fn validate(&self) -> crate::error::Result<()> {
        let bad = |what: &str| Err(GraphError::Invalid(format!("PE-Net: {what}")));
        if self.objects == 0 || self.predicates < 2 {
            return bad("objects must be positive and predicates at least 2 (background included)");
        }
        if self.word_dim == 0 || self.mlp_dim < 2 || self.entity_dim == 0 || self.union_dim == 0 {
            return bad("word_dim, entity_dim and union_dim must be positive and mlp_dim at least 2");
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return bad("dropout must lie in [0, 1)");
        }
        if self.negatives == 0 || !self.logit_scale.is_finite() {
            return bad("negatives must be positive and logit_scale finite");
        }
        let weights = [self.ce_weight, self.euclidean_weight, self.l21_weight, self.distance_weight];
        if weights.iter().chain([&self.relation_margin, &self.prototype_margin]).any(|w| !(w.is_finite() && *w >= 0.0))
        {
            return bad("loss weights and margins must be finite and non-negative");
        }
        Ok(())
    }

    /// The model, with random word vectors (set them with [`PeNet::with_word_vectors`]).
    pub fn init(&self, device: &Device) -> crate::error::Result<PeNet> {
        self.validate()?;
        Ok(PeNet::new(self, device))
    }
}
