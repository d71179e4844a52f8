//! Batching: items to tensors on a device, shuffled by seed, as a [`BatchSource`] for the
//! training engine.

use std::sync::{Arc, Mutex};

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::seed::{derive_seed, epoch_order, rng};
use kiln_core::train::{BatchSource, ImageBatch, VectorBatch};

use crate::dataset::Dataset;
use crate::item::{ImageExample, VectorExample};
use crate::transform::{Augment, Normalize};

/// Turns items into a batch on a device. `seed` is given when the batch may be augmented.
pub trait Batcher<I, B>: Send + Sync {
    /// Builds one batch.
    fn batch(&self, items: &[I], device: &Device, seed: Option<u64>) -> B;
}

/// Batches [`ImageExample`]s: optional augmentation, then normalisation.
#[derive(Debug, Clone)]
pub struct ImageBatcher {
    /// Per-channel normalisation.
    pub normalize: Normalize,
    /// Augmentation, applied only to batches built with a seed.
    pub augment: Option<Augment>,
}

impl ImageBatcher {
    /// A batcher with the given normalisation and no augmentation.
    pub fn new(normalize: Normalize) -> Self {
        Self { normalize, augment: None }
    }

    /// Adds augmentation.
    pub fn with_augment(mut self, augment: Augment) -> Self {
        self.augment = Some(augment);
        self
    }
}

impl Batcher<ImageExample, ImageBatch> for ImageBatcher {
    fn batch(&self, items: &[ImageExample], device: &Device, seed: Option<u64>) -> ImageBatch {
        let [c, h, w] = items.first().map_or([1, 1, 1], |e| e.image.shape());
        let mut pixels = Vec::with_capacity(items.len() * c * h * w);
        let mut rng = seed.map(|s| rng(s, 0));
        for item in items {
            let start = pixels.len();
            match (&self.augment, rng.as_mut()) {
                (Some(aug), Some(rng)) => pixels.extend_from_slice(&aug.apply(&item.image, rng).pixels),
                _ => pixels.extend_from_slice(&item.image.pixels),
            }
            self.normalize.apply(&mut pixels[start..], h * w);
        }
        let targets: Vec<i64> = items.iter().map(|e| e.label as i64).collect();
        ImageBatch {
            images: Tensor::from_data(TensorData::new(pixels, [items.len(), c, h, w]), device),
            targets: Tensor::from_data(TensorData::new(targets, [items.len()]), device),
        }
    }
}

/// Batches [`VectorExample`]s, standardising each feature when given means and stds.
#[derive(Debug, Clone, Default)]
pub struct VectorBatcher {
    /// Per-feature `(mean, std)`; empty for none.
    pub standardize: Vec<(f32, f32)>,
}

impl VectorBatcher {
    /// Standardisation fitted on `examples`.
    pub fn fit(examples: &[VectorExample]) -> Self {
        let dim = examples.first().map_or(0, |e| e.features.len());
        let n = examples.len().max(1) as f64;
        let standardize = (0..dim)
            .map(|j| {
                let mean = examples.iter().map(|e| f64::from(e.features[j])).sum::<f64>() / n;
                let var = examples.iter().map(|e| (f64::from(e.features[j]) - mean).powi(2)).sum::<f64>() / n;
                (mean as f32, if var.sqrt() < 1e-6 { 1.0 } else { var.sqrt() as f32 })
            })
            .collect();
        Self { standardize }
    }
}

impl Batcher<VectorExample, VectorBatch> for VectorBatcher {
    fn batch(&self, items: &[VectorExample], device: &Device, _seed: Option<u64>) -> VectorBatch {
        let dim = items.first().map_or(0, |e| e.features.len());
        let mut values = Vec::with_capacity(items.len() * dim);
        for item in items {
            values.extend(item.features.iter().enumerate().map(|(j, &v)| match self.standardize.get(j) {
                Some((m, s)) => (v - m) / s,
                None => v,
            }));
        }
        let targets: Vec<i64> = items.iter().map(|e| e.label as i64).collect();
        VectorBatch {
            features: Tensor::from_data(TensorData::new(values, [items.len(), dim]), device),
            targets: Tensor::from_data(TensorData::new(targets, [items.len()]), device),
        }
    }
}

/// Serves a dataset in batches: shuffled per epoch by seed (training) or in order (evaluation).
pub struct DataLoader<I, B> {
    dataset: Arc<dyn Dataset<I>>,
    batcher: Arc<dyn Batcher<I, B>>,
    batch_size: usize,
    shuffle_seed: Option<u64>,
    drop_last: bool,
    /// The current epoch's permutation, computed once per epoch.
    order: Mutex<Option<(usize, Arc<Vec<usize>>)>>,
}

impl<I: 'static, B: 'static> DataLoader<I, B> {
    /// An in-order loader (for evaluation).
    pub fn new(dataset: impl Dataset<I> + 'static, batcher: impl Batcher<I, B> + 'static, batch_size: usize) -> Self {
        Self {
            dataset: Arc::new(dataset),
            batcher: Arc::new(batcher),
            batch_size: batch_size.max(1),
            shuffle_seed: None,
            drop_last: false,
            order: Mutex::new(None),
        }
    }

    /// Shuffle every epoch with a permutation derived from `seed` and the epoch; batches are
    /// then also augmented (when the batcher augments).
    pub fn shuffled(mut self, seed: u64) -> Self {
        self.shuffle_seed = Some(seed);
        self
    }

    /// Drop the last incomplete batch.
    pub fn drop_last(mut self, drop: bool) -> Self {
        self.drop_last = drop;
        self
    }

    /// Items in the dataset.
    pub fn len(&self) -> usize {
        self.dataset.len()
    }

    /// Whether the dataset is empty.
    pub fn is_empty(&self) -> bool {
        self.dataset.is_empty()
    }

    fn indices(&self, epoch: usize, index: usize) -> Vec<usize> {
        let n = self.dataset.len();
        let start = (index * self.batch_size).min(n);
        let end = (start + self.batch_size).min(n);
        match self.shuffle_seed {
            Some(seed) => {
                let mut cache = self.order.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let order = match cache.as_ref() {
                    Some((e, order)) if *e == epoch && order.len() == n => Arc::clone(order),
                    _ => {
                        let order = Arc::new(epoch_order(n, Some(seed), epoch));
                        *cache = Some((epoch, Arc::clone(&order)));
                        order
                    }
                };
                order[start..end].to_vec()
            }
            None => (start..end).collect(),
        }
    }
}

impl<I: Send + Sync + 'static, B: 'static> BatchSource<B> for DataLoader<I, B> {
    fn num_batches(&self) -> usize {
        let n = self.dataset.len();
        if self.drop_last { n / self.batch_size } else { n.div_ceil(self.batch_size) }
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<B> {
        let len = self.dataset.len();
        let items = self
            .indices(epoch, index)
            .into_iter()
            .map(|i| {
                self.dataset.get(i).ok_or_else(|| {
                    kiln_core::CoreError::batch(epoch, index, format!("the dataset has no item {i} (length {len})"))
                })
            })
            .collect::<kiln_core::Result<Vec<I>>>()?;
        let seed = self.shuffle_seed.map(|s| derive_seed(s, ((epoch as u64) << 32) ^ index as u64));
        Ok(self.batcher.batch(&items, device, seed))
    }
}
