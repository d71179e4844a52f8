//! Seeded standard-normal noise drawn on the host, so that a seed gives the same prototype
//! samples on every backend and device.

use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::seed::derive_seed;

/// `2⁻³²`: maps a 32-bit integer to `[0, 1)`.
const INV_2_POW_32: f64 = 1.0 / 4_294_967_296.0;

/// `count` independent `N(0, 1)` values for `seed` (Box–Muller on uniforms from
/// [`derive_seed`]`(seed, k)`: each 64-bit draw gives two uniforms `u₁, u₂ ∈ (0, 1)` and two
/// normals `√(−2 ln u₁) cos 2πu₂`, `√(−2 ln u₁) sin 2πu₂`). A pure function of `seed`: the
/// first `n` values do not depend on `count`.
pub fn standard_normal(seed: u64, count: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(count + 1);
    let mut k = 0u64;
    while out.len() < count {
        let bits = derive_seed(seed, k);
        k += 1;
        let u1 = ((bits >> 32) as f64 + 0.5) * INV_2_POW_32;
        let u2 = ((bits & 0xFFFF_FFFF) as f64 + 0.5) * INV_2_POW_32;
        let radius = (-2.0 * u1.ln()).sqrt();
        let angle = std::f64::consts::TAU * u2;
        out.push((radius * angle.cos()) as f32);
        out.push((radius * angle.sin()) as f32);
    }
    out.truncate(count);
    out
}

/// A `[samples, rows, cols]` tensor of [`standard_normal`] values on `device`.
pub fn normal_tensor(seed: u64, shape: [usize; 3], device: &Device) -> Tensor<3> {
    let values = standard_normal(seed, shape.iter().product());
    Tensor::from_data(TensorData::new(values, shape), device)
}
