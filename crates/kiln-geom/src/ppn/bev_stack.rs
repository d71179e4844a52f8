//! The PPN's input and target rasters, built from raw scans on top of
//! [`crate::lidar::rasterize`].
//!
//! **Input** (the notebook's BEV): the points are binned into `cells²` cells and `L` height
//! layers of thickness `Δz = z_top / L` above the ground, the highest layer of each cell is
//! kept (the max-z map) and binarised at layer > 0. With `h = z + sensor_height` the height
//! above the ground and `layer(h) = clamp(⌊h / Δz⌋, 0, L − 1)` (monotone in `h`):
//!
//! `occ(cell) = [max_{p ∈ cell} layer(h_p) > 0] = [max_{p ∈ cell} h_p ≥ Δz]`,
//!
//! so ground returns (layer 0) leave a cell empty while walls and cars fill it. `T` frames,
//! oldest first, are the channels of a `[1, T, cells, cells]` tensor; cell `(ix, iy)` is row
//! `iy`, column `ix` (the flat index `iy · cells + ix` of [`crate::lidar::Bev`]).
//!
//! **Target** (ours; see [`super`]): the next frame's class per cell, [`PpnClass`], from the
//! labels of its elevated points (`h ≥ Δz`): car if any is a car, wall if any other, empty
//! otherwise; so `class ≠ empty` ⇔ `occ = 1`.

use burn::prelude::{Device, Tensor, TensorData};

use super::config::{CLASSES, PpnConfig};
use crate::error::{GeomError, Result};
use crate::lidar::{BevConfig, LidarClass, LidarScan, rasterize};

/// A cell's class in the PPN's output and target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PpnClass {
    /// No elevated return (road or nothing).
    Empty = 0,
    /// An elevated return that is not a car (the track walls).
    Wall = 1,
    /// An elevated car return.
    Car = 2,
}

impl PpnClass {
    /// All classes in channel order.
    pub const ALL: [Self; CLASSES] = [Self::Empty, Self::Wall, Self::Car];

    /// The class of channel `index` (out-of-range indices are empty).
    pub fn from_index(index: u8) -> Self {
        match index {
            1 => Self::Wall,
            2 => Self::Car,
            _ => Self::Empty,
        }
    }

    /// The SemanticKITTI class id it is drawn as (0, fence 51, car 10).
    pub fn semantic_id(self) -> u16 {
        match self {
            Self::Empty => LidarClass::Unlabeled.id(),
            Self::Wall => LidarClass::Fence.id(),
            Self::Car => LidarClass::Car.id(),
        }
    }
}

/// Builds the binarised BEV and the class maps of one grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BevStack {
    /// The lidar grid (square, centred on the sensor).
    pub grid: BevConfig,
    /// Cells per side.
    pub cells: usize,
    /// Frames per stack, `T`.
    pub frames: usize,
    /// `Δz`: the lowest layer's thickness, metres.
    pub layer_height: f32,
    /// Sensor height above the ground, metres.
    pub sensor_height: f32,
}

impl BevStack {
    /// The builder of `config`'s grid (its grid must be valid).
    pub fn new(config: &PpnConfig) -> Result<Self> {
        let grid = config.bev_config();
        let (nx, ny) = grid.cells()?;
        if nx != config.cells || ny != config.cells {
            return Err(GeomError::Invalid(format!("PPN grid is {nx} × {ny} cells, expected {0}²", config.cells)));
        }
        Ok(Self {
            grid,
            cells: config.cells,
            frames: config.frames,
            layer_height: config.layer_height(),
            sensor_height: config.sensor_height,
        })
    }

    /// Values per frame, `cells²`.
    pub fn cells_per_frame(&self) -> usize {
        self.cells * self.cells
    }

    /// Whether a point at sensor-frame height `z` lies above the ground layer.
    pub fn is_elevated(&self, z: f32) -> bool {
        z + self.sensor_height >= self.layer_height
    }

    /// The binarised BEV of one scan, `cells²` values in `{0, 1}`.
    pub fn occupancy(&self, scan: &LidarScan) -> Result<Vec<f32>> {
        let bev = rasterize(scan, &self.grid)?;
        Ok(bev
            .count
            .iter()
            .zip(&bev.max_height)
            .map(|(&n, &z)| f32::from(u8::from(n > 0 && self.is_elevated(z))))
            .collect())
    }

    /// The class map of one labelled scan, `cells²` [`PpnClass`] indices; a scan without
    /// labels is refused.
    pub fn classes(&self, scan: &LidarScan) -> Result<Vec<u8>> {
        let Some(labels) = &scan.labels else {
            return Err(GeomError::Invalid("a PPN target needs a labelled scan".into()));
        };
        let bev = rasterize(scan, &self.grid)?;
        let mut out = vec![PpnClass::Empty as u8; self.cells_per_frame()];
        for (p, label) in scan.positions.iter().zip(labels) {
            if !(p.z.is_finite() && self.is_elevated(p.z)) {
                continue;
            }
            if let Some((ix, iy)) = bev.cell_of(p.x, p.y) {
                let class = if LidarClass::from_id(label.class) == Some(LidarClass::Car) {
                    PpnClass::Car
                } else {
                    PpnClass::Wall
                };
                let c = bev.index(ix, iy);
                out[c] = out[c].max(class as u8);
            }
        }
        Ok(out)
    }

    /// The input of `scans` (exactly `T`, oldest first) as `[1, T, cells, cells]` on `device`.
    pub fn tensor(&self, scans: &[LidarScan], device: &Device) -> Result<Tensor<4>> {
        if scans.len() != self.frames {
            return Err(GeomError::Invalid(format!(
                "the PPN takes {} frames per stack, {} were given",
                self.frames,
                scans.len()
            )));
        }
        let mut flat = Vec::with_capacity(self.frames * self.cells_per_frame());
        for scan in scans {
            flat.extend(self.occupancy(scan)?);
        }
        Ok(Tensor::from_data(TensorData::new(flat, [1, self.frames, self.cells, self.cells]), device))
    }
}

/// One-hot encoding of class maps: `maps` of `cells²` indices each → `[maps, CLASSES, cells²]`
/// values, row-major.
pub fn one_hot(maps: &[&[u8]], cells_per_frame: usize) -> Vec<f32> {
    let mut out = vec![0.0; maps.len() * CLASSES * cells_per_frame];
    for (b, map) in maps.iter().enumerate() {
        for (i, &c) in map.iter().enumerate().take(cells_per_frame) {
            let c = usize::from(c).min(CLASSES - 1);
            out[(b * CLASSES + c) * cells_per_frame + i] = 1.0;
        }
    }
    out
}
