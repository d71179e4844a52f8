//! Small tensor helpers shared by the families.

use burn::prelude::Tensor;

/// The tensor's values on the host, row-major, as `f32` (empty if the read fails).
pub fn to_vec<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().convert::<f32>().try_to_vec::<f32>().unwrap_or_default()
}
