//! The ST-ProtoPNet module: a shared backbone and two prototype branches, trivial and support.

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::nn::conv::Conv2d;
use burn::prelude::Tensor;
use burn::tensor::activation::tanh;
use kiln_core::nn::Backbone;

use crate::similarity::{cosine_similarities, projection_similarities, spatial_max};

/// Add-on layers of the cropped variant: `Conv1×1 → Tanh → Conv1×1 → Tanh`.
#[derive(Module, Debug)]
pub struct TanhAddOn {
    /// `C → D`.
    pub conv1: Conv2d,
    /// `D → D`.
    pub conv2: Conv2d,
}

impl TanhAddOn {
    /// # Shapes
    /// `[b, C, H, W] → [b, D, H, W]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        tanh(self.conv2.forward(tanh(self.conv1.forward(x))))
    }
}

/// One prototype set with its add-on layers and last layer.
#[derive(Module, Debug)]
pub struct PrototypeBranch {
    /// Add-on layers into this branch's latent space.
    pub add_on_layers: TanhAddOn,
    /// Prototypes `[m, D]`, kept at unit length.
    pub prototype_vectors: Param<Tensor<2>>,
    /// Last layer `m → K` (weight `[m, K]`, no bias).
    pub last_layer: Linear,
}

/// A branch's forward pass.
#[derive(Debug, Clone)]
pub struct BranchOutput {
    /// `[b, K]` from the max-pooled projection similarities.
    pub logits: Tensor<2>,
    /// `max_patches ⟨z, p_j/‖p_j‖⟩`, `[b, m]` (TesNet's projection, feeds the last layer).
    pub projections: Tensor<2>,
    /// `max_patches cos(z, p_j)`, `[b, m]` (feeds the cluster and separation costs).
    pub cosines: Tensor<2>,
    /// Projection maps `[b, m, H, W]`.
    pub projection_maps: Tensor<4>,
}

/// Rows scaled to unit L2 norm (`F.normalize(p, dim=1)`).
pub fn normalize_rows(x: Tensor<2>) -> Tensor<2> {
    let norm = x.clone().powi_scalar(2).sum_dim(1).sqrt().clamp_min(1e-12);
    x / norm
}

/// A prototype parameter with its rows set to unit length (`p.data = F.normalize(p, dim=1)`
/// after an optimiser step), keeping whether it trains.
pub fn renormalized(prototypes: Param<Tensor<2>>) -> Param<Tensor<2>> {
    prototypes.map(|p| {
        let trainable = p.is_require_grad();
        let unit = normalize_rows(p).detach();
        if trainable { unit.require_grad() } else { unit }
    })
}

impl PrototypeBranch {
    /// The branch on backbone features `[b, C, H, W]`.
    pub fn forward(&self, features: Tensor<4>) -> BranchOutput {
        let latent = self.add_on_layers.forward(features);
        let prototypes = self.prototype_vectors.val();
        let projection_maps = projection_similarities(latent.clone(), prototypes.clone());
        let projections = spatial_max(projection_maps.clone());
        let cosines = spatial_max(cosine_similarities(latent, prototypes));
        let logits = self.last_layer.forward(projections.clone());
        BranchOutput { logits, projections, cosines, projection_maps }
    }

    /// The branch's latent map.
    pub fn latent(&self, features: Tensor<4>) -> Tensor<4> {
        self.add_on_layers.forward(features)
    }

    /// This branch with its prototypes renormalised to unit length.
    pub fn renormalized(mut self) -> Self {
        self.prototype_vectors = renormalized(self.prototype_vectors);
        self
    }
}

/// ST-ProtoPNet (Wang, Liu, Chen, Tian, Reid, Carneiro: "Learning Support and Trivial
/// Prototypes for Interpretable Image Classification", ICCV 2023), the cropped variant of
/// cwangrun/ST-ProtoPNet: trivial prototypes (far from the decision boundary) and support
/// prototypes (near it, like an SVM's support vectors), each set with its own add-on layers and
/// last layer over a shared backbone; the prediction is `argmax(logits_trivial + logits_support)`.
#[derive(Module, Debug)]
pub struct StProtoPNet {
    /// Shared backbone.
    pub features: Backbone,
    /// Trivial prototypes.
    pub trivial: PrototypeBranch,
    /// Support prototypes.
    pub support: PrototypeBranch,
    /// Class identity `[m, K]` of both sets (never trained).
    pub prototype_class_identity: Param<Tensor<2>>,
    /// Prototypes per class in each branch.
    pub prototypes_per_class: usize,
    /// Cluster coefficient.
    pub cluster_coef: f64,
    /// Separation coefficient, trivial branch.
    pub separation_trivial_coef: f64,
    /// Separation coefficient, support branch.
    pub separation_support_coef: f64,
    /// Closeness coefficient.
    pub closeness_coef: f64,
    /// Discrimination coefficient.
    pub discrimination_coef: f64,
    /// Orthogonality coefficient.
    pub orthogonality_coef: f64,
    /// L1 coefficient.
    pub l1_coef: f64,
}

/// Both branches' outputs and the fused logits.
#[derive(Debug, Clone)]
pub struct StProtoPNetOutput {
    /// Trivial branch.
    pub trivial: BranchOutput,
    /// Support branch.
    pub support: BranchOutput,
    /// `logits_trivial + logits_support`, `[b, K]`.
    pub logits: Tensor<2>,
}

impl StProtoPNet {
    /// The forward pass of both branches.
    pub fn forward(&self, x: Tensor<4>) -> StProtoPNetOutput {
        let features = self.features.features(x);
        let trivial = self.trivial.forward(features.clone());
        let support = self.support.forward(features);
        let logits = trivial.logits.clone() + support.logits.clone();
        StProtoPNetOutput { trivial, support, logits }
    }

    /// Number of classes `K`.
    pub fn num_classes(&self) -> usize {
        self.prototype_class_identity.dims()[1]
    }

    /// The class of each prototype (the same in both sets).
    pub fn prototype_classes(&self) -> Vec<usize> {
        let m = self.prototype_class_identity.dims()[0];
        (0..m).map(|j| j / self.prototypes_per_class.max(1)).collect()
    }
}
