//! APEN's starting partition: a fine over-segmentation whose parts almost surely lie inside one
//! true part. `K₀` centres by farthest-point sampling ([`crate::ops::farthest_point_sampling`],
//! from point 0), every point assigned to its nearest centre, as a one-hot `Z₀ ∈ {0,1}^{n×K₀}`.
//! Also the helpers on partitions: hardening and the partition a labelling induces.

use burn::prelude::{Device, Tensor, TensorData};
use nalgebra::Point3;

use crate::error::{GeomError, Result};
use crate::ops::farthest_point_sampling;

/// The fine over-segmentation of one cloud: the part (`0..parts`) of every point. Errors on an
/// empty cloud, `parts = 0`, more parts than points, or a non-finite coordinate.
pub fn fine_partition(points: &[Point3<f32>], parts: usize) -> Result<Vec<usize>> {
    if points.is_empty() {
        return Err(GeomError::Invalid("fine partition of an empty cloud".into()));
    }
    if parts == 0 || parts > points.len() {
        return Err(GeomError::Invalid(format!("fine partition into {parts} parts of {} points", points.len())));
    }
    if let Some(i) = points.iter().position(|p| !p.coords.iter().all(|v| v.is_finite())) {
        return Err(GeomError::Invalid(format!("point {i} has a non-finite coordinate")));
    }
    let centres: Vec<Point3<f32>> = farthest_point_sampling(points, parts, 0).into_iter().map(|i| points[i]).collect();
    Ok(points
        .iter()
        .map(|p| {
            centres
                .iter()
                .enumerate()
                .map(|(k, c)| ((p - c).norm_squared(), k))
                .fold((f32::INFINITY, 0), |best, x| if x.0 < best.0 { x } else { best })
                .1
        })
        .collect())
}

/// One-hot partitions `[B, N, K]` from assignments (every cloud with the same `N`). Errors on
/// ragged clouds, no clouds, or a part index `≥ parts`.
pub fn one_hot(assignments: &[Vec<usize>], parts: usize, device: &Device) -> Result<Tensor<3>> {
    let n = assignments.first().map_or(0, Vec::len);
    if n == 0 || assignments.iter().any(|a| a.len() != n) {
        return Err(GeomError::Invalid("one-hot partition needs clouds of the same, non-zero size".into()));
    }
    let mut z = vec![0.0f32; assignments.len() * n * parts];
    for (b, a) in assignments.iter().enumerate() {
        for (i, &k) in a.iter().enumerate() {
            if k >= parts {
                return Err(GeomError::Invalid(format!("cloud {b}, point {i}: part {k} of only {parts}")));
            }
            z[(b * n + i) * parts + k] = 1.0;
        }
    }
    Ok(Tensor::from_data(TensorData::new(z, [assignments.len(), n, parts]), device))
}

/// `Z₀` for a batch: [`fine_partition`] of every cloud, one-hot.
pub fn fine_batch(clouds: &[Vec<Point3<f32>>], parts: usize, device: &Device) -> Result<Tensor<3>> {
    let assignments = clouds.iter().map(|c| fine_partition(c, parts)).collect::<Result<Vec<_>>>()?;
    one_hot(&assignments, parts, device)
}

/// The hard partition of a soft one: `argmax_j Z_ij` per point, as host indices `[B][N]`.
pub fn argmax_parts(z: &Tensor<3>) -> Vec<Vec<usize>> {
    let [b, n, k] = z.dims();
    let v = kiln_core::tensor::to_vec(z.clone().detach());
    (0..b)
        .map(|bi| {
            (0..n)
                .map(|i| {
                    let row = &v[(bi * n + i) * k..(bi * n + i + 1) * k];
                    row.iter().enumerate().fold((0, f32::NEG_INFINITY), |b, (j, &x)| if x > b.1 { (j, x) } else { b }).0
                })
                .collect()
        })
        .collect()
}

/// Row sums of `Z`, `[B, N]` (1 for a partition).
pub fn row_sums(z: Tensor<3>) -> Tensor<2> {
    z.sum_dim(2).squeeze_dim(2)
}
