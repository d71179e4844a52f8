//! Robust stable CBC: Theorem 1's radius by hand and on grids, reasoning, round trips,
//! devices, and learning on the digits.

mod learning;
mod model;

pub use learning::{digit_vectors, vector_batch};

use burn::module::Param;
use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_proto::cbc::{RobustCbcConfig, StableCbc};

/// Host copy of a float tensor.
pub fn host<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    kiln_core::tensor::to_vec(t)
}

/// Host copy of an integer tensor.
pub fn host_int(t: Tensor<1, Int>) -> Vec<i64> {
    t.into_data().convert::<i64>().try_to_vec::<i64>().unwrap()
}

/// A float matrix from rows.
pub fn matrix(rows: &[&[f32]], device: &Device) -> Tensor<2> {
    let cols = rows.first().map_or(0, |r| r.len());
    let values: Vec<f32> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    Tensor::from_data(TensorData::new(values, [rows.len(), cols]), device)
}

/// Labels as a tensor.
pub fn labels(values: &[i64], device: &Device) -> Tensor<1, Int> {
    Tensor::from_data(TensorData::new(values.to_vec(), [values.len()]), device)
}

/// A 2-D model with random components in `[0, 1]²`, requiredness in `[0, 1]`, a spread prior
/// and σ = 0.3, so that both classes own regions of the square.
pub fn random_2d_model(seed: u64, device: &Device) -> StableCbc {
    device.seed(seed);
    let mut model = RobustCbcConfig::new(2, 2).with_num_components(4).with_sigma(0.3).init(device);
    let uniform = |shape: [usize; 2]| Tensor::<2>::random(shape, burn::tensor::Distribution::Uniform(0.0, 1.0), device);
    model.components = Param::from_tensor(uniform([4, 2]));
    model.requiredness = Param::from_tensor(uniform([4, 4]));
    model.prior_logits = Param::from_tensor(uniform([4, 4]) * 4.0);
    model
}
