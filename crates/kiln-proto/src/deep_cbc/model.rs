//! The deep CBC network: backbone, softmax over channels, global max-pool, CBC head.

use burn::module::Module;
use burn::prelude::{Int, Tensor};
use burn::tensor::activation::softmax;
use kiln_core::nn::Backbone;
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel};

use super::head::CbcHead;
use crate::cbc::loss::margin_loss;

/// Deep CBC (si-cim/cbc-aaai-2025 `CBCNet` with `cbc_head`): the backbone's channels are the
/// components, detected by a softmax over channels and a global max-pool, and reasoned about
/// by a [`CbcHead`].
#[derive(Module, Debug)]
pub struct DeepCbc {
    /// Feature extractor; `K` = its output channels.
    pub backbone: Backbone,
    /// The reasoning head.
    pub head: CbcHead,
    /// Margin of the loss `ReLU(p⁻ − p⁺ + margin)`.
    pub margin: f64,
    /// Detections below this are set to 0 in evaluation.
    pub inference_threshold: f64,
}

impl DeepCbc {
    /// Number of components `K`.
    pub fn num_components(&self) -> usize {
        self.head.num_components()
    }

    /// Per-position component probabilities `softmax_k f(x)_{·,h,w}`, `[b, K, H, W]`.
    pub fn component_maps(&self, images: Tensor<4>) -> Tensor<4> {
        softmax(self.backbone.features(images), 1)
    }

    /// Detections `d_k(x) = max_{h,w}` of [`Self::component_maps`], `[b, K]`, in `[0, 1]`.
    pub fn detections(&self, images: Tensor<4>) -> Tensor<2> {
        let maps = self.component_maps(images);
        let [b, k, h, w] = maps.dims();
        maps.reshape([b, k, h * w]).max_dim(2).reshape([b, k])
    }

    /// Detections with those below the inference threshold set to 0 (official inference).
    pub fn inference_detections(&self, images: Tensor<4>) -> Tensor<2> {
        let d = self.detections(images);
        let low = d.clone().lower_elem(self.inference_threshold);
        d.mask_fill(low, 0.0)
    }

    /// Class probabilities `[b, C]` as trained (no threshold).
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        self.head.forward(self.detections(images))
    }

    /// Class probabilities `[b, C]` at inference (detections below the threshold ignored).
    pub fn predict(&self, images: Tensor<4>) -> Tensor<2> {
        self.head.forward(self.inference_detections(images))
    }

    /// Mean margin loss of class probabilities `[b, C]`.
    pub fn loss(&self, probabilities: Tensor<2>, targets: Tensor<1, Int>) -> Tensor<1> {
        margin_loss(probabilities, targets, self.margin)
    }
}

impl TrainModel for DeepCbc {
    type Batch = ImageBatch;
    type Stage = ();

    /// Training: the margin loss on [`DeepCbc::forward`]; evaluation: on [`DeepCbc::predict`].
    fn step(&self, batch: ImageBatch, ctx: &StepContext) -> StepOutput {
        let probabilities = if ctx.training { self.forward(batch.images) } else { self.predict(batch.images) };
        let loss = self.loss(probabilities.clone(), batch.targets.clone());
        StepOutput::classification(loss, probabilities, batch.targets)
    }
}
