//! Batches of [`PartSample`]s for APEN and the baselines: points, the fine partition `Z₀`,
//! labels, classes and per-point part centres, with the true part instances kept on the host
//! (for the bound's merge rate).

use std::sync::Arc;

use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::seed::epoch_order;
use kiln_core::train::BatchSource;

use super::data::PartSample;
use super::partition::{fine_partition, one_hot};
use crate::error::{GeomError, Result};

/// One batch.
#[derive(Debug, Clone)]
pub struct ApenBatch {
    /// Points `[B, N, 3]`.
    pub points: Tensor<3>,
    /// The fine partition `Z₀`, `[B, N, K₀]`.
    pub fine: Tensor<3>,
    /// Part-type labels, flattened `[B·N]`.
    pub labels: Tensor<1, Int>,
    /// Classes `[B]`.
    pub classes: Tensor<1, Int>,
    /// The centroid of every point's part, `[B, N, 3]`.
    pub centres: Tensor<3>,
    /// True part instance of every point, `[B][N]` (host).
    pub parts: Vec<Vec<usize>>,
}

/// Samples as batches, with their fine partitions computed once.
#[derive(Debug, Clone)]
pub struct PartBatches {
    /// The samples (all with the same number of points).
    pub samples: Arc<Vec<PartSample>>,
    /// Fine part of every point of every sample.
    pub fine: Arc<Vec<Vec<usize>>>,
    /// `K₀`.
    pub fine_parts: usize,
    /// Samples per batch.
    pub batch_size: usize,
    /// Shuffling seed (`None`: in order).
    pub shuffle_seed: Option<u64>,
}

impl PartBatches {
    /// Batches of `batch_size` over `samples` with `K₀ = fine_parts` FPS parts each. Errors on
    /// no samples, clouds of different sizes, or a bad `fine_parts`.
    pub fn new(samples: Arc<Vec<PartSample>>, fine_parts: usize, batch_size: usize) -> Result<Self> {
        let n = samples.first().map_or(0, |s| s.points.len());
        if n == 0 || samples.iter().any(|s| s.points.len() != n) {
            return Err(GeomError::Invalid(
                "APEN batches need samples with the same, non-zero number of points".into(),
            ));
        }
        let fine = samples.iter().map(|s| fine_partition(&s.points, fine_parts)).collect::<Result<Vec<_>>>()?;
        Ok(Self { samples, fine: Arc::new(fine), fine_parts, batch_size: batch_size.max(1), shuffle_seed: None })
    }

    /// The same batches shuffled every epoch by `seed`.
    pub fn shuffled(self, seed: u64) -> Self {
        Self { shuffle_seed: Some(seed), ..self }
    }

    /// The samples at `indices` as a batch; the fine partitions are `fine` when given (to carry
    /// one cloud's over-segmentation to its moved copy), else the stored ones.
    pub fn batch_of(&self, indices: &[usize], fine: Option<&[Vec<usize>]>, device: &Device) -> Result<ApenBatch> {
        let chosen: Vec<&PartSample> = indices
            .iter()
            .map(|&i| self.samples.get(i).ok_or_else(|| GeomError::Invalid(format!("no sample {i}"))))
            .collect::<Result<_>>()?;
        let (b, n) = (chosen.len(), chosen.first().map_or(0, |s| s.points.len()));
        let points: Vec<f32> = chosen.iter().flat_map(|s| s.points.iter().flat_map(|p| [p.x, p.y, p.z])).collect();
        let centres: Vec<f32> =
            chosen.iter().flat_map(|s| s.point_centres().into_iter().flat_map(|p| [p.x, p.y, p.z])).collect();
        let labels: Vec<i64> = chosen.iter().flat_map(|s| s.labels.iter().map(|&l| l as i64)).collect();
        let classes: Vec<i64> = chosen.iter().map(|s| s.class as i64).collect();
        let assignments: Vec<Vec<usize>> = match fine {
            Some(f) => f.to_vec(),
            None => indices.iter().map(|&i| self.fine[i].clone()).collect(),
        };
        Ok(ApenBatch {
            points: Tensor::from_data(TensorData::new(points, [b, n, 3]), device),
            fine: one_hot(&assignments, self.fine_parts, device)?,
            labels: Tensor::from_data(TensorData::new(labels, [b * n]), device),
            classes: Tensor::from_data(TensorData::new(classes, [b]), device),
            centres: Tensor::from_data(TensorData::new(centres, [b, n, 3]), device),
            parts: chosen.iter().map(|s| s.parts.clone()).collect(),
        })
    }
}

impl BatchSource<ApenBatch> for PartBatches {
    fn num_batches(&self) -> usize {
        self.samples.len() / self.batch_size.max(1)
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<ApenBatch> {
        let order = epoch_order(self.samples.len(), self.shuffle_seed, epoch);
        let bs = self.batch_size.max(1);
        let indices = order.get(index * bs..(index + 1) * bs).ok_or_else(|| {
            kiln_core::CoreError::batch(epoch, index, format!("batch {index} is past the {} samples", order.len()))
        })?;
        self.batch_of(indices, None, device).map_err(|e| kiln_core::CoreError::batch(epoch, index, e))
    }
}
