//! The ProtoPNet module and its forward pass.

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::nn::conv::Conv2d;
use burn::prelude::{Tensor, TensorData};
use burn::tensor::activation::{relu, sigmoid};
use kiln_core::nn::Backbone;

use crate::similarity::{l2_distances, log_similarity, spatial_min};

/// The add-on layers ("regular" in the official code): `Conv1×1 → ReLU → Conv1×1 → Sigmoid`,
/// mapping backbone features into the latent space `[0, 1]^D` where prototypes live.
#[derive(Module, Debug)]
pub struct AddOnLayers {
    /// First 1×1 convolution, `C → D`.
    pub conv1: Conv2d,
    /// Second 1×1 convolution, `D → D`.
    pub conv2: Conv2d,
}

impl AddOnLayers {
    /// # Shapes
    /// `[b, C, H, W] → [b, D, H, W]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        sigmoid(self.conv2.forward(relu(self.conv1.forward(x))))
    }
}

/// ProtoPNet (Chen et al., "This Looks Like That: Deep Learning for Interpretable Image
/// Recognition", NeurIPS 2019).
///
/// `x → f(x) = Z ∈ [0,1]^{D×H×W}` (backbone + add-on layers); for each prototype `p_j`,
/// `d_j = min_{z∈patches(Z)} ‖z − p_j‖²` and similarity `s_j = log((d_j + 1)/(d_j + ε))`;
/// logits `= W s` with `W ∈ R^{K×m}` (the last layer, no bias).
#[derive(Module, Debug)]
pub struct ProtoPNet {
    /// Backbone feature extractor.
    pub features: Backbone,
    /// Add-on layers into the latent space.
    pub add_on_layers: AddOnLayers,
    /// Prototypes `[m, D]` (1×1 patches of the latent space).
    pub prototype_vectors: Param<Tensor<2>>,
    /// Class identity `[m, K]` (never trained).
    pub prototype_class_identity: Param<Tensor<2>>,
    /// Last layer `m → K`; burn stores its weight as `[m, K]`.
    pub last_layer: Linear,
    /// ε of the similarity.
    pub epsilon: f64,
    /// Loss coefficient of the cross-entropy.
    pub cross_entropy_coef: f64,
    /// Loss coefficient of the cluster cost.
    pub cluster_coef: f64,
    /// Loss coefficient of the separation cost.
    pub separation_coef: f64,
    /// Loss coefficient of the L1 penalty.
    pub l1_coef: f64,
}

/// Everything the forward pass computes.
#[derive(Debug, Clone)]
pub struct ProtoPNetOutput {
    /// `[b, K]`.
    pub logits: Tensor<2>,
    /// Minimum distance of each prototype to the image's patches, `[b, m]`.
    pub min_distances: Tensor<2>,
    /// Similarity `log((d+1)/(d+ε))` of the closest patch, `[b, m]`.
    pub similarities: Tensor<2>,
    /// Distance of each prototype to each patch, `[b, m, H, W]`.
    pub distance_maps: Tensor<4>,
}

impl ProtoPNet {
    /// The latent map `Z = add_on(features(x))`.
    ///
    /// # Shapes
    /// `[b, c, h, w] → [b, D, H, W]`
    pub fn latent(&self, x: Tensor<4>) -> Tensor<4> {
        self.add_on_layers.forward(self.features.features(x))
    }

    /// The forward pass.
    ///
    /// # Shapes
    /// `[b, c, h, w]` → logits `[b, K]`, distances `[b, m]`, maps `[b, m, H, W]`
    pub fn forward(&self, x: Tensor<4>) -> ProtoPNetOutput {
        let distance_maps = l2_distances(self.latent(x), self.prototype_vectors.val());
        let min_distances = spatial_min(distance_maps.clone());
        let similarities = log_similarity(min_distances.clone(), self.epsilon);
        let logits = self.last_layer.forward(similarities.clone());
        ProtoPNetOutput { logits, min_distances, similarities, distance_maps }
    }

    /// Number of prototypes `m`.
    pub fn num_prototypes(&self) -> usize {
        self.prototype_vectors.dims()[0]
    }

    /// Number of classes `K`.
    pub fn num_classes(&self) -> usize {
        self.prototype_class_identity.dims()[1]
    }

    /// Latent channels `D`.
    pub fn prototype_dim(&self) -> usize {
        self.prototype_vectors.dims()[1]
    }

    /// The class of each prototype.
    pub fn prototype_classes(&self) -> Vec<usize> {
        let k = self.num_classes();
        let identity = kiln_core::tensor::to_vec(self.prototype_class_identity.val());
        identity.chunks(k.max(1)).map(|row| row.iter().position(|&v| v > 0.5).unwrap_or(0)).collect()
    }

    /// Sets the last layer to 1 for each prototype's own class and `value` elsewhere
    /// (`set_last_layer_incorrect_connection` in the official code; −0.5 by default).
    pub fn set_last_layer_incorrect_connection(&mut self, value: f64) {
        let identity = self.prototype_class_identity.val();
        let weight = identity.clone() + (identity.ones_like() - identity) * value;
        let device = weight.device();
        let data: TensorData = weight.into_data();
        let tensor = Tensor::from_data(data, &device);
        self.last_layer.weight = Param::from_tensor(tensor);
    }
}
