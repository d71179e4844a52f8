//! PPN training data from the race-track simulator ([`crate::lidar::RaceSim`]): each frame is
//! rasterised once ([`FrameRaster`]), and a sample is a window of `T` consecutive frames (the
//! input stack) with the class map of the frame that follows (the target).

use std::ops::Range;
use std::sync::Arc;

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::train::BatchSource;

use super::bev_stack::{BevStack, one_hot};
use super::config::CLASSES;
use crate::error::{GeomError, Result};
use crate::lidar::{LidarScan, RaceSim};

/// One frame's binarised BEV and class map.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameRaster {
    /// `cells²` values in `{0, 1}` ([`BevStack::occupancy`]).
    pub occupancy: Vec<f32>,
    /// `cells²` class indices ([`BevStack::classes`]).
    pub classes: Vec<u8>,
}

/// The scans of frames `frames` of `sim`.
pub fn simulate_scans(sim: &RaceSim, frames: Range<usize>) -> Result<Vec<LidarScan>> {
    frames.map(|k| Ok(sim.frame(k)?.scan)).collect()
}

/// Rasterises labelled scans.
pub fn rasterize_frames(bev: &BevStack, scans: &[LidarScan]) -> Result<Vec<FrameRaster>> {
    scans.iter().map(|s| Ok(FrameRaster { occupancy: bev.occupancy(s)?, classes: bev.classes(s)? })).collect()
}

/// Start frames of the windows of `frames` frames (plus the target frame after them) in a
/// sequence of `len` frames, every `stride` frames (at least 1).
pub fn window_starts(len: usize, frames: usize, stride: usize) -> Vec<usize> {
    (0..len.saturating_sub(frames)).step_by(stride.max(1)).collect()
}

/// One batch: input stacks and one-hot targets.
#[derive(Debug, Clone)]
pub struct PpnBatch {
    /// `[B, T, cells, cells]` binarised BEV stacks.
    pub input: Tensor<4>,
    /// `[B, 3, cells, cells]` one-hot classes of the next frame.
    pub target: Tensor<4>,
}

/// Windows over rasterised frames, in batches.
#[derive(Debug, Clone)]
pub struct PpnSource {
    /// The frames, in time order.
    pub rasters: Arc<Vec<FrameRaster>>,
    /// Start frame of each window.
    pub starts: Vec<usize>,
    /// Frames per window, `T`.
    pub frames: usize,
    /// Cells per side.
    pub cells: usize,
    /// Windows per batch.
    pub batch_size: usize,
    /// Shuffle the windows every epoch with this seed (`None`: in order).
    pub shuffle: Option<u64>,
}

impl PpnSource {
    /// Windows of `bev.frames` frames starting every `stride` frames of `rasters`; errors when
    /// there is no window or a raster has another size.
    pub fn new(bev: &BevStack, rasters: Arc<Vec<FrameRaster>>, stride: usize, batch_size: usize) -> Result<Self> {
        let n = bev.cells_per_frame();
        if let Some(i) = rasters.iter().position(|r| r.occupancy.len() != n || r.classes.len() != n) {
            return Err(GeomError::Invalid(format!("frame {i} is not a {0}² raster", bev.cells)));
        }
        let starts = window_starts(rasters.len(), bev.frames, stride);
        if starts.is_empty() {
            return Err(GeomError::Invalid(format!(
                "{} frames hold no window of {} frames and a target",
                rasters.len(),
                bev.frames
            )));
        }
        Ok(Self { rasters, starts, frames: bev.frames, cells: bev.cells, batch_size: batch_size.max(1), shuffle: None })
    }

    /// The source shuffled every epoch with `seed`.
    pub fn shuffled(self, seed: u64) -> Self {
        Self { shuffle: Some(seed), ..self }
    }

    /// The windows of batch `index` of `epoch`.
    pub fn batch_starts(&self, epoch: usize, index: usize) -> Vec<usize> {
        let order = kiln_core::seed::epoch_order(self.starts.len(), self.shuffle, epoch);
        order.into_iter().skip(index * self.batch_size).take(self.batch_size).map(|i| self.starts[i]).collect()
    }

    /// The input stack of the window starting at `start`, `T · cells²` values.
    pub fn input_values(&self, start: usize) -> Vec<f32> {
        self.rasters[start..start + self.frames].iter().flat_map(|r| r.occupancy.iter().copied()).collect()
    }

    /// The target class map of the window starting at `start`.
    pub fn target_classes(&self, start: usize) -> &[u8] {
        &self.rasters[start + self.frames].classes
    }
}

impl BatchSource<PpnBatch> for PpnSource {
    fn num_batches(&self) -> usize {
        self.starts.len().div_ceil(self.batch_size)
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<PpnBatch> {
        let starts = self.batch_starts(epoch, index);
        let b = starts.len();
        let n = self.cells;
        let input: Vec<f32> = starts.iter().flat_map(|&s| self.input_values(s)).collect();
        let maps: Vec<&[u8]> = starts.iter().map(|&s| self.target_classes(s)).collect();
        let target = one_hot(&maps, n * n);
        Ok(PpnBatch {
            input: Tensor::from_data(TensorData::new(input, [b, self.frames, n, n]), device),
            target: Tensor::from_data(TensorData::new(target, [b, CLASSES, n, n]), device),
        })
    }
}
