//! Reconstruction metrics as used by BSP-Net (§5, Table 1) and Occupancy Networks:
//!
//! - Chamfer distance `CD(A, B) = mean_{a∈A} min_{b∈B} ‖a − b‖² + mean_{b∈B} min_{a∈A} ‖a − b‖²`
//!   (squared L2, symmetric, 0 for identical clouds).
//! - Normal consistency `NC = ½ (mean_a |n_a · n_{nn(a)}| + mean_b |n_b · n_{nn(b)}|)`.
//! - F-score at threshold `t` (Tatarchenko et al. 2019): harmonic mean of precision (predicted
//!   points within `t` of the target) and recall (target points within `t` of the prediction).
//! - Voxel IoU `|A ∩ B| / |A ∪ B|`.

use nalgebra::{Point3, Vector3};

use crate::error::{GeomError, Result};
use crate::ops::knn::nearest_distances;
use crate::ops::voxel::VoxelGrid;

fn nonempty(a: &[Point3<f32>], b: &[Point3<f32>]) -> Result<()> {
    if a.is_empty() || b.is_empty() {
        Err(GeomError::Invalid("metrics need two non-empty point sets".into()))
    } else {
        Ok(())
    }
}

fn mean(v: impl Iterator<Item = f32>) -> f32 {
    let (s, n) = v.fold((0.0f64, 0usize), |(s, n), x| (s + x as f64, n + 1));
    if n == 0 { 0.0 } else { (s / n as f64) as f32 }
}

/// Symmetric squared-L2 Chamfer distance between two point sets.
pub fn chamfer_distance(a: &[Point3<f32>], b: &[Point3<f32>]) -> Result<f32> {
    nonempty(a, b)?;
    let ab = mean(nearest_distances(b, a).into_iter().map(|(d, _)| d));
    let ba = mean(nearest_distances(a, b).into_iter().map(|(d, _)| d));
    Ok(ab + ba)
}

/// Normal consistency of two oriented point sets (absolute cosine, so flipped normals count).
pub fn normal_consistency(
    a: &[Point3<f32>],
    na: &[Vector3<f32>],
    b: &[Point3<f32>],
    nb: &[Vector3<f32>],
) -> Result<f32> {
    nonempty(a, b)?;
    if a.len() != na.len() || b.len() != nb.len() {
        return Err(GeomError::Invalid("one normal per point is needed".into()));
    }
    let ab = mean(nearest_distances(b, a).iter().enumerate().map(|(i, &(_, j))| na[i].dot(&nb[j]).abs()));
    let ba = mean(nearest_distances(a, b).iter().enumerate().map(|(i, &(_, j))| nb[i].dot(&na[j]).abs()));
    Ok(0.5 * (ab + ba))
}

/// F-score at distance `threshold` of `predicted` against `target`.
pub fn f_score(predicted: &[Point3<f32>], target: &[Point3<f32>], threshold: f32) -> Result<f32> {
    nonempty(predicted, target)?;
    let t2 = threshold * threshold;
    let frac = |d: Vec<(f32, usize)>| d.iter().filter(|x| x.0 <= t2).count() as f32 / d.len() as f32;
    let precision = frac(nearest_distances(target, predicted));
    let recall = frac(nearest_distances(predicted, target));
    Ok(if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 })
}

/// Intersection over union of two boolean masks of equal length (1 when both are empty).
pub fn mask_iou(a: &[bool], b: &[bool]) -> Result<f32> {
    if a.len() != b.len() {
        return Err(GeomError::Invalid(format!("masks of different sizes: {} and {}", a.len(), b.len())));
    }
    let inter = a.iter().zip(b).filter(|(x, y)| **x && **y).count();
    let union = a.iter().zip(b).filter(|(x, y)| **x || **y).count();
    Ok(if union == 0 { 1.0 } else { inter as f32 / union as f32 })
}

/// Voxel IoU of two grids of the same resolution.
pub fn voxel_iou(a: &VoxelGrid, b: &VoxelGrid) -> Result<f32> {
    if a.resolution != b.resolution {
        return Err(GeomError::Invalid("voxel grids of different resolutions".into()));
    }
    mask_iou(&a.occupied, &b.occupied)
}
