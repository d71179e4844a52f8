//! Helpers of the MGD tests.

use burn::prelude::{Device, Int, Tensor, TensorData};

/// A `[b, c, h, w]` tensor from row-major values.
pub fn tensor4(values: &[f32], shape: [usize; 4], device: &Device) -> Tensor<4> {
    Tensor::from_data(TensorData::new(values.to_vec(), shape), device)
}

/// A `[b, h, w]` label map from row-major values.
pub fn labels3(values: &[i64], shape: [usize; 3], device: &Device) -> Tensor<3, Int> {
    Tensor::from_data(TensorData::new(values.to_vec(), shape), device)
}

/// Deterministic values in `[-1, 1)`.
pub fn pseudo_random(n: usize, seed: u64) -> Vec<f32> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    (0..n)
        .map(|_| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// The single value of a `[1]` tensor.
pub fn scalar(t: Tensor<1>) -> f64 {
    f64::from(t.into_scalar::<f32>())
}

/// The values of a float tensor.
pub fn floats<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap_or_else(|e| panic!("{e:?}"))
}

/// The values of an integer tensor.
pub fn ints<const D: usize>(t: Tensor<D, Int>) -> Vec<i64> {
    t.into_data().convert::<i64>().try_to_vec::<i64>().unwrap_or_else(|e| panic!("{e:?}"))
}
