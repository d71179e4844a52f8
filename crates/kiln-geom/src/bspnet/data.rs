//! Batch sources for BSP-Net: the 2-D toy images (every pixel centre is a query point, as in
//! the official 2-D code) and 3-D voxel shapes with coarse-to-fine point samples (§4: points
//! on a 16³ grid first, then on the 32³ grid with the near-surface cells kept).

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::seed::epoch_order;
use kiln_core::train::BatchSource;
use nalgebra::Point3;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::model::{BspBatch, BspInput};
use crate::aabb::Aabb;
use crate::ops::voxel::VoxelGrid;
use crate::shapes::toy2d::ToyImage;

/// Centres of the pixels of a `size²` image in `[-½, ½]²`, row-major (`(row, col)` order).
pub fn pixel_points(size: usize) -> Vec<Vec<f32>> {
    let c = |i: usize| (i as f32 + 0.5) / size as f32 - 0.5;
    (0..size * size).map(|n| vec![c(n / size), c(n % size)]).collect()
}

fn homogeneous_flat(points: &[Vec<f32>]) -> Vec<f32> {
    points.iter().flat_map(|p| p.iter().copied().chain([1.0])).collect()
}

/// The 2-D toy images as batches.
#[derive(Debug, Clone)]
pub struct ToyBatches {
    /// The images (all the same size).
    pub images: Vec<ToyImage>,
    /// Shapes per batch.
    pub batch_size: usize,
    /// Shuffling seed (`None`: in order, for evaluation).
    pub shuffle_seed: Option<u64>,
    points: Vec<f32>,
}

impl ToyBatches {
    /// Batches of `batch_size` images.
    pub fn new(images: Vec<ToyImage>, batch_size: usize, shuffle_seed: Option<u64>) -> Self {
        let size = images.first().map_or(0, |i| i.size);
        Self { points: homogeneous_flat(&pixel_points(size)), images, batch_size: batch_size.max(1), shuffle_seed }
    }

    /// A batch of the images at `indices`.
    pub fn batch_of(&self, indices: &[usize], device: &Device) -> BspBatch {
        let s = self.images.first().map_or(0, |i| i.size);
        let b = indices.len();
        let pix: Vec<f32> = indices.iter().flat_map(|&i| self.images[i].to_f32()).collect();
        let points: Vec<f32> = (0..b).flat_map(|_| self.points.iter().copied()).collect();
        BspBatch {
            input: BspInput::Image(Tensor::from_data(TensorData::new(pix.clone(), [b, 1, s, s]), device)),
            points: Tensor::from_data(TensorData::new(points, [b, s * s, 3]), device),
            values: Tensor::from_data(TensorData::new(pix, [b, s * s]), device),
        }
    }
}

impl BatchSource<BspBatch> for ToyBatches {
    fn num_batches(&self) -> usize {
        self.images.len() / self.batch_size
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<BspBatch> {
        let order = epoch_order(self.images.len(), self.shuffle_seed, epoch);
        Ok(self.batch_of(batch_slice(&order, index, self.batch_size, epoch)?, device))
    }
}

/// One 3-D training shape: its input voxels and query points with occupancy.
#[derive(Debug, Clone)]
pub struct ShapeSample {
    /// The encoder's input grid over `[-½, ½]³`.
    pub voxels: VoxelGrid,
    /// Query points.
    pub points: Vec<Point3<f32>>,
    /// Their occupancy (1 inside).
    pub values: Vec<f32>,
}

impl ShapeSample {
    /// Query points at the cell centres of a `point_resolution³` grid (coarse stage).
    pub fn coarse(voxels: VoxelGrid, point_resolution: usize, inside: &dyn Fn(&Point3<f32>) -> bool) -> Self {
        let grid = VoxelGrid::from_fn(point_resolution, Aabb::cube(0.5), inside);
        let values = grid.occupied.iter().map(|&o| o as u8 as f32).collect();
        Self { points: grid.centers(), values, voxels }
    }

