//! Conversion between geometry and burn tensors: a cloud is a `[n, 3]` tensor, a batch of
//! clouds `[b, n, 3]`, a voxel grid `[1, r, r, r]`.

use burn::prelude::{Device, Tensor, TensorData};
use nalgebra::Point3;

use crate::cloud::PointCloud;
use crate::error::{GeomError, Result};

/// Positions as a `[n, 3]` tensor.
pub fn points_to_tensor(points: &[Point3<f32>], device: &Device) -> Tensor<2> {
    let flat: Vec<f32> = points.iter().flat_map(|p| [p.x, p.y, p.z]).collect();
    Tensor::from_data(TensorData::new(flat, [points.len(), 3]), device)
}

/// A cloud's positions as a `[n, 3]` tensor.
pub fn cloud_to_tensor(cloud: &PointCloud, device: &Device) -> Tensor<2> {
    points_to_tensor(&cloud.positions, device)
}

/// Clouds of equal size as a `[b, n, 3]` tensor.
pub fn clouds_to_tensor(clouds: &[PointCloud], device: &Device) -> Result<Tensor<3>> {
    let n = clouds.first().map_or(0, PointCloud::len);
    if clouds.iter().any(|c| c.len() != n) {
        return Err(GeomError::Invalid("clouds in a batch must have the same number of points".into()));
    }
    let flat: Vec<f32> = clouds.iter().flat_map(|c| c.positions.iter().flat_map(|p| [p.x, p.y, p.z])).collect();
    Ok(Tensor::from_data(TensorData::new(flat, [clouds.len(), n, 3]), device))
}

/// A `[n, 3]` tensor back to points.
pub fn tensor_to_points(tensor: Tensor<2>) -> Result<Vec<Point3<f32>>> {
    let [_, d] = tensor.dims();
    if d != 3 {
        return Err(GeomError::Invalid(format!("expected [n, 3], got last dimension {d}")));
    }
    let v = kiln_core::tensor::to_vec(tensor);
    Ok(v.chunks_exact(3).map(|c| Point3::new(c[0], c[1], c[2])).collect())
}

/// A `[n, 3]` tensor back to a cloud of positions.
pub fn tensor_to_cloud(tensor: Tensor<2>) -> Result<PointCloud> {
    tensor_to_points(tensor).map(PointCloud::new)
}
