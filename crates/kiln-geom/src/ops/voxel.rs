//! [`VoxelGrid`]: a cubic boolean grid over a box, and voxelisation of points, occupancy
//! functions and closed meshes. Cell `(i, j, k)` runs along `(x, y, z)`; flat index
//! `(i·r + j)·r + k`.

use burn::prelude::{Device, Tensor, TensorData};
use nalgebra::Point3;

use super::occupancy::is_inside;
use crate::aabb::Aabb;
use crate::mesh::TriangleMesh;

/// A boolean `r × r × r` grid over `bounds`.
#[derive(Debug, Clone, PartialEq)]
pub struct VoxelGrid {
    /// Cells per axis.
    pub resolution: usize,
    /// The box the grid covers.
    pub bounds: Aabb,
    /// Occupancy, flat index `(i·r + j)·r + k`.
    pub occupied: Vec<bool>,
}

impl VoxelGrid {
    /// An empty grid.
    pub fn new(resolution: usize, bounds: Aabb) -> Self {
        Self { resolution, bounds, occupied: vec![false; resolution.pow(3)] }
    }

    /// Flat index of cell `(i, j, k)`.
    pub fn index(&self, i: usize, j: usize, k: usize) -> usize {
        (i * self.resolution + j) * self.resolution + k
    }

    /// Centre of cell `(i, j, k)`.
    pub fn center(&self, i: usize, j: usize, k: usize) -> Point3<f32> {
        let e = self.bounds.extent() / self.resolution as f32;
        Point3::new(
            self.bounds.min.x + (i as f32 + 0.5) * e.x,
            self.bounds.min.y + (j as f32 + 0.5) * e.y,
            self.bounds.min.z + (k as f32 + 0.5) * e.z,
        )
    }

    /// Centres of every cell in flat-index order.
    pub fn centers(&self) -> Vec<Point3<f32>> {
        let r = self.resolution;
        (0..r * r * r).map(|n| self.center(n / (r * r), (n / r) % r, n % r)).collect()
    }

    /// The cell holding `p` (`None` outside the box).
    pub fn cell_of(&self, p: &Point3<f32>) -> Option<(usize, usize, usize)> {
        if !self.bounds.contains(p) {
            return None;
        }
        let e = self.bounds.extent();
        let r = self.resolution;
        let c = |a: usize| (((p[a] - self.bounds.min[a]) / e[a] * r as f32) as usize).min(r - 1);
        Some((c(0), c(1), c(2)))
    }

    /// Marks every cell whose centre satisfies `inside`.
    pub fn from_fn(resolution: usize, bounds: Aabb, inside: impl Fn(&Point3<f32>) -> bool) -> Self {
        let mut g = Self::new(resolution, bounds);
        g.occupied = g.centers().iter().map(inside).collect();
        g
    }

    /// Marks every cell that holds at least one point.
    pub fn from_points(resolution: usize, bounds: Aabb, points: &[Point3<f32>]) -> Self {
        let mut g = Self::new(resolution, bounds);
        for p in points {
            if let Some((i, j, k)) = g.cell_of(p) {
                let n = g.index(i, j, k);
                g.occupied[n] = true;
            }
        }
        g
    }

    /// Solid voxelisation of a closed mesh: a cell is occupied when its centre is inside.
    pub fn from_mesh(resolution: usize, bounds: Aabb, mesh: &TriangleMesh) -> Self {
        Self::from_fn(resolution, bounds, |p| is_inside(mesh, p))
    }

    /// Number of occupied cells.
    pub fn count(&self) -> usize {
        self.occupied.iter().filter(|&&o| o).count()
    }

    /// The grid as a `[1, r, r, r]` tensor of 0/1 (a channel-first CNN input).
    pub fn to_tensor(&self, device: &Device) -> Tensor<4> {
        let r = self.resolution;
        let v: Vec<f32> = self.occupied.iter().map(|&o| o as u8 as f32).collect();
        Tensor::from_data(TensorData::new(v, [1, r, r, r]), device)
    }
}
