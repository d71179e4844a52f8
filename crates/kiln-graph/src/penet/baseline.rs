//! [`LinearHead`]: the baseline, a linear softmax classifier over the same inputs PE-Net sees,
//! `z = W [t_s ‖ t_o ‖ x_s ‖ x_o ‖ x_u] + b`, trained with cross-entropy alone.

use burn::module::{Module, Param};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::Distribution;
use kiln_core::nn::classification_step;
use kiln_core::train::{StepContext, StepOutput, TrainModel};

use super::config::PeNetConfig;
use super::model::PairBatch;
use crate::error::{GraphError, Result};

/// The linear softmax baseline.
#[derive(Module, Debug)]
pub struct LinearHead {
    /// Object-class word vectors `[objects, word]` (trained, like PE-Net's).
    pub object_words: Param<Tensor<2>>,
    /// `2 word + 2 entity_dim + union_dim → predicates`.
    pub head: Linear,
}

impl LinearHead {
    /// The baseline for the sizes of `config` (its MLP widths and loss settings are unused).
    pub fn new(config: &PeNetConfig, device: &Device) -> Result<Self> {
        config.validate()?;
        let input = 2 * config.word_dim + 2 * config.entity_dim + config.union_dim;
        Ok(Self {
            object_words: Param::from_tensor(Tensor::random(
                [config.objects, config.word_dim],
                Distribution::Normal(0.0, 1.0),
                device,
            )),
            head: LinearConfig::new(input, config.predicates).init(device),
        })
    }

    /// Replaces the object word vectors `[objects, word]`, row-major.
    pub fn with_word_vectors(mut self, objects: &[f32]) -> Result<Self> {
        let [n, w] = self.object_words.val().dims();
        if objects.len() != n * w {
            return Err(GraphError::LengthMismatch {
                what: "object word vectors",
                found: objects.len(),
                expected: n * w,
            });
        }
        let device = self.object_words.val().device();
        self.object_words = Param::from_tensor(Tensor::from_data(TensorData::new(objects.to_vec(), [n, w]), &device));
        Ok(self)
    }

    /// Logits `[P, predicates]`.
    pub fn forward(&self, batch: &PairBatch) -> Tensor<2> {
        let ts = self.object_words.val().select(0, batch.subject_class.clone());
        let to = self.object_words.val().select(0, batch.object_class.clone());
        let input =
            Tensor::cat(vec![ts, to, batch.subject_x.clone(), batch.object_x.clone(), batch.union_x.clone()], 1);
        self.head.forward(input)
    }

    /// Softmax scores `[P, predicates]`.
    pub fn scores(&self, batch: &PairBatch) -> Tensor<2> {
        burn::tensor::activation::softmax(self.forward(batch), 1)
    }
}

impl TrainModel for LinearHead {
    type Batch = PairBatch;
    type Stage = ();

    /// Cross-entropy on the logits.
    fn step(&self, batch: PairBatch, _ctx: &StepContext) -> StepOutput {
        let targets = batch.targets.clone();
        let step = classification_step(self.forward(&batch), targets);
        let loss = step.loss.clone();
        step.with_term("cross_entropy", loss)
    }
}
