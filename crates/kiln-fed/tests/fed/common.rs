//! Shared helpers: the digits as vectors, a small MLP initialised without burn's global RNG.

use burn::prelude::Device;
use kiln_core::nn::{Mlp, MlpConfig};
use kiln_data::{VectorExample, digits, split};
use kiln_fed::core::ParamSet;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The embedded digits as 64 features in [0, 1], split 80/20 (train, test) by `seed`.
pub fn digit_vectors(seed: u64) -> (Vec<VectorExample>, Vec<VectorExample>) {
    let items: Vec<VectorExample> = digits()
        .expect("the embedded digits load")
        .into_iter()
        .map(|e| VectorExample { features: e.image.pixels, label: e.label })
        .collect();
    let s = split(items, 0.0, 0.2, seed);
    (s.train, s.test)
}

/// A 64 → `hidden` → 10 MLP whose weights are drawn from `seed` by a host RNG (uniform in
/// ±1/√fan_in), so no test depends on burn's process-wide device RNG.
pub fn mlp(hidden: usize, seed: u64, device: &Device) -> Mlp {
    let model = MlpConfig::new(64, 10).with_hidden(vec![hidden]).init(device);
    let mut params = ParamSet::from_module(&model).expect("parameters read");
    let mut rng = StdRng::seed_from_u64(seed);
    for t in &mut params.tensors {
        let bound = if t.shape.len() == 2 { 1.0 / (t.shape[0] as f32).sqrt() } else { 0.05 };
        for v in &mut t.values {
            *v = rng.random_range(-bound..bound);
        }
    }
    params.apply_to(model).expect("parameters written")
}

/// Largest absolute difference between two parameter sets of one layout.
pub fn max_diff(a: &ParamSet, b: &ParamSet) -> f32 {
    assert_eq!(a.tensors.len(), b.tensors.len());
    a.tensors
        .iter()
        .zip(&b.tensors)
        .flat_map(|(x, y)| {
            assert_eq!(x.path, y.path);
            x.values.iter().zip(&y.values).map(|(p, q)| (p - q).abs())
        })
        .fold(0.0, f32::max)
}
