//! The GLVQ module, its configuration and its engine step.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::prelude::{Bool, Device, Int, Tensor};
use burn::tensor::Distribution;
use kiln_core::train::{StepContext, StepOutput, TrainModel, VectorBatch};

use crate::attack::Scores;
use crate::cbc::euclidean_distances;
use crate::certify::Certificate;
use crate::class_identity::{class_identity, own_class_mask};

/// Configuration of [`Glvq`]: prototypes per class (enlaight's shallow baseline uses 2 per
/// class on MNIST), initialised like CBC's components, `U[0,1)/10 + 0.45`.
#[derive(Config, Debug)]
pub struct GlvqConfig {
    /// Input size `n`.
    pub input_dim: usize,
    /// Number of classes `C`.
    pub num_classes: usize,
    /// Prototypes per class. Default 2.
    #[config(default = 2)]
    pub prototypes_per_class: usize,
}

impl GlvqConfig {
    /// Builds the model; prototype `j` belongs to class `j mod C`.
    pub fn init(&self, device: &Device) -> Glvq {
        let m = self.prototypes_per_class * self.num_classes;
        let prototypes =
            Tensor::<2>::random([m, self.input_dim], Distribution::Uniform(0.0, 1.0), device) / 10.0 + 0.45;
        Glvq { prototypes: Param::from_tensor(prototypes), num_classes: self.num_classes }
    }
}

/// GLVQ: labelled prototypes compared by Euclidean distance.
#[derive(Module, Debug)]
pub struct Glvq {
    /// Prototypes `[m, n]`, clipped to `[0, 1]` after every optimiser step.
    pub prototypes: Param<Tensor<2>>,
    /// Number of classes `C`.
    pub num_classes: usize,
}

impl Glvq {
    /// `(d⁺, d⁻)`, each `[b]`: closest prototype of the label and of any other class.
    pub fn closest(&self, x: Tensor<2>, targets: Tensor<1, Int>) -> (Tensor<1>, Tensor<1>) {
        let distances = euclidean_distances(x, self.prototypes.val());
        let [b, m] = distances.dims();
        let classes: Vec<usize> = (0..m).map(|j| j % self.num_classes.max(1)).collect();
        let own: Tensor<2, Bool> =
            own_class_mask(class_identity(&classes, self.num_classes, &distances.device()), targets).greater_elem(0.5);
        let plus = distances.clone().mask_fill(own.clone().bool_not(), 1e30).min_dim(1).reshape([b]);
        let minus = distances.mask_fill(own, 1e30).min_dim(1).reshape([b]);
        (plus, minus)
    }

    /// GLVQ's loss `mean (d⁺ − d⁻) / (d⁺ + d⁻ + 1e-8)`.
    pub fn loss(&self, x: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
        let (plus, minus) = self.closest(x, targets);
        ((plus.clone() - minus.clone()) / (plus + minus + 1e-8)).mean()
    }
}

impl Scores for Glvq {
    /// `−min_{j of class c} ‖x − w_j‖₂`, `[b, C]`.
    fn scores(&self, x: Tensor<2>) -> Tensor<2> {
        let distances = euclidean_distances(x, self.prototypes.val());
        let [b, m] = distances.dims();
        let c = self.num_classes.max(1);
        distances.reshape([b, m / c, c]).min_dim(1).reshape([b, c]).neg()
    }
}

impl Certificate for Glvq {
    /// `(d⁻ − d⁺) / 2` for the predicted class.
    fn certified_radius(&self, x: Tensor<2>) -> Tensor<1> {
        let predicted = self.scores(x.clone()).argmax(1).squeeze_dim::<1>(1);
        let (plus, minus) = self.closest(x, predicted);
        (minus - plus) / 2.0
    }
}

impl TrainModel for Glvq {
    type Batch = VectorBatch;
    type Stage = ();

    fn step(&self, batch: VectorBatch, _ctx: &StepContext) -> StepOutput {
        let loss = self.loss(batch.features.clone(), batch.targets.clone());
        StepOutput::classification(loss, self.scores(batch.features), batch.targets)
    }

    fn after_optimizer_step(mut self) -> Self {
        self.prototypes = crate::cbc::clip_unit(self.prototypes);
        self
    }
}
