//! Training the [`Detector`] on kiln-core's `Trainer` with `kiln_data::detection` examples (for
//! instance the procedural aerial scenes), and evaluating it by AP.
//!
//! One step's loss is `focal + l1` (logged as the terms `focal` and `l1`). Evaluation runs
//! [`Detector::detect`] with soft-NMS and reports, per class `c`, `AP50_c` (COCO 101-point at
//! IoU 0.5), and over the classes that have ground truth the means `mAP50` and COCO
//! `mAP@[.5:.95]`.

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::train::{BatchSource, StepContext, StepOutput, TrainModel};
use kiln_data::detection::DetectionExample;

use super::ap::{
    ApProtocol, GroundTruthBox, Interpolation, ScoredBox, average_precision, average_precision_with,
    coco_average_precision, mean_over_classes,
};
use super::detector::{DetectConfig, Detection, DetectionTarget, Detector};

/// A batch: images `[n, c, h, w]` and each image's objects.
#[derive(Debug, Clone)]
pub struct DetectionBatch {
    /// The images.
    pub images: Tensor<4>,
    /// The objects of each image.
    pub targets: Vec<DetectionTarget>,
}

impl TrainModel for Detector {
    type Batch = DetectionBatch;
    type Stage = ();

    fn step(&self, batch: DetectionBatch, _ctx: &StepContext<()>) -> StepOutput {
        let loss = self.loss(batch.images, &batch.targets);
        StepOutput::loss(loss.classification.clone() + loss.regression.clone())
            .with_term("focal", loss.classification)
            .with_term("l1", loss.regression)
    }
}

/// The boxes and classes of an example.
pub fn target_of(example: &DetectionExample) -> DetectionTarget {
    DetectionTarget {
        boxes: example.instances.iter().map(|i| i.bbox).collect(),
        classes: example.instances.iter().map(|i| i.class).collect(),
    }
}

/// The images of `examples` as one `[n, c, h, w]` tensor. No examples, or images of different
/// shapes (a user's data set may mix them), is an error naming the example.
pub fn images_of(examples: &[&DetectionExample], device: &Device) -> kiln_core::Result<Tensor<4>> {
    let first = &examples
        .first()
        .ok_or_else(|| kiln_core::CoreError::InvalidConfig("a detection batch needs at least one image".into()))?
        .image;
    let (c, h, w) = (first.channels, first.height, first.width);
    let mut pixels = Vec::with_capacity(examples.len() * c * h * w);
    for (i, e) in examples.iter().enumerate() {
        if (e.image.channels, e.image.height, e.image.width) != (c, h, w) {
            return Err(kiln_core::CoreError::InvalidConfig(format!(
                "image {i} of a detection batch is {}×{}×{}, the first is {c}×{h}×{w}: one batch needs one shape",
                e.image.channels, e.image.height, e.image.width
            )));
        }
        pixels.extend_from_slice(&e.image.pixels);
    }
    Ok(Tensor::from_data(TensorData::new(pixels, [examples.len(), c, h, w]), device))
}

/// Batches of a set of examples, reshuffled every epoch as a function of the seed.
#[derive(Debug, Clone)]
pub struct DetectionSource {
    examples: Vec<DetectionExample>,
    batch_size: usize,
    seed: Option<u64>,
}

impl DetectionSource {
    /// Batches of `batch_size` (the last one may be smaller), shuffled with `seed` when given.
    pub fn new(examples: Vec<DetectionExample>, batch_size: usize, seed: Option<u64>) -> Self {
        Self { examples, batch_size: batch_size.max(1), seed }
    }
}

impl BatchSource<DetectionBatch> for DetectionSource {
    fn num_batches(&self) -> usize {
        self.examples.len().div_ceil(self.batch_size)
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<DetectionBatch> {
        let order = kiln_core::seed::epoch_order(self.examples.len(), self.seed, epoch);
        let chosen: Vec<&DetectionExample> =
            order.iter().skip(index * self.batch_size).take(self.batch_size).map(|&i| &self.examples[i]).collect();
        if chosen.is_empty() {
            return Err(kiln_core::CoreError::InvalidConfig(format!(
                "no batch {index} in {} batches",
                self.num_batches()
            )));
        }
        Ok(DetectionBatch {
            images: images_of(&chosen, device)?,
            targets: chosen.iter().map(|e| target_of(e)).collect(),
        })
    }
}

/// AP of a detector on a set of examples.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectionMetrics {
    /// AP at IoU 0.5 per class (COCO 101-point); `None` for a class without ground truth.
    pub ap50: Vec<Option<f32>>,
    /// Mean of `ap50` over the classes with ground truth.
    pub map50: Option<f32>,
    /// Mean over those classes of COCO AP@[.5:.95].
    pub coco_map: Option<f32>,
    /// mAP at IoU 0.5 under [`ApProtocol::DIOR`] (mmdet's `VOCMetric`, the protocol of
    /// CATNet's DIOR numbers).
    pub dior_map50: Option<f32>,
}

/// AP of `detections[i]` (image `i`) against `targets[i]`, for classes `0..num_classes`.
pub fn detection_metrics(
    detections: &[Vec<Detection>],
    targets: &[DetectionTarget],
    num_classes: usize,
) -> DetectionMetrics {
    let per_class = |class: usize| {
        let dets: Vec<ScoredBox> = detections
            .iter()
            .enumerate()
            .flat_map(|(image, ds)| {
                ds.iter().filter(|d| d.class == class).map(move |d| ScoredBox { image, bbox: d.bbox, score: d.score })
            })
            .collect();
        let truths: Vec<GroundTruthBox> = targets
            .iter()
            .enumerate()
            .flat_map(|(image, t)| {
                t.boxes
                    .iter()
                    .zip(&t.classes)
                    .filter(|(_, c)| **c == class)
                    .map(move |(b, _)| GroundTruthBox { image, bbox: *b })
            })
            .collect();
        (dets, truths)
    };
    let classes: Vec<(Vec<ScoredBox>, Vec<GroundTruthBox>)> = (0..num_classes).map(per_class).collect();
    let ap50: Vec<Option<f32>> =
        classes.iter().map(|(d, t)| average_precision(d, t, 0.5, Interpolation::Coco101)).collect();
    let map50 = mean_over_classes(num_classes, |c| ap50[c]);
    let coco_map = mean_over_classes(num_classes, |c| coco_average_precision(&classes[c].0, &classes[c].1));
    let dior_map50 = mean_over_classes(num_classes, |c| {
        average_precision_with(&classes[c].0, &classes[c].1, 0.5, &ApProtocol::DIOR)
    });
    DetectionMetrics { ap50, map50, coco_map, dior_map50 }
}

/// Runs `model` (in evaluation mode, on `device`) over `examples` in batches and scores it;
/// errors as [`images_of`] does.
pub fn evaluate(
    model: &Detector,
    examples: &[DetectionExample],
    config: &DetectConfig,
    batch_size: usize,
    device: &Device,
) -> kiln_core::Result<DetectionMetrics> {
    let mut detections = Vec::with_capacity(examples.len());
    for chunk in examples.chunks(batch_size.max(1)) {
        let refs: Vec<&DetectionExample> = chunk.iter().collect();
        detections.extend(model.detect(images_of(&refs, device)?, config));
    }
    let targets: Vec<DetectionTarget> = examples.iter().map(target_of).collect();
    Ok(detection_metrics(&detections, &targets, model.head.num_classes()))
}
