//! The EvalProtoPNet module and its forward pass.

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::nn::conv::Conv2d;
use burn::prelude::Tensor;
use burn::tensor::activation::{sigmoid, softmax};
use kiln_core::nn::Backbone;

use crate::similarity::{cosine_similarities, projection_similarities, spatial_max};

/// The add-on layers of the official `'regular'` type: `Conv1×1 (C → D) → Sigmoid`.
#[derive(Module, Debug)]
pub struct SigmoidAddOn {
    /// The 1×1 convolution.
    pub conv: Conv2d,
}

impl SigmoidAddOn {
    /// # Shapes
    /// `[b, C, H, W] → [b, D, H, W]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        sigmoid(self.conv.forward(x))
    }
}

/// EvalProtoPNet's network (Huang, Zhang, Chen, Wang, Cao: "Evaluation and Improvement of
/// Interpretability for Self-Explainable Part-Prototype Networks", ICCV 2023): a backbone, a
/// sigmoid add-on layer into a `D`-dimensional latent space `Z`, unit prototypes compared by
/// TesNet's projection `s_j = max_{z ∈ Z} ⟨z, p_j/‖p_j‖⟩`, and the logits by score aggregation
/// (SA): `logit_c = Σ_{j ∈ P_c} w_j s_j` with `w = m · softmax(a_{P_c})` over the class's own
/// `m` prototypes — no weight from a prototype to another class. Without SA, a dense last layer
/// `W s` (ProtoPNet's, 1 own class / −0.5 others).
#[derive(Module, Debug)]
pub struct EvalProtoPNet {
    /// Backbone; its first stage is SDFA's shallow map, its last the deep map.
    pub features: Backbone,
    /// Add-on layer into the latent space.
    pub add_on_layers: SigmoidAddOn,
    /// Prototypes `[K·m, D]`, kept at unit length; class `c` owns rows `c·m .. (c+1)·m`.
    pub prototype_vectors: Param<Tensor<2>>,
    /// SA's logits `a` `[K·m]` (`activation_weight`, initialised to 1).
    pub activation_weight: Param<Tensor<1>>,
    /// The dense last layer used without SA (weight `[K·m, K]`, no bias); no phase trains it.
    pub last_layer: Linear,
    /// Class identity `[K·m, K]` (never trained).
    pub prototype_class_identity: Param<Tensor<2>>,
    /// Prototypes per class `m`.
    pub prototypes_per_class: usize,
    /// Whether the loss adds SDFA after warm-up.
    pub sdfa: bool,
    /// Whether the logits come from SA (else from the dense last layer).
    pub sa: bool,
    /// Cluster coefficient.
    pub cluster_coef: f64,
    /// Separation coefficient.
    pub separation_coef: f64,
    /// Orthogonality coefficient.
    pub orthogonality_coef: f64,
    /// SDFA coefficient.
    pub sdfa_coef: f64,
    /// SDFA tolerance `τ`.
    pub sdfa_threshold: f64,
}

/// Everything the forward pass computes.
#[derive(Debug, Clone)]
pub struct EvalProtoPNetOutput {
    /// `[b, K]`.
    pub logits: Tensor<2>,
    /// Max-pooled projections `s_j`, `[b, K·m]` (what the logits aggregate).
    pub projections: Tensor<2>,
    /// Max-pooled cosine similarities `max_z cos(z, p_j)`, `[b, K·m]` (cluster, separation).
    pub cosines: Tensor<2>,
    /// Projection maps `[b, K·m, H, W]` (the activation maps; SDFA takes their argmax).
    pub projection_maps: Tensor<4>,
    /// The backbone's first stage `[b, C_s, H_s, W_s]`.
    pub shallow: Tensor<4>,
    /// The backbone's last stage `[b, C, H, W]`, before the add-on layer.
    pub deep: Tensor<4>,
}

/// Score aggregation (`forward_SA_module`): `logit_c = Σ_{j ∈ P_c} w_j s_j` with
/// `w_{P_c} = m · softmax(a_{P_c})`, prototypes of a class contiguous.
///
/// # Shapes
/// `weights [K·m]`, `similarities [b, K·m]` → `[b, K]`
pub fn score_aggregation(weights: Tensor<1>, similarities: Tensor<2>, per_class: usize) -> Tensor<2> {
    let [b, total] = similarities.dims();
    let m = per_class.max(1);
    let k = total / m;
    let w = softmax(weights.reshape([k, m]), 1) * (m as f64);
    (similarities.reshape([b, k, m]) * w.unsqueeze::<3>()).sum_dim(2).reshape([b, k])
}

impl EvalProtoPNet {
    /// The forward pass.
    ///
    /// # Shapes
    /// `[b, c, h, w]` → logits `[b, K]`, similarities `[b, K·m]`, maps `[b, K·m, H, W]`
    pub fn forward(&self, x: Tensor<4>) -> EvalProtoPNetOutput {
        let stages = self.features.stages(x.clone());
        // A backbone without stages passes its input through (`features` does the same).
        let deep = stages.last().cloned().unwrap_or(x);
        let shallow = stages.first().cloned().unwrap_or_else(|| deep.clone());
        let latent = self.add_on_layers.forward(deep.clone());
        let prototypes = self.prototype_vectors.val();
        let projection_maps = projection_similarities(latent.clone(), prototypes.clone());
        let projections = spatial_max(projection_maps.clone());
        let cosines = spatial_max(cosine_similarities(latent, prototypes));
        let logits = self.aggregate(projections.clone());
        EvalProtoPNetOutput { logits, projections, cosines, projection_maps, shallow, deep }
    }

    /// The logits from the max-pooled projections: SA, or the dense last layer.
    pub fn aggregate(&self, projections: Tensor<2>) -> Tensor<2> {
        if self.sa {
            score_aggregation(self.activation_weight.val(), projections, self.prototypes_per_class)
        } else {
            self.last_layer.forward(projections)
        }
    }

    /// The activation maps `⟨z, p_j/‖p_j‖⟩` of every prototype (`push_forward`).
    ///
    /// # Shapes
    /// `[b, c, h, w] → [b, K·m, H, W]`
    pub fn activation_maps(&self, x: Tensor<4>) -> Tensor<4> {
        let latent = self.add_on_layers.forward(self.features.features(x));
        projection_similarities(latent, self.prototype_vectors.val())
    }

    /// Number of classes `K`.
    pub fn num_classes(&self) -> usize {
        self.prototype_class_identity.dims()[1]
    }

    /// Number of prototypes `K·m`.
    pub fn num_prototypes(&self) -> usize {
        self.prototype_vectors.dims()[0]
    }

    /// The class of each prototype.
    pub fn prototype_classes(&self) -> Vec<usize> {
        (0..self.num_prototypes()).map(|j| j / self.prototypes_per_class.max(1)).collect()
    }
}
