//! [`UniPtClassifier`]: frozen backbone → UniPT → mean pooling → linear classifier, trainable
//! by the engine (only `unipt` and `classifier` train; see [`UniPtClassifier::TRAINABLE`]).

use std::path::Path;

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use kiln_core::nn::classification_step;
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel, Trainable};

use super::config::UniPtConfig;
use super::model::UniPt;
use crate::backbone::FrozenBackbone;
use crate::error::{EfficientError, Result};

/// The frozen backbone, the parallel network and a linear classifier on the pooled output.
#[derive(Module, Debug)]
pub struct UniPtClassifier {
    /// The pretrained backbone, run without autodiff.
    pub backbone: FrozenBackbone,
    /// The parallel network.
    pub unipt: UniPt,
    /// `D → classes`.
    pub classifier: Linear,
}

impl UniPtClassifier {
    /// The module paths that train.
    pub const TRAINABLE: [&'static str; 2] = ["unipt", "classifier"];

    /// Builds UniPT for `backbone` on `channels × height × width` inputs: the stage channels
    /// come from one probe image, `configure(stage_channels)` gives the configuration
    /// (e.g. `|c| UniPtConfig::small(c, 128)`), and the probe's states are checked against it.
    ///
    /// # Errors
    /// A configuration that does not validate, or stages whose grids are not integer multiples
    /// of the last one's.
    pub fn new(
        backbone: FrozenBackbone,
        input: [usize; 3],
        configure: impl FnOnce(Vec<usize>) -> UniPtConfig,
        num_classes: usize,
        device: &Device,
    ) -> Result<Self> {
        if num_classes == 0 {
            return Err(EfficientError::config("num_classes", num_classes, "must be positive"));
        }
        let shapes = backbone.stage_shapes(input, device)?;
        let config = configure(shapes.iter().map(|s| s[0]).collect());
        let unipt = config.init(device)?;
        let probe: Vec<Tensor<4>> =
            shapes.iter().map(|&[c, h, w]| Tensor::zeros([1, c, h, w], &device.clone().inner())).collect();
        unipt.rates(&probe)?;
        Ok(Self { backbone, unipt, classifier: LinearConfig::new(config.out_dim, num_classes).init(device) })
    }

    /// The parameters that train: [`UniPtClassifier::TRAINABLE`].
    pub fn trainable() -> Trainable {
        Trainable::only(Self::TRAINABLE)
    }

    /// Number of trainable parameters (the parallel network and the classifier).
    pub fn trainable_params(&self) -> usize {
        self.unipt.num_params() + self.classifier.num_params()
    }

    /// Class scores.
    ///
    /// # Shapes
    /// `[b, c, h, w] → [b, classes]`
    ///
    /// # Errors
    /// When the backbone's states do not fit the parallel network (an input of another size
    /// than the one it was built for).
    pub fn forward(&self, images: Tensor<4>) -> Result<Tensor<2>> {
        let features = self.unipt.forward(self.backbone.hidden_states(images))?;
        let [b, d, _, _] = features.dims();
        Ok(self.classifier.forward(features.mean_dim(3).mean_dim(2).reshape([b, d])))
    }

    /// Saves the weights (burnpack) to `path`.
    ///
    /// # Errors
    /// [`EfficientError::File`] naming the file.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::weights::save(self, path)
    }

    /// Loads weights saved by [`UniPtClassifier::save`] into this (same-shaped) model. burn may
    /// read the tensors lazily from the file: keep it until the model has been used.
    ///
    /// # Errors
    /// [`EfficientError::File`] naming the file.
    pub fn load(self, path: &Path) -> Result<Self> {
        crate::weights::load(self, path)
    }
}

impl TrainModel for UniPtClassifier {
    type Batch = ImageBatch;
    type Stage = ();

    /// # Panics
    /// When the images differ in size from those the classifier was built for
    /// ([`UniPtClassifier::new`] checked that size).
    fn step(&self, batch: ImageBatch, _ctx: &StepContext) -> StepOutput {
        match self.forward(batch.images) {
            Ok(logits) => classification_step(logits, batch.targets),
            Err(e) => panic!("UniPT step: {e}"),
        }
    }
}