    /// `n` query points from the cell centres of a `point_resolution³` grid (fine stage): every
    /// cell with a neighbour of the other occupancy (near the surface) first, the rest drawn
    /// uniformly, deterministic by `seed`.
    pub fn fine(
        voxels: VoxelGrid,
        point_resolution: usize,
        n: usize,
        seed: u64,
        inside: &dyn Fn(&Point3<f32>) -> bool,
    ) -> Self {
        let grid = VoxelGrid::from_fn(point_resolution, Aabb::cube(0.5), inside);
        let r = point_resolution as isize;
        let occ = |i: isize, j: isize, k: isize| {
            (0..r).contains(&i)
                && (0..r).contains(&j)
                && (0..r).contains(&k)
                && grid.occupied[grid.index(i as usize, j as usize, k as usize)]
        };
        let mut near = Vec::new();
        let mut far = Vec::new();
        for n in 0..grid.occupied.len() {
            let (i, j, k) =
                ((n / (r * r) as usize) as isize, ((n / r as usize) % r as usize) as isize, (n % r as usize) as isize);
            let o = occ(i, j, k);
            let boundary = [(1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1)]
                .iter()
                .any(|(a, b, c)| occ(i + a, j + b, k + c) != o);
            if boundary { near.push(n) } else { far.push(n) }
        }
        let mut rng = StdRng::seed_from_u64(seed);
        near.shuffle(&mut rng);
        far.shuffle(&mut rng);
        let chosen: Vec<usize> = near.into_iter().take(n / 2).chain(far).take(n).collect();
        let centers = grid.centers();
        Self {
            points: chosen.iter().map(|&i| centers[i]).collect(),
            values: chosen.iter().map(|&i| grid.occupied[i] as u8 as f32).collect(),
            voxels,
        }
    }
}

/// 3-D shapes as batches (every shape must have the same number of query points).
#[derive(Debug, Clone)]
pub struct ShapeBatches {
    /// The shapes.
    pub shapes: Vec<ShapeSample>,
    /// Shapes per batch.
    pub batch_size: usize,
    /// Shuffling seed (`None`: in order).
    pub shuffle_seed: Option<u64>,
}

impl ShapeBatches {
    /// A batch of the shapes at `indices`.
    pub fn batch_of(&self, indices: &[usize], device: &Device) -> BspBatch {
        let b = indices.len();
        let r = self.shapes.first().map_or(0, |s| s.voxels.resolution);
        let n = self.shapes.first().map_or(0, |s| s.points.len());
        let vox: Vec<f32> =
            indices.iter().flat_map(|&i| self.shapes[i].voxels.occupied.iter().map(|&o| o as u8 as f32)).collect();
        let points: Vec<f32> =
            indices.iter().flat_map(|&i| self.shapes[i].points.iter().flat_map(|p| [p.x, p.y, p.z, 1.0])).collect();
        let values: Vec<f32> = indices.iter().flat_map(|&i| self.shapes[i].values.iter().copied()).collect();
        BspBatch {
            input: BspInput::Voxels(Tensor::from_data(TensorData::new(vox, [b, 1, r, r, r]), device)),
            points: Tensor::from_data(TensorData::new(points, [b, n, 4]), device),
            values: Tensor::from_data(TensorData::new(values, [b, n]), device),
        }
    }
}

impl BatchSource<BspBatch> for ShapeBatches {
    fn num_batches(&self) -> usize {
        self.shapes.len() / self.batch_size.max(1)
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<BspBatch> {
        let order = epoch_order(self.shapes.len(), self.shuffle_seed, epoch);
        Ok(self.batch_of(batch_slice(&order, index, self.batch_size.max(1), epoch)?, device))
    }
}

/// Positions `index·size .. (index+1)·size` of `order`, or a batch error past the end.
fn batch_slice(order: &[usize], index: usize, size: usize, epoch: usize) -> kiln_core::Result<&[usize]> {
    order.get(index * size..(index + 1) * size).ok_or_else(|| {
        kiln_core::CoreError::batch(
            epoch,
            index,
            format!("batch {index} of size {size} is past the {} items", order.len()),
        )
    })
}
