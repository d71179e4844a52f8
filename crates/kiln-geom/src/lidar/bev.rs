//! Bird's-eye-view rasterisation: points → a grid over the ground plane with per-cell
//! channels (occupancy, point count, max height, mean intensity, majority label), as used by
//! BEV detectors and the Parallel Perception Network (0.2 m cells).
//!
//! Cell `(ix, iy)` covers `x ∈ [x_min + ix·r, x_min + (ix+1)·r)`, `y ∈ [y_min + iy·r,
//! y_min + (iy+1)·r)` with `r` the resolution: `ix = ⌊(x − x_min) / r⌋`. Points outside
//! `[x_min, x_max) × [y_min, y_max)` (or with a non-finite coordinate) are dropped.

use super::scan::LidarScan;
use crate::error::{GeomError, Result};

/// Most cells a grid may have (4096², 16 Mi cells).
pub const MAX_CELLS: usize = 1 << 24;

/// The grid: resolution and extent, metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BevConfig {
    /// Cell side, metres.
    pub resolution: f32,
    /// `[x_min, x_max)`, metres.
    pub x_range: [f32; 2],
    /// `[y_min, y_max)`, metres.
    pub y_range: [f32; 2],
}

impl Default for BevConfig {
    /// 0.2 m cells over ±51.2 m: 512 × 512.
    fn default() -> Self {
        Self { resolution: 0.2, x_range: [-51.2, 51.2], y_range: [-51.2, 51.2] }
    }
}

impl BevConfig {
    /// Cells along x and y: each extent divided by the resolution, which must be positive and
    /// finite and divide both extents into a whole, non-zero number of cells (within 10⁻³ of
    /// a cell), at most [`MAX_CELLS`] in all ([`GeomError::BadBevGrid`] otherwise).
    pub fn cells(&self) -> Result<(usize, usize)> {
        let bad = |message: String| GeomError::BadBevGrid { message };
        let r = self.resolution;
        if !(r.is_finite() && r > 0.0) {
            return Err(bad(format!("resolution {r} is not a positive number of metres")));
        }
        let axis = |name: &str, [lo, hi]: [f32; 2]| -> Result<usize> {
            let n = (hi - lo) / r;
            if !(lo.is_finite() && hi.is_finite() && n.is_finite()) || n.round() < 1.0 {
                return Err(bad(format!("{name} range [{lo}, {hi}) holds no {r} m cell")));
            }
            if (n - n.round()).abs() > 1e-3 {
                return Err(bad(format!("{name} range [{lo}, {hi}) is not a whole number of {r} m cells")));
            }
            // Finite and at least 1; the cap below bounds it.
            Ok(n.round().min(MAX_CELLS as f32 + 1.0) as usize)
        };
        let (nx, ny) = (axis("x", self.x_range)?, axis("y", self.y_range)?);
        if nx.saturating_mul(ny) > MAX_CELLS {
            return Err(bad(format!("{nx} × {ny} cells is more than {MAX_CELLS}")));
        }
        Ok((nx, ny))
    }
}

/// A rasterised scan; every channel is `nx · ny` values, cell `(ix, iy)` at `iy · nx + ix`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bev {
    /// The grid.
    pub config: BevConfig,
    /// Cells along x.
    pub nx: usize,
    /// Cells along y.
    pub ny: usize,
    /// Points per cell.
    pub count: Vec<u32>,
    /// Highest z per cell (0 for empty cells).
    pub max_height: Vec<f32>,
    /// Mean intensity per cell (0 for empty cells).
    pub mean_intensity: Vec<f32>,
    /// Most frequent semantic class per cell (ties to the smaller id; 0 for empty cells), when
    /// the scan has labels.
    pub majority_class: Option<Vec<u16>>,
}

impl Bev {
    /// The flat index of cell `(ix, iy)`.
    pub fn index(&self, ix: usize, iy: usize) -> usize {
        iy * self.nx + ix
    }

    /// The cell holding the point `(x, y)`, if it lies inside the grid.
    pub fn cell_of(&self, x: f32, y: f32) -> Option<(usize, usize)> {
        locate(&self.config, self.nx, self.ny, x, y)
    }

    /// Occupancy: 1 where a cell holds a point, 0 elsewhere.
    pub fn occupancy(&self) -> Vec<f32> {
        self.count.iter().map(|&c| f32::from(u8::from(c > 0))).collect()
    }

    /// Number of points kept (inside the grid).
    pub fn points_kept(&self) -> usize {
        self.count.iter().map(|&c| c as usize).sum()
    }
}

fn locate(config: &BevConfig, nx: usize, ny: usize, x: f32, y: f32) -> Option<(usize, usize)> {
    let axis = |v: f32, [lo, hi]: [f32; 2], n: usize| {
        // NaN fails both comparisons and is dropped.
        (v >= lo && v < hi).then(|| (((v - lo) / config.resolution).floor() as usize).min(n - 1))
    };
    Some((axis(x, config.x_range, nx)?, axis(y, config.y_range, ny)?))
}

/// Rasterises `scan` onto the grid of `config`.
pub fn rasterize(scan: &LidarScan, config: &BevConfig) -> Result<Bev> {
    scan.validate()?;
    let (nx, ny) = config.cells()?;
    let cells = nx * ny;
    let mut count = vec![0u32; cells];
    let mut max_height = vec![f32::NEG_INFINITY; cells];
    let mut sum_intensity = vec![0.0f64; cells];
    let mut class_votes: Vec<(usize, u16)> = Vec::new();
    for (i, p) in scan.positions.iter().enumerate() {
        // A non-finite x or y fails `locate`; a non-finite z would poison the cell's height.
        let Some((ix, iy)) = locate(config, nx, ny, p.x, p.y).filter(|_| p.z.is_finite()) else {
            continue;
        };
        let c = iy * nx + ix;
        count[c] += 1;
        max_height[c] = max_height[c].max(p.z);
        sum_intensity[c] += f64::from(scan.intensities[i]);
        if let Some(labels) = &scan.labels {
            class_votes.push((c, labels[i].class));
        }
    }
    let majority_class = scan.labels.as_ref().map(|_| majority(&mut class_votes, cells));
    let mean_intensity =
        count.iter().zip(&sum_intensity).map(|(&n, &s)| if n > 0 { (s / f64::from(n)) as f32 } else { 0.0 }).collect();
    for (h, &n) in max_height.iter_mut().zip(&count) {
        if n == 0 {
            *h = 0.0;
        }
    }
    Ok(Bev { config: *config, nx, ny, count, max_height, mean_intensity, majority_class })
}

/// The most frequent class per cell from `(cell, class)` votes (ties to the smaller class).
fn majority(votes: &mut [(usize, u16)], cells: usize) -> Vec<u16> {
    votes.sort_unstable();
    let mut out = vec![0u16; cells];
    let mut best = vec![0usize; cells];
    for run in votes.chunk_by(|a, b| a == b) {
        let (cell, class) = run[0];
        // Runs arrive in increasing class order, so a tie keeps the smaller class.
        if run.len() > best[cell] {
            best[cell] = run.len();
            out[cell] = class;
        }
    }
    out
}
