//! Procedural part segmentation: kiln-data's part-annotated creatures
//! ([`kiln_data::procedural`]) as label maps (0 = background, `1 + i` = part
//! [`PART_NAMES`]`[i]`: tail, body, wing, head), a labelled/unlabelled split, and the
//! [`SegSource`] that batches them for MGD (labelled images with their maps; two independent
//! draws of unlabelled images with a CutMix mask).

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::seed::{derive_seed, epoch_order, permutation};
use kiln_core::train::BatchSource;
use kiln_data::Image;
use kiln_data::procedural::{self, PART_NAMES, ProceduralConfig};

use super::cutmix::BoxMaskGenerator;
use crate::error::{Result, SemiError};

/// Classes of the part segmentation: background and the four parts.
pub const NUM_PART_CLASSES: usize = PART_NAMES.len() + 1;

/// An image with its per-pixel labels.
#[derive(Debug, Clone, PartialEq)]
pub struct SegExample {
    /// The image (pixels in `[0, 1]`).
    pub image: Image,
    /// `height · width` labels, row-major.
    pub labels: Vec<i64>,
}

/// The label map of one procedural image: background 0, part `i` of [`PART_NAMES`] `i + 1`
/// (part masks never overlap).
pub fn part_labels(image: &procedural::PartImage) -> Vec<i64> {
    let mut labels = vec![0i64; image.image.height * image.image.width];
    for part in &image.parts {
        let class = PART_NAMES.iter().position(|&n| n == part.name).map_or(0, |i| i as i64 + 1);
        for (label, &on) in labels.iter_mut().zip(&part.mask) {
            if on {
                *label = class;
            }
        }
    }
    labels
}

/// `count` procedural images of `size` pixels (seed `seed`) with their part label maps.
///
/// # Errors
/// [`SemiError::Data`] when kiln-data rejects the size or count.
pub fn part_segmentation(size: usize, count: usize, seed: u64) -> Result<Vec<SegExample>> {
    let cfg = ProceduralConfig::new(4).with_image_size(size).with_num_images(count).with_seed(seed);
    Ok(procedural::generate(&cfg)?
        .into_iter()
        .map(|p| {
            let labels = part_labels(&p);
            SegExample { image: p.image, labels }
        })
        .collect())
}

/// Splits `examples` into a labelled share `fraction` (at least one) and the unlabelled rest,
/// by a permutation seeded by `seed`.
///
/// # Errors
/// [`SemiError::InvalidConfig`] unless `0 < fraction ≤ 1`.
pub fn split_labelled(examples: &[SegExample], fraction: f64, seed: u64) -> Result<(Vec<SegExample>, Vec<SegExample>)> {
    if !(fraction > 0.0 && fraction <= 1.0) {
        return Err(SemiError::config("labelled_fraction", fraction, "must be in (0, 1]"));
    }
    let keep = ((examples.len() as f64 * fraction).round() as usize).clamp(1, examples.len().max(1));
    let order = permutation(examples.len(), seed);
    let labelled = order[..keep.min(order.len())].iter().map(|&i| examples[i].clone()).collect();
    let unlabelled = order[keep.min(order.len())..].iter().map(|&i| examples[i].clone()).collect();
    Ok((labelled, unlabelled))
}

/// Images `[n, c, h, w]` (pixels shifted by −0.5) and label maps `[n, h, w]` of `items`.
pub fn to_tensors(items: &[&SegExample], device: &Device) -> (Tensor<4>, Tensor<3, Int>) {
    let (c, h, w) = items.first().map_or((3, 1, 1), |e| (e.image.channels, e.image.height, e.image.width));
    let pixels: Vec<f32> = items.iter().flat_map(|e| e.image.pixels.iter().map(|p| p - 0.5)).collect();
    let labels: Vec<i64> = items.iter().flat_map(|e| e.labels.iter().copied()).collect();
    let n = items.len();
    (
        Tensor::from_data(TensorData::new(pixels, [n, c, h, w]), device),
        Tensor::from_data(TensorData::new(labels, [n, h, w]), device),
    )
}

