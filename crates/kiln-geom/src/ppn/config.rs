//! [`PpnConfig`]: the BEV grid and the sizes of both networks of the Parallel Perception
//! Network (Sah & Chinara, arXiv 2412.18165).
//!
//! Encoder stage `s` (0-based) has `base_channels · 2^s` channels; stages are separated by a
//! 2×2 max-pool, so the bottleneck is `2^(stages−1)` times coarser than the grid. A grid that
//! is not a multiple of `2^(stages−1)` (the paper's 1000² with 6 stages: 1000 = 31.25 · 32) is
//! zero-padded on its high side to the next multiple inside the nets and the outputs are
//! cropped back ([`PpnConfig::padded_cells`]).

use burn::prelude::Device;

use super::bev_stack::BevStack;
use super::model::Ppn;
use super::recon::ReconNet;
use super::segnet::SegNet;
use crate::error::{GeomError, Result};
use crate::lidar::BevConfig;

/// Classes the nets predict per cell: empty, wall, car ([`super::bev_stack::PpnClass`]).
pub const CLASSES: usize = 3;

/// Most encoder stages (the widths `base · 2^s` and the pooling factor must stay sane).
pub const MAX_STAGES: usize = 12;

/// The grid and the network sizes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PpnConfig {
    /// Cell side, metres (paper: 0.2).
    pub resolution: f32,
    /// Cells per side of the square grid centred on the sensor (paper: 1000, i.e. ±100 m).
    pub cells: usize,
    /// Height layers between the ground and `z_top` (paper: 50); only the lowest layer's
    /// thickness `z_top / z_layers` matters for the binarised BEV.
    pub z_layers: usize,
    /// Top of the highest layer above the ground, metres.
    pub z_top: f32,
    /// Height of the sensor above the ground, metres (the ground is at `z = −sensor_height`
    /// in the sensor frame).
    pub sensor_height: f32,
    /// Frames stacked as input channels, `T` (paper: 16).
    pub frames: usize,
    /// Encoder stages (paper: 6).
    pub stages: usize,
    /// Channels of the first stage (paper: 32, so 32 → 1024 over 6 stages).
    pub base_channels: usize,
}

impl Default for PpnConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl PpnConfig {
    /// The paper's sizes: 0.2 m cells on a 1000² grid, 50 z-layers over 5 m, T = 16 frames,
    /// 6 stages of 32 → 1024 channels; the sensor 1.73 m above the ground (our simulator's
    /// [`crate::lidar::sensor::SpinningLidar`] default).
    pub fn new() -> Self {
        Self {
            resolution: 0.2,
            cells: 1000,
            z_layers: 50,
            z_top: 5.0,
            sensor_height: 1.73,
            frames: 16,
            stages: 6,
            base_channels: 32,
        }
    }

    /// The CPU-sized version: 0.5 m cells on a 128² grid (±32 m), 8 frames, 4 stages of
    /// 8 → 64 channels.
    pub fn small() -> Self {
        Self { resolution: 0.5, cells: 128, frames: 8, stages: 4, base_channels: 8, ..Self::new() }
    }

    /// Checks the sizes: at least one frame, stage, channel, layer and cell, a positive finite
    /// resolution and heights, at most [`MAX_STAGES`] stages, a grid of at least
    /// `2^(stages−1)` cells per side (the bottleneck keeps one cell), and a grid
    /// [`BevConfig::cells`] accepts.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(GeomError::Invalid(format!("PPN config: {m}")));
        if self.frames == 0 {
            return bad("zero frames; the BEV stack needs at least one".into());
        }
        if self.stages == 0 {
            return bad("zero encoder stages".into());
        }
        if self.stages > MAX_STAGES {
            return bad(format!("{} encoder stages; at most {MAX_STAGES} are supported", self.stages));
        }
        if self.base_channels == 0 {
            return bad("zero channels in the first stage".into());
        }
        if self.z_layers == 0 {
            return bad("zero z-layers".into());
        }
        if !(self.z_top.is_finite() && self.z_top > 0.0 && self.sensor_height.is_finite()) {
            return bad(format!("z_top {} m and sensor height {} m", self.z_top, self.sensor_height));
        }
        let factor = self.pool_factor();
        if self.cells < factor {
            return bad(format!(
                "a {0}² grid is smaller than the pooling factor 2^{1} = {factor} of {2} stages",
                self.cells,
                self.stages - 1,
                self.stages
            ));
        }
        self.bev_config().cells()?;
        Ok(())
    }

    /// How much coarser the bottleneck is than the grid: `2^(stages−1)`.
    pub fn pool_factor(&self) -> usize {
        1usize << self.stages.saturating_sub(1).min(MAX_STAGES)
    }

    /// The grid side the nets compute on: `cells` rounded up to a multiple of
    /// [`pool_factor`](Self::pool_factor) (1024 for the paper's 1000 with 6 stages).
    pub fn padded_cells(&self) -> usize {
        self.cells.div_ceil(self.pool_factor()) * self.pool_factor()
    }

    /// Channels of each encoder stage: `base_channels · 2^s`.
    pub fn widths(&self) -> Vec<usize> {
        (0..self.stages).map(|s| self.base_channels << s).collect()
    }

    /// Thickness of one z-layer, `z_top / z_layers`: a cell is occupied when its highest
    /// point is at least this far above the ground.
    pub fn layer_height(&self) -> f32 {
        self.z_top / self.z_layers.max(1) as f32
    }

    /// The lidar grid: `cells` cells of `resolution` centred on the sensor,
    /// `x, y ∈ [−cells·r/2, cells·r/2)`.
    pub fn bev_config(&self) -> BevConfig {
        let half = self.cells as f32 * self.resolution / 2.0;
        BevConfig { resolution: self.resolution, x_range: [-half, half], y_range: [-half, half] }
    }

    /// The BEV stack builder of this grid.
    pub fn bev_stack(&self) -> Result<BevStack> {
        self.validate()?;
        BevStack::new(self)
    }

    /// Both networks on `device` (seed the device first for a reproducible init), after
    /// [`validate`](Self::validate).
    pub fn init(&self, device: &Device) -> Result<Ppn> {
        let bev = self.bev_stack()?;
        Ok(Ppn { seg: SegNet::new(self, bev, device), recon: ReconNet::new(self, bev, device) })
    }
}
