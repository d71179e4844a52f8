//! Evaluation of trained BSP-Nets as reported in `docs/results/geom.md`: pixel IoU and convex
//! counts (before and after redundancy culling) on 2-D images; voxel IoU, Chamfer distance,
//! convex counts and extraction time on 3-D shapes.

use std::time::Instant;

use burn::prelude::{Device, Tensor, TensorData};

use super::extract::{BspShape2d, BspShape3d, extract_2d, extract_3d};
use super::model::BspNet;
use crate::error::Result;
use crate::metrics::{chamfer_distance, mask_iou};
use crate::ops::voxel::VoxelGrid;
use crate::shapes::primitives::PrimitiveUnion;
use crate::shapes::toy2d::ToyImage;

/// Per-image 2-D results.
#[derive(Debug, Clone)]
pub struct Eval2d {
    /// Pixel IoU of the rasterised polygons against the image.
    pub iou: f32,
    /// Convexes used (after redundancy culling).
    pub convexes: usize,
    /// Convexes with a pixel inside before redundancy culling.
    pub convexes_before_culling: usize,
    /// The polygons.
    pub shape: BspShape2d,
}

/// Evaluates `model` on `images`.
pub fn evaluate_2d(model: &BspNet, images: &[ToyImage], device: &Device) -> Result<Vec<Eval2d>> {
    let mut out = Vec::with_capacity(images.len());
    for chunk in images.chunks(16) {
        let s = chunk[0].size;
        let flat: Vec<f32> = chunk.iter().flat_map(ToyImage::to_f32).collect();
        let input = Tensor::<4>::from_data(TensorData::new(flat, [chunk.len(), 1, s, s]), device);
        for (shape, img) in extract_2d(model, input, device).into_iter().zip(chunk) {
            let iou = mask_iou(&shape.rasterize(s), &img.pixels)?;
            out.push(Eval2d {
                iou,
                convexes: shape.polygons.len(),
                convexes_before_culling: shape.convexes_before_culling,
                shape,
            });
        }
    }
    Ok(out)
}

/// Per-shape 3-D results.
#[derive(Debug, Clone)]
pub struct Eval3d {
    /// Voxel IoU of the extracted polytopes against the target at the input resolution.
    pub iou: f32,
    /// Chamfer distance between surface samples of the result and of the target.
    pub chamfer: f32,
    /// Convexes used (after redundancy culling).
    pub convexes: usize,
    /// Convexes with a voxel inside before redundancy culling.
    pub convexes_before_culling: usize,
    /// Seconds for mesh extraction (grid evaluation and half-space intersection).
    pub extraction_seconds: f64,
    /// The extracted shape.
    pub shape: BspShape3d,
}

/// Evaluates `model` on procedural `shapes` voxelised at `resolution`, with `samples` surface
/// points for Chamfer.
pub fn evaluate_3d(
    model: &BspNet,
    shapes: &[PrimitiveUnion],
    resolution: usize,
    samples: usize,
    device: &Device,
) -> Result<Vec<Eval3d>> {
    let mut out = Vec::with_capacity(shapes.len());
    for (k, target) in shapes.iter().enumerate() {
        let voxels = target.voxelize(resolution);
        let r = resolution;
        let input = voxels.to_tensor(device).reshape([1, 1, r, r, r]);
        let start = Instant::now();
        let shape = extract_3d(model, input, r, device).into_iter().next().unwrap_or_default();
        let mesh = shape.mesh();
        let extraction_seconds = start.elapsed().as_secs_f64();
        let predicted = VoxelGrid::from_fn(r, voxels.bounds, |p| shape.contains(p));
        let iou = crate::metrics::voxel_iou(&predicted, &voxels)?;
        let target_pts = target.sample_surface(samples, k as u64)?.positions;
        let chamfer = if mesh.faces.is_empty() {
            f32::NAN
        } else {
            let cloud = crate::ops::sample::sample_surface(&mesh, samples, k as u64)?;
            let keep: Vec<usize> = (0..cloud.len())
                .filter(|&i| {
                    let n = cloud.normals.as_ref().map_or(nalgebra::Vector3::zeros(), |n| n[i]);
                    !shape.contains(&(cloud.positions[i] + n * 1e-4))
                })
                .collect();
            let pts = if keep.is_empty() { cloud.positions } else { cloud.select(&keep).positions };
            chamfer_distance(&pts, &target_pts)?
        };
        out.push(Eval3d {
            iou,
            chamfer,
            convexes: shape.num_convexes(),
            convexes_before_culling: shape.convexes_before_culling,
            extraction_seconds,
            shape,
        });
    }
    Ok(out)
}
