//! [`EvalProtoPNetConfig`]: the official defaults (hqhQAQ/EvalProtoPNet, `main.py` and
//! `scripts/train.sh`), the CPU preset, and `init`.

use burn::config::Config;
use burn::module::Param;
use burn::nn::conv::Conv2dConfig;
use burn::nn::{Initializer, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::nn::BackboneConfig;

use super::model::{EvalProtoPNet, SigmoidAddOn};
use crate::class_identity::class_identity;
use crate::st_protopnet::normalize_rows;

/// Configuration of an [`EvalProtoPNet`]. Defaults: 10 prototypes per class of 64 channels,
/// cluster 0.8 and separation −0.08 on cosine distances, orthogonality 1e-4, SDFA 0.5 with
/// threshold 0.1 (`scripts/train.sh`; `main.py`'s own default coefficient is 0.3), and both
/// of the paper's modules on.
#[derive(Config, Debug)]
pub struct EvalProtoPNetConfig {
    /// Number of classes `K`.
    pub num_classes: usize,
    /// Prototypes per class `m`; `K · m` in all. Default 10.
    #[config(default = 10)]
    pub prototypes_per_class: usize,
    /// Channels `D` of the latent space and of each (1×1) prototype. Default 64.
    #[config(default = 64)]
    pub prototype_dim: usize,
    /// The convolutional feature extractor: its first stage is SDFA's shallow map, its last the
    /// deep map. Default: a small CNN on RGB input.
    #[config(default = "BackboneConfig::Cnn { in_channels: 3, channels: vec![32, 64, 128] }")]
    pub backbone: BackboneConfig,
    /// Coefficient of the cluster cost (cosine distance to the closest own-class prototype).
    /// Default 0.8.
    #[config(default = 0.8)]
    pub cluster_coef: f64,
    /// Coefficient of the separation cost (cosine distance to the closest other-class
    /// prototype; negative: maximised). Default −0.08.
    #[config(default = -0.08)]
    pub separation_coef: f64,
    /// Coefficient of the orthogonality cost `Σ_c ‖P_c P_cᵀ − I‖₁`. Default 1e-4.
    #[config(default = 1e-4)]
    pub orthogonality_coef: f64,
    /// Shallow-deep feature alignment (SDFA) in the loss after warm-up. Default on.
    #[config(default = true)]
    pub sdfa: bool,
    /// Coefficient of the SDFA loss. Default 0.5.
    #[config(default = 0.5)]
    pub sdfa_coef: f64,
    /// SDFA's tolerance `τ` on `|S_deep − S_shallow|` (`consis_thresh`). Default 0.1.
    #[config(default = 0.1)]
    pub sdfa_threshold: f64,
    /// Score aggregation (SA) instead of a dense last layer. Default on.
    #[config(default = true)]
    pub sa: bool,
    /// Initial wrong-class weight of the dense last layer used without SA. Default −0.5.
    #[config(default = -0.5)]
    pub incorrect_class_connection: f64,
}

impl EvalProtoPNetConfig {
    /// The CPU preset: 5 prototypes per class of 64 channels on a 4-block CNN (16, 32, 64,
    /// 128 channels). Every block but the last halves the map, so a 64-px image gives a 32×32
    /// shallow map and an 8×8 deep grid of 8-px cells (the official 224 px give 56×56 and 7×7
    /// of 32 px): the cells are small enough to tell a creature's parts apart, and the early
    /// halving keeps 64-px training affordable on a CPU.
    pub fn small(num_classes: usize, in_channels: usize) -> Self {
        Self::new(num_classes)
            .with_prototypes_per_class(5)
            .with_backbone(BackboneConfig::Cnn { in_channels, channels: vec![16, 32, 64, 128] })
    }

    /// Total number of prototypes.
    pub fn num_prototypes(&self) -> usize {
        self.num_classes * self.prototypes_per_class
    }

    /// Builds the network: add-on convolution Kaiming-normal (fan-out, ReLU gain), bias 0;
    /// prototypes `U[0, 1)` scaled to unit length; SA weights 1; the dense last layer 1 for a
    /// prototype's own class and `incorrect_class_connection` otherwise.
    pub fn init(&self, device: &Device) -> EvalProtoPNet {
        let features = self.backbone.init(device);
        let c = features.out_channels();
        let d = self.prototype_dim;
        let m = self.num_prototypes();
        let kaiming = Initializer::KaimingNormal { gain: std::f64::consts::SQRT_2, fan_out_only: true };
        let mut conv = Conv2dConfig::new([c, d], [1, 1]).with_initializer(kaiming).init(device);
        conv.bias = conv.bias.map(|b| b.map(|t| t.zeros_like()));
        let add_on_layers = SigmoidAddOn { conv };
        let prototypes = Tensor::random([m, d], Distribution::Uniform(0.0, 1.0), device);
        let classes: Vec<usize> = (0..m).map(|j| j / self.prototypes_per_class.max(1)).collect();
        let identity = class_identity(&classes, self.num_classes, device);
        let mut last_layer = LinearConfig::new(m, self.num_classes).with_bias(false).init(device);
        let dense = identity.clone() + (identity.ones_like() - identity.clone()) * self.incorrect_class_connection;
        last_layer.weight = Param::from_tensor(dense);
        EvalProtoPNet {
            features,
            add_on_layers,
            prototype_vectors: Param::from_tensor(normalize_rows(prototypes)),
            activation_weight: Param::from_tensor(Tensor::ones([m], device)),
            last_layer,
            prototype_class_identity: Param::from_tensor(identity).set_require_grad(false),
            prototypes_per_class: self.prototypes_per_class,
            sdfa: self.sdfa,
            sa: self.sa,
            cluster_coef: self.cluster_coef,
            separation_coef: self.separation_coef,
            orthogonality_coef: self.orthogonality_coef,
            sdfa_coef: self.sdfa_coef,
            sdfa_threshold: self.sdfa_threshold,
        }
    }
}
