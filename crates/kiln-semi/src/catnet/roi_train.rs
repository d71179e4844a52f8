//! Training the [`RoiHead`] on kiln-core's `Trainer` with jittered ground-truth RoIs of
//! `kiln_data::detection` examples, and scoring it by classification accuracy and mask IoU.
//!
//! One step's loss is `cls + mask` (logged as those terms, with the RoIs' class logits for the
//! engine's accuracy). [`evaluate_rois`] jitters every ground-truth box (seeded), classifies it,
//! pastes the mask of the *predicted* class (Mask R-CNN's inference) thresholded at 0.5 back
//! into the image, and compares it with the instance's mask.

use burn::module::Module;
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::sigmoid;
use kiln_core::seed::derive_seed;
use kiln_core::train::{BatchSource, StepContext, StepOutput, TrainModel};
use kiln_data::detection::{DetectionExample, Mask};

use super::roi_align::Roi;
use super::roi_head::RoiHead;
use super::roi_masks::{jitter_boxes, paste_mask};
use super::train::images_of;

/// Default jitter of the ground-truth boxes: ±10 % of their size.
pub const DEFAULT_JITTER: f32 = 0.1;

/// A batch: images, the RoIs on them, each RoI's class and its instance's full-image mask.
#[derive(Debug, Clone)]
pub struct RoiBatch {
    /// The images `[n, c, h, w]`.
    pub images: Tensor<4>,
    /// The (jittered) RoIs.
    pub rois: Vec<Roi>,
    /// The class of each RoI.
    pub classes: Vec<usize>,
    /// The mask of each RoI's instance, if it has one.
    pub masks: Vec<Option<Mask>>,
}

impl TrainModel for RoiHead {
    type Batch = RoiBatch;
    type Stage = ();

    /// # Panics
    /// When the batch is malformed (see [`RoiHead::loss`]); [`RoiSource`] never makes one.
    fn step(&self, batch: RoiBatch, _ctx: &StepContext<()>) -> StepOutput {
        let device = batch.images.device();
        let loss = self.loss(batch.images, &batch.rois, &batch.classes, &batch.masks).expect("RoI head step");
        let targets: Vec<i64> = batch.classes.iter().map(|&c| c as i64).collect();
        let targets = Tensor::<1, Int>::from_data(TensorData::new(targets, [batch.classes.len()]), &device);
        StepOutput::classification(loss.classification.clone() + loss.mask.clone(), loss.class_logits, targets)
            .with_term("cls", loss.classification)
            .with_term("mask", loss.mask)
    }
}

/// The RoIs of an example's instances, jittered with `seed`, on image `batch`.
fn rois_of(example: &DetectionExample, batch: usize, amount: f32, seed: u64) -> Vec<Roi> {
    let boxes: Vec<_> = example.instances.iter().map(|i| i.bbox).collect();
    jitter_boxes(&boxes, amount, seed).into_iter().map(|b| Roi::new(batch, b)).collect()
}

/// Batches of jittered ground-truth RoIs over a set of examples, reshuffled every epoch as a
/// function of the seed. The boxes of example `i` in epoch `e` are jittered with seed
/// `derive_seed(derive_seed(s, e), i)` (`s` the seed, 0 without one), so every epoch sees new
/// RoIs and a resumed run the same ones.
#[derive(Debug, Clone)]
pub struct RoiSource {
    examples: Vec<DetectionExample>,
    batch_size: usize,
    seed: Option<u64>,
    jitter: f32,
}

impl RoiSource {
    /// Batches of `batch_size` images (the last may be smaller), shuffled with `seed` when
    /// given, jittered by [`DEFAULT_JITTER`]. Examples without instances are dropped (a batch
    /// needs at least one RoI).
    pub fn new(examples: Vec<DetectionExample>, batch_size: usize, seed: Option<u64>) -> Self {
        let examples = examples.into_iter().filter(|e| !e.instances.is_empty()).collect();
        Self { examples, batch_size: batch_size.max(1), seed, jitter: DEFAULT_JITTER }
    }

    /// The same source with boxes jittered by `amount` (see [`jitter_boxes`]).
    pub fn with_jitter(mut self, amount: f32) -> Self {
        self.jitter = amount;
        self
    }

    /// Examples kept.
    pub fn len(&self) -> usize {
        self.examples.len()
    }

    /// Whether no example was kept.
    pub fn is_empty(&self) -> bool {
        self.examples.is_empty()
    }
}

