//! Seeding: one `u64` makes a CPU run reproducible.
//!
//! Kiln derives every random stream of a run from the run's seed and a *purpose* (shuffling of
//! epoch 3, weight initialisation, dropout in epoch 7, ...), so a run resumed from a checkpoint
//! draws exactly the numbers the uninterrupted run would have drawn, without saving RNG state.

use burn::prelude::Device;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Seed stream of the device RNG of the training engine at each epoch (dropout, in-model
/// sampling): `derive_seed(seed, DEVICE_SEED_STREAM + global_epoch)`.
pub const DEVICE_SEED_STREAM: u64 = 1_000_000;

/// Seed stream of each training step's `StepContext::step_seed`:
/// `derive_seed(seed, STEP_SEED_STREAM + global_step)`.
pub const STEP_SEED_STREAM: u64 = 2_000_000_000;

/// Mixes `seed` with `stream` (SplitMix64 finaliser): independent, reproducible sub-seeds.
pub fn derive_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seeded random number generator for the given purpose.
pub fn rng(seed: u64, stream: u64) -> StdRng {
    StdRng::seed_from_u64(derive_seed(seed, stream))
}

/// Seeds burn's random generator on `device` (weight initialisation, dropout, `Tensor::random`).
pub fn seed_device(device: &Device, seed: u64) {
    device.seed(seed);
}

/// A deterministic permutation of `0..n` (Fisher–Yates) for the given seed.
pub fn permutation(n: usize, seed: u64) -> Vec<usize> {
    permutation_from(&mut StdRng::seed_from_u64(seed), n)
}

/// A permutation of `0..n` (Fisher–Yates) drawn from `rng`.
pub fn permutation_from(rng: &mut StdRng, n: usize) -> Vec<usize> {
    use rand::Rng;
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
    order
}

/// The order in which a source visits its `n` items in `epoch`: the permutation seeded by
/// `derive_seed(seed, epoch)` when `shuffle_seed` is `Some(seed)`, `0..n` otherwise. Every
/// batch source shuffles through this, so a resumed run sees the same order.
pub fn epoch_order(n: usize, shuffle_seed: Option<u64>, epoch: usize) -> Vec<usize> {
    match shuffle_seed {
        Some(seed) => permutation(n, derive_seed(seed, epoch as u64)),
        None => (0..n).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutation_is_a_permutation_and_deterministic() {
        let p = permutation(100, 7);
        let mut sorted = p.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..100).collect::<Vec<_>>());
        assert_eq!(p, permutation(100, 7));
        assert_ne!(p, permutation(100, 8));
    }

    #[test]
    fn derived_seeds_differ_by_stream() {
        assert_ne!(derive_seed(1, 0), derive_seed(1, 1));
        assert_eq!(derive_seed(5, 3), derive_seed(5, 3));
    }
}
