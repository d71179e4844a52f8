//! Distillation from a fixed teacher into a student on all images, labelled or not, shared by
//! the crate's families (SimCLRv2's self-distillation).
//!
//! `L = KD(s, t; τ) + w · CE_labelled(s, y)`, where `KD` is
//! [`kiln_core::nn::distillation_loss`] (`−(τ²/n) Σ_x Σ_y P^T(y|x; τ) log P^S(y|x; τ)`) on every
//! image of the batch and `CE_labelled` the mean cross-entropy over the batch's labelled images
//! only (0 when it has none). SimCLRv2 writes the same objective as
//! `−(1−α) Σ_{(x,y)∈D_L} log P^S(y|x) − α Σ_{x∈D} Σ_y P^T(y|x; τ) log P^S(y|x; τ)`; `w = (1−α)/α`
//! up to the normalisation of each sum. The teacher runs in evaluation mode (batch norm on its
//! running statistics, no gradient), as the official distillation colab calls it with
//! `trainable=False`.

use burn::module::{Module, ModuleDisplay};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::log_softmax;
use kiln_core::nn::distillation_loss;
use kiln_core::seed::rng;
use kiln_core::train::{StepContext, StepOutput, TrainModel};
use kiln_data::{Augment, Batcher, ImageExample, Normalize};

/// A model that maps images to class logits.
pub trait ImageClassifier: Module {
    /// # Shapes
    /// `[b, c, h, w] → [b, classes]`
    fn logits(&self, images: Tensor<4>) -> Tensor<2>;
}

/// A batch for distillation: images, their classes where known, and which are known.
#[derive(Debug, Clone)]
pub struct DistillBatch {
    /// `[b, c, h, w]`.
    pub images: Tensor<4>,
    /// `[b]` classes (0 for an unlabelled image; never read there).
    pub targets: Tensor<1, Int>,
    /// `[b]`: 1 for a labelled image, 0 for an unlabelled one.
    pub labelled: Tensor<1>,
}

/// An image for distillation, with its class when it is labelled.
#[derive(Debug, Clone, PartialEq)]
pub struct DistillExample {
    /// The image and its class (the class is only read when `labelled`; evaluation reads it
    /// always).
    pub example: ImageExample,
    /// Whether the class may be used for training.
    pub labelled: bool,
}

/// Batches [`DistillExample`]s: optional augmentation (seeded batches only), normalisation.
#[derive(Debug, Clone)]
pub struct DistillBatcher {
    /// Per-channel normalisation.
    pub normalize: Normalize,
    /// Augmentation of training batches.
    pub augment: Option<Augment>,
}

impl Batcher<DistillExample, DistillBatch> for DistillBatcher {
    fn batch(&self, items: &[DistillExample], device: &Device, seed: Option<u64>) -> DistillBatch {
        let [c, h, w] = items.first().map_or([1, 1, 1], |e| e.example.image.shape());
        let mut pixels = Vec::with_capacity(items.len() * c * h * w);
        for (i, item) in items.iter().enumerate() {
            let start = pixels.len();
            match (&self.augment, seed) {
                (Some(aug), Some(seed)) => {
                    pixels.extend_from_slice(&aug.apply(&item.example.image, &mut rng(seed, i as u64)).pixels)
                }
                _ => pixels.extend_from_slice(&item.example.image.pixels),
            }
            self.normalize.apply(&mut pixels[start..], h * w);
        }
        let n = items.len();
        let targets: Vec<i64> =
            items.iter().map(|e| if e.labelled || seed.is_none() { e.example.label as i64 } else { 0 }).collect();
        let labelled: Vec<f32> = items.iter().map(|e| if e.labelled { 1.0 } else { 0.0 }).collect();
        DistillBatch {
            images: Tensor::from_data(TensorData::new(pixels, [n, c, h, w]), device),
            targets: Tensor::from_data(TensorData::new(targets, [n]), device),
            labelled: Tensor::from_data(TensorData::new(labelled, [n]), device),
        }
    }
}

/// Mean cross-entropy over the rows where `mask` is 1 (0 when none is).
pub fn masked_cross_entropy(logits: Tensor<2>, targets: Tensor<1, Int>, mask: Tensor<1>) -> Tensor<1> {
    let picked = log_softmax(logits, 1).gather(1, targets.unsqueeze_dim::<2>(1)).squeeze_dim::<1>(1);
    let count = mask.clone().sum().clamp_min(1.0);
    (picked * mask).sum().neg() / count
}

/// A student trained on a fixed teacher's soft labels (and optionally the known labels).
#[derive(Module, Debug)]
pub struct Distiller<M: Module> {
    /// The network that learns.
    pub student: M,
    /// The fixed network that teaches (train with `Trainable::only(["student"])`).
    pub teacher: M,
    /// τ of both softmaxes.
    pub temperature: f64,
    /// `w`: weight of the labelled cross-entropy (0: distillation only).
    pub label_weight: f64,
}

impl<M: Module> Distiller<M> {
    /// A distiller of `teacher` into `student`.
    pub fn new(student: M, teacher: M, temperature: f64, label_weight: f64) -> Self {
        Self { student, teacher, temperature, label_weight }
    }
}

impl<M: ImageClassifier + ModuleDisplay + 'static> TrainModel for Distiller<M> {
    type Batch = DistillBatch;
    type Stage = ();

    fn step(&self, batch: DistillBatch, ctx: &StepContext) -> StepOutput {
        let student = self.student.logits(batch.images.clone());
        if !ctx.training {
            let loss = kiln_core::nn::cross_entropy(student.clone(), batch.targets.clone());
            return StepOutput::classification(loss, student, batch.targets);
        }
        // Evaluation mode and no autodiff: the teacher's logits are constants.
        let teacher = self.teacher.valid().logits(batch.images.inner());
        let kd = distillation_loss(student.clone(), teacher, self.temperature);
        let mut output = StepOutput::loss(kd.clone()).with_term("distillation", kd.clone());
        if self.label_weight > 0.0 {
            let ce = masked_cross_entropy(student, batch.targets, batch.labelled);
            output = StepOutput::loss(kd.clone() + ce.clone() * self.label_weight)
                .with_term("distillation", kd)
                .with_term("labelled_ce", ce);
        }
        output
    }
}
