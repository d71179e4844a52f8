//! [`StProtoPNetConfig`]: defaults of the official code (cwangrun/ST-ProtoPNet, cropped
//! variant, `settings_CUB_CAR.py`).

use burn::config::Config;
use burn::module::Param;
use burn::nn::conv::Conv2dConfig;
use burn::nn::{Initializer, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::nn::BackboneConfig;

use super::model::{PrototypeBranch, StProtoPNet, TanhAddOn, normalize_rows};
use crate::class_identity::class_identity;

/// Configuration of an [`StProtoPNet`]: 5 prototypes per class and branch, 64 channels, loss
/// coefficients cluster −0.8, separation +0.08 (trivial) / +0.48 (support), closeness 1,
/// discrimination 1, orthogonality 1e-3, L1 1e-4.
#[derive(Config, Debug)]
pub struct StProtoPNetConfig {
    /// Number of classes `K`.
    pub num_classes: usize,
    /// Prototypes per class in each branch. Default 5.
    #[config(default = 5)]
    pub prototypes_per_class: usize,
    /// Latent channels `D`. Default 64.
    #[config(default = 64)]
    pub prototype_dim: usize,
    /// Backbone. Default: small CNN on RGB input.
    #[config(default = "BackboneConfig::Cnn { in_channels: 3, channels: vec![32, 64, 128] }")]
    pub backbone: BackboneConfig,
    /// Cluster-cost coefficient (negative: the own-class similarity is maximised). Default −0.8.
    #[config(default = -0.8)]
    pub cluster_coef: f64,
    /// Separation coefficient of the trivial branch. Default 0.08.
    #[config(default = 0.08)]
    pub separation_trivial_coef: f64,
    /// Separation coefficient of the support branch. Default 0.48.
    #[config(default = 0.48)]
    pub separation_support_coef: f64,
    /// Closeness coefficient (support prototypes). Default 1.
    #[config(default = 1.0)]
    pub closeness_coef: f64,
    /// Discrimination coefficient (trivial prototypes). Default 1.
    #[config(default = 1.0)]
    pub discrimination_coef: f64,
    /// Orthogonality coefficient (each branch). Default 1e-3.
    #[config(default = 1e-3)]
    pub orthogonality_coef: f64,
    /// L1 coefficient on wrong-class last-layer weights. Default 1e-4.
    #[config(default = 1e-4)]
    pub l1_coef: f64,
    /// Initial wrong-class connection of the last layers. Default −0.5.
    #[config(default = -0.5)]
    pub incorrect_class_connection: f64,
}

impl StProtoPNetConfig {
    /// A small preset for 32–64 px images: 3 prototypes per class and branch, CNN backbone.
    pub fn small(num_classes: usize, in_channels: usize) -> Self {
        Self::new(num_classes)
            .with_prototypes_per_class(3)
            .with_backbone(BackboneConfig::Cnn { in_channels, channels: vec![32, 64, 128] })
    }

    /// Builds the network: both prototype sets `U[0,1)` normalised to unit length, last layers
    /// 1 / `incorrect_class_connection`.
    pub fn init(&self, device: &Device) -> StProtoPNet {
        let features = self.backbone.init(device);
        let c = features.out_channels();
        let m = self.num_classes * self.prototypes_per_class;
        let classes: Vec<usize> = (0..m).map(|j| j / self.prototypes_per_class).collect();
        let identity = class_identity(&classes, self.num_classes, device);
        let last_weight =
            identity.clone() + (identity.ones_like() - identity.clone()) * self.incorrect_class_connection;
        let branch = || {
            let kaiming = Initializer::KaimingNormal { gain: std::f64::consts::SQRT_2, fan_out_only: true };
            let d = self.prototype_dim;
            let mut last_layer = LinearConfig::new(m, self.num_classes).with_bias(false).init(device);
            last_layer.weight = Param::from_tensor(last_weight.clone());
            PrototypeBranch {
                add_on_layers: TanhAddOn {
                    conv1: Conv2dConfig::new([c, d], [1, 1]).with_initializer(kaiming.clone()).init(device),
                    conv2: Conv2dConfig::new([d, d], [1, 1]).with_initializer(kaiming).init(device),
                },
                prototype_vectors: Param::from_tensor(normalize_rows(Tensor::random(
                    [m, d],
                    Distribution::Uniform(0.0, 1.0),
                    device,
                ))),
                last_layer,
            }
        };
        StProtoPNet {
            features,
            trivial: branch(),
            support: branch(),
            prototype_class_identity: Param::from_tensor(identity).set_require_grad(false),
            prototypes_per_class: self.prototypes_per_class,
            cluster_coef: self.cluster_coef,
            separation_trivial_coef: self.separation_trivial_coef,
            separation_support_coef: self.separation_support_coef,
            closeness_coef: self.closeness_coef,
            discrimination_coef: self.discrimination_coef,
            orthogonality_coef: self.orthogonality_coef,
            l1_coef: self.l1_coef,
        }
    }
}