/// Unlabelled images for MGD: two independent draws and the mask that mixes them.
#[derive(Debug, Clone)]
pub struct UnlabelledPair {
    /// First draw `[b, c, h, w]` (`unsup_imgs_0`).
    pub first: Tensor<4>,
    /// Second draw `[b, c, h, w]` (`unsup_imgs_1`), shown inside the boxes.
    pub second: Tensor<4>,
    /// CutMix mask `[b, 1, h, w]`.
    pub mask: Tensor<4>,
}

/// One MGD step's data.
#[derive(Debug, Clone)]
pub struct SegBatch {
    /// Labelled images `[b, c, h, w]`.
    pub images: Tensor<4>,
    /// Their label maps `[b, h, w]`.
    pub labels: Tensor<3, Int>,
    /// Unlabelled images, when the source has them.
    pub unlabelled: Option<UnlabelledPair>,
}

/// Batches labelled and unlabelled [`SegExample`]s. An epoch has
/// `⌈max(labelled, unlabelled) / batch_size⌉` steps (the official `niters_per_epoch` floors
/// it and drops the last partial batch); the smaller
/// set cycles. Each set is reshuffled every epoch when `shuffle_seed` is set; the two
/// unlabelled draws use independent orders, as the official code's two loaders.
#[derive(Debug, Clone)]
pub struct SegSource {
    /// Labelled examples.
    pub labelled: Vec<SegExample>,
    /// Unlabelled examples (none: batches without [`SegBatch::unlabelled`]).
    pub unlabelled: Vec<SegExample>,
    /// Images per batch, labelled and unlabelled alike.
    pub batch_size: usize,
    /// CutMix masks of the unlabelled pairs.
    pub cutmix: BoxMaskGenerator,
    /// Shuffling and mask seed; `None`: fixed order (evaluation), masks from seed 0.
    pub shuffle_seed: Option<u64>,
}

impl SegSource {
    /// A source over `labelled` and `unlabelled` with the official CutMix settings.
    pub fn new(
        labelled: Vec<SegExample>,
        unlabelled: Vec<SegExample>,
        batch_size: usize,
        shuffle_seed: Option<u64>,
    ) -> Self {
        Self { labelled, unlabelled, batch_size: batch_size.max(1), cutmix: BoxMaskGenerator::default(), shuffle_seed }
    }

    fn pick<'a>(items: &'a [SegExample], order: &[usize], start: usize, count: usize) -> Vec<&'a SegExample> {
        (0..count).map(|j| &items[order[(start + j) % order.len()]]).collect()
    }
}

impl BatchSource<SegBatch> for SegSource {
    fn num_batches(&self) -> usize {
        self.labelled.len().max(self.unlabelled.len()).div_ceil(self.batch_size)
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<SegBatch> {
        if self.labelled.is_empty() {
            return Err(kiln_core::CoreError::InvalidConfig("SegSource has no labelled examples".into()));
        }
        let start = index * self.batch_size;
        let seed = self.shuffle_seed;
        let order = epoch_order(self.labelled.len(), seed, epoch);
        let count = if self.unlabelled.is_empty() {
            self.batch_size.min(self.labelled.len().saturating_sub(start)).max(1)
        } else {
            self.batch_size
        };
        let (images, labels) = to_tensors(&Self::pick(&self.labelled, &order, start, count), device);
        let unlabelled = (!self.unlabelled.is_empty()).then(|| {
            let n = self.unlabelled.len();
            let first = epoch_order(n, seed.map(|s| derive_seed(s, 1)), epoch);
            let second = epoch_order(n, seed.map(|s| derive_seed(s, 2)), epoch);
            let second = if seed.is_none() { (0..n).map(|i| (i + 1) % n).collect() } else { second };
            let (a, _) = to_tensors(&Self::pick(&self.unlabelled, &first, start, self.batch_size), device);
            let (b, _) = to_tensors(&Self::pick(&self.unlabelled, &second, start, self.batch_size), device);
            let [_, _, h, w] = a.dims();
            let mask_seed = derive_seed(seed.unwrap_or(0), ((epoch as u64) << 32) | index as u64);
            UnlabelledPair { first: a, second: b, mask: self.cutmix.masks(self.batch_size, h, w, mask_seed, device) }
        });
        Ok(SegBatch { images, labels, unlabelled })
    }
}