impl BatchSource<RoiBatch> for RoiSource {
    fn num_batches(&self) -> usize {
        self.examples.len().div_ceil(self.batch_size)
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<RoiBatch> {
        let order = kiln_core::seed::epoch_order(self.examples.len(), self.seed, epoch);
        let chosen: Vec<usize> = order.iter().skip(index * self.batch_size).take(self.batch_size).copied().collect();
        if chosen.is_empty() {
            return Err(kiln_core::CoreError::InvalidConfig(format!(
                "no batch {index} in {} batches",
                self.num_batches()
            )));
        }
        let epoch_seed = derive_seed(self.seed.unwrap_or(0), epoch as u64);
        let refs: Vec<&DetectionExample> = chosen.iter().map(|&i| &self.examples[i]).collect();
        let mut rois = Vec::new();
        let mut classes = Vec::new();
        let mut masks = Vec::new();
        for (b, (&i, example)) in chosen.iter().zip(&refs).enumerate() {
            rois.extend(rois_of(example, b, self.jitter, derive_seed(epoch_seed, i as u64)));
            classes.extend(example.instances.iter().map(|inst| inst.class));
            masks.extend(example.instances.iter().map(|inst| inst.mask.clone()));
        }
        Ok(RoiBatch { images: images_of(&refs, device)?, rois, classes, masks })
    }
}

/// Scores of a [`RoiHead`] on jittered ground-truth RoIs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoiMetrics {
    /// Fraction of RoIs whose highest logit is their class.
    pub accuracy: f32,
    /// Mean IoU of the pasted predicted masks with the instance masks (over the RoIs whose
    /// instance has a mask; 0 when none has).
    pub mask_iou: f32,
    /// RoIs scored.
    pub rois: usize,
}

/// Images per forward pass of [`evaluate_rois`].
const EVAL_BATCH: usize = 8;

/// Scores `model` (run in evaluation mode, on `device`) on every instance of `examples`: the
/// boxes of example `i` are jittered by [`DEFAULT_JITTER`] with seed `derive_seed(seed, i)`;
/// accuracy of the arg-max class; IoU of the predicted class's mask (sigmoid, pasted with
/// [`paste_mask`] at threshold 0.5) with the instance mask.
///
/// # Errors
/// As [`images_of`] (images of different shapes in one batch of 8), or a RoI error.
pub fn evaluate_rois(
    model: &RoiHead,
    examples: &[DetectionExample],
    seed: u64,
    device: &Device,
) -> kiln_core::Result<RoiMetrics> {
    let model = model.valid();
    let (mut correct, mut total, mut iou_sum, mut with_mask) = (0usize, 0usize, 0.0f32, 0usize);
    let indexed: Vec<(usize, &DetectionExample)> =
        examples.iter().enumerate().filter(|(_, e)| !e.instances.is_empty()).collect();
    let k = model.num_classes();
    let m = model.mask_output();
    for chunk in indexed.chunks(EVAL_BATCH) {
        let refs: Vec<&DetectionExample> = chunk.iter().map(|(_, e)| *e).collect();
        let rois: Vec<Roi> = chunk
            .iter()
            .enumerate()
            .flat_map(|(b, (i, e))| rois_of(e, b, DEFAULT_JITTER, derive_seed(seed, *i as u64)))
            .collect();
        let output = model
            .forward(images_of(&refs, device)?, &rois)
            .map_err(|e| kiln_core::CoreError::InvalidConfig(e.to_string()))?;
        let logits = kiln_core::tensor::to_vec(output.class_logits);
        let probabilities = kiln_core::tensor::to_vec(sigmoid(output.mask_logits));
        let instances = refs.iter().flat_map(|e| e.instances.iter().map(move |inst| (e, inst)));
        for (r, ((example, instance), roi)) in instances.zip(&rois).enumerate() {
            let row = &logits[r * k..(r + 1) * k];
            let predicted = (0..k).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap_or(0);
            total += 1;
            correct += usize::from(predicted == instance.class);
            if let Some(truth) = &instance.mask {
                let start = (r * k + predicted) * m * m;
                let (h, w) = (example.image.height, example.image.width);
                let pasted = paste_mask(&probabilities[start..start + m * m], m, &roi.bbox, h, w, 0.5);
                iou_sum += pasted.iou(truth);
                with_mask += 1;
            }
        }
    }
    Ok(RoiMetrics {
        accuracy: if total > 0 { correct as f32 / total as f32 } else { 0.0 },
        mask_iou: if with_mask > 0 { iou_sum / with_mask as f32 } else { 0.0 },
        rois: total,
    })
}
