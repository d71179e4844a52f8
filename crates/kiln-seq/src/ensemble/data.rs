//! Skeleton sequences as batches for the engine: `[B, J·3, T]` inputs (channel `3j + c` is
//! coordinate `c` of joint `j`) and `[B]` classes.
//!
//! Each sample is translated so that the root joint (joint 0: the hip centre in Kinect v1,
//! the spine base in NTU RGB+D) of its first frame is the origin; the subnets see where the
//! body moves relative to where it started, not where it stands in the room.

use std::sync::Arc;

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::train::BatchSource;

use crate::error::{Result, SeqError};
use crate::synth::skeleton::SkeletonSet;

/// A batch of skeleton sequences.
#[derive(Debug, Clone)]
pub struct SkeletonBatch {
    /// `[B, J·3, T]` root-centred coordinates.
    pub x: Tensor<3>,
    /// `[B]` classes.
    pub targets: Tensor<1, Int>,
}

/// Skeleton sequences in memory, served in batches (optionally shuffled every epoch).
#[derive(Debug, Clone)]
pub struct SkeletonSource {
    /// `[n, J·3, T]`, centred.
    inputs: Arc<Vec<f32>>,
    labels: Arc<Vec<usize>>,
    frames: usize,
    joints: usize,
    batch_size: usize,
    shuffle: Option<u64>,
}

impl SkeletonSource {
    /// Sequences `positions` (`[n, T, J, 3]` row-major) with their `labels`, in batches of
    /// `batch_size`.
    ///
    /// # Errors
    /// [`SeqError::Empty`] for no sample or zero joints/batch size; [`SeqError::Config`] for
    /// fewer than 2 frames; [`SeqError::Shape`] when the length is not `n·T·J·3`;
    /// [`SeqError::NonFinite`] for a NaN or infinite coordinate.
    pub fn new(positions: &[f32], labels: &[usize], frames: usize, joints: usize, batch_size: usize) -> Result<Self> {
        if labels.is_empty() || joints == 0 || batch_size == 0 {
            return Err(SeqError::Empty {
                what: format!("skeleton source ({} samples, {joints} joints, batch {batch_size})", labels.len()),
            });
        }
        if frames < 2 {
            return Err(SeqError::Config { field: "frames", value: frames.to_string(), reason: "needs at least 2" });
        }
        let per = frames * joints * 3;
        if positions.len() != labels.len() * per {
            return Err(SeqError::Shape {
                what: "skeleton positions".into(),
                expected: format!(
                    "{} samples × {frames} frames × {joints} joints × 3 = {}",
                    labels.len(),
                    labels.len() * per
                ),
                found: positions.len().to_string(),
            });
        }
        if let Some((index, &value)) = positions.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(SeqError::NonFinite { what: "skeleton positions".into(), index, value });
        }
        let mut inputs = vec![0.0; positions.len()];
        for (n, sample) in positions.chunks_exact(per).enumerate() {
            let root = [sample[0], sample[1], sample[2]];
            let out = &mut inputs[n * per..(n + 1) * per];
            for t in 0..frames {
                for jc in 0..joints * 3 {
                    out[jc * frames + t] = sample[t * joints * 3 + jc] - root[jc % 3];
                }
            }
        }
        Ok(Self {
            inputs: Arc::new(inputs),
            labels: Arc::new(labels.to_vec()),
            frames,
            joints,
            batch_size,
            shuffle: None,
        })
    }

    /// A generated set, in batches of `batch_size`.
    ///
    /// # Errors
    /// As [`SkeletonSource::new`].
    pub fn from_set(set: &SkeletonSet, batch_size: usize) -> Result<Self> {
        Self::new(&set.positions, &set.labels, set.frames, set.joints, batch_size)
    }

    /// Shuffles the samples every epoch with this seed.
    pub fn with_shuffle(mut self, seed: u64) -> Self {
        self.shuffle = Some(seed);
        self
    }

    /// The same samples in batches of `batch_size` (at least 1).
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size.max(1);
        self
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no samples (never true: [`SkeletonSource::new`] rejects that).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Classes of the samples, in order.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// Frames per sample `T`.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Joints per frame `J`.
    pub fn joints(&self) -> usize {
        self.joints
    }

    /// Sample `i` as the model sees it, `[J·3, T]` row-major.
    pub fn input(&self, i: usize) -> &[f32] {
        let per = self.frames * self.joints * 3;
        &self.inputs[i * per..(i + 1) * per]
    }

    /// The batch of the samples `indices` (in that order).
    pub fn batch_of(&self, indices: &[usize], device: &Device) -> SkeletonBatch {
        let per = self.frames * self.joints * 3;
        let mut x = Vec::with_capacity(indices.len() * per);
        let mut targets = Vec::with_capacity(indices.len());
        for &i in indices {
            x.extend_from_slice(self.input(i));
            // Lossless: class indices are small.
            targets.push(self.labels[i] as i64);
        }
        SkeletonBatch {
            x: Tensor::from_data(TensorData::new(x, [indices.len(), self.joints * 3, self.frames]), device),
            targets: Tensor::from_data(TensorData::new(targets, [indices.len()]), device),
        }
    }
}

impl BatchSource<SkeletonBatch> for SkeletonSource {
    fn num_batches(&self) -> usize {
        self.labels.len().div_ceil(self.batch_size)
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<SkeletonBatch> {
        let order = kiln_core::seed::epoch_order(self.labels.len(), self.shuffle, epoch);
        let start = (index * self.batch_size).min(order.len());
        let end = (start + self.batch_size).min(order.len());
        Ok(self.batch_of(&order[start..end], device))
    }
}
