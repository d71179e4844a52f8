//! Small tensor helpers shared by the families.

use burn::prelude::Tensor;

use crate::error::{CoreError, Result};

/// The tensor's values on the host, row-major, as `f32`.
///
/// A failed read (a device error, a dtype that does not convert) is an error, never an empty
/// vector: an empty read would make a comparison of two tensors pass vacuously.
pub fn try_to_vec<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>> {
    let data = tensor.try_into_data().map_err(|e| CoreError::TensorRead(format!("{e:?}")))?;
    data.convert::<f32>().try_into_vec::<f32>().map_err(|e| CoreError::TensorRead(format!("{e:?}")))
}

/// The tensor's values on the host, row-major, as `f32`.
///
/// # Panics
/// When the read fails (see [`try_to_vec`]); the device is then unusable, as with burn's own
/// `into_data`. Code that can report the failure calls [`try_to_vec`].
pub fn to_vec<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    match try_to_vec(tensor) {
        Ok(values) => values,
        Err(e) => panic!("{e}"),
    }
}
