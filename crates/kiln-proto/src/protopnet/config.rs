//! [`ProtoPNetConfig`]: the paper's defaults, small-scale presets, and `init`.

use burn::config::Config;
use burn::module::Param;
use burn::nn::conv::Conv2dConfig;
use burn::nn::{Initializer, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::nn::BackboneConfig;

use super::model::{AddOnLayers, ProtoPNet};
use crate::class_identity::class_identity;

/// Configuration of a [`ProtoPNet`]. Defaults follow the official code (cfchen-duke/ProtoPNet,
/// `settings.py`): 10 prototypes per class, 128 channels, ε = 1e-4, loss coefficients
/// CE 1, cluster 0.8, separation −0.08, L1 1e-4, wrong-class connections −0.5.
#[derive(Config, Debug)]
pub struct ProtoPNetConfig {
    /// Number of classes `K`.
    pub num_classes: usize,
    /// Prototypes per class; `m = K · prototypes_per_class`. Default 10.
    #[config(default = 10)]
    pub prototypes_per_class: usize,
    /// Channels `D` of the latent space and of each (1×1) prototype. Default 128.
    #[config(default = 128)]
    pub prototype_dim: usize,
    /// The convolutional feature extractor. Default: a small CNN on RGB input.
    #[config(default = "BackboneConfig::Cnn { in_channels: 3, channels: vec![32, 64, 128] }")]
    pub backbone: BackboneConfig,
    /// ε of the similarity `log((d + 1)/(d + ε))`. Default 1e-4.
    #[config(default = 1e-4)]
    pub epsilon: f64,
    /// Coefficient of the cross-entropy. Default 1.
    #[config(default = 1.0)]
    pub cross_entropy_coef: f64,
    /// Coefficient of the cluster cost. Default 0.8.
    #[config(default = 0.8)]
    pub cluster_coef: f64,
    /// Coefficient of the separation cost (negative: separation is maximised). Default −0.08.
    #[config(default = -0.08)]
    pub separation_coef: f64,
    /// Coefficient of the L1 penalty on wrong-class last-layer weights. Default 1e-4.
    #[config(default = 1e-4)]
    pub l1_coef: f64,
    /// Initial weight of a prototype's connection to the other classes. Default −0.5.
    #[config(default = -0.5)]
    pub incorrect_class_connection: f64,
}

impl ProtoPNetConfig {
    /// A small preset for 32–64 px images and few classes: 5 prototypes per class of 64
    /// channels, CNN backbone with 3 blocks (32, 64, 128 channels).
    pub fn small(num_classes: usize, in_channels: usize) -> Self {
        Self::new(num_classes)
            .with_prototypes_per_class(5)
            .with_prototype_dim(64)
            .with_backbone(BackboneConfig::Cnn { in_channels, channels: vec![32, 64, 128] })
    }

    /// Total number of prototypes `m`.
    pub fn num_prototypes(&self) -> usize {
        self.num_classes * self.prototypes_per_class
    }

    /// Builds the network: prototypes `U[0, 1)` (the range of the sigmoid latent space), add-on
    /// layers Kaiming-normal, last layer 1 for a prototype's own class and
    /// `incorrect_class_connection` otherwise.
    pub fn init(&self, device: &Device) -> ProtoPNet {
        let features = self.backbone.init(device);
        let c = features.out_channels();
        let d = self.prototype_dim;
        let kaiming = Initializer::KaimingNormal { gain: std::f64::consts::SQRT_2, fan_out_only: true };
        let add_on_layers = AddOnLayers {
            conv1: Conv2dConfig::new([c, d], [1, 1]).with_initializer(kaiming.clone()).init(device),
            conv2: Conv2dConfig::new([d, d], [1, 1]).with_initializer(kaiming).init(device),
        };
        let m = self.num_prototypes();
        let prototype_vectors = Param::from_tensor(Tensor::random([m, d], Distribution::Uniform(0.0, 1.0), device));
        let classes: Vec<usize> = (0..m).map(|j| j / self.prototypes_per_class).collect();
        let identity = class_identity(&classes, self.num_classes, device);
        let last_layer = LinearConfig::new(m, self.num_classes).with_bias(false).init(device);
        let mut model = ProtoPNet {
            features,
            add_on_layers,
            prototype_vectors,
            prototype_class_identity: Param::from_tensor(identity).set_require_grad(false),
            last_layer,
            epsilon: self.epsilon,
            cross_entropy_coef: self.cross_entropy_coef,
            cluster_coef: self.cluster_coef,
            separation_coef: self.separation_coef,
            l1_coef: self.l1_coef,
        };
        model.set_last_layer_incorrect_connection(self.incorrect_class_connection);
        model
    }
}
