//! Seeded inputs of the Pointer Networks tasks (Vinyals et al., NeurIPS 2015, §4): planar
//! points uniform in `[0, 1]²` (convex hull, TSP) and numbers uniform in `[0, 1]` (sorting),
//! with a length drawn per example so that a batch mixes lengths and exercises padding.

use kiln_core::seed::rng;
use rand::Rng;

use crate::error::{Result, SeqError};

/// `n` points uniform in `[0, 1]²`, flattened `[x₀, y₀, x₁, y₁, ...]`.
pub fn uniform_points(n: usize, seed: u64) -> Vec<f32> {
    let mut r = rng(seed, 0);
    (0..2 * n).map(|_| r.random::<f32>()).collect()
}

/// `n` numbers uniform in `[0, 1]` (the sorting task's input).
pub fn uniform_numbers(n: usize, seed: u64) -> Vec<f32> {
    let mut r = rng(seed, 1);
    (0..n).map(|_| r.random::<f32>()).collect()
}

/// `count` examples of `features` values per element (2: points, 1: numbers), each of a length
/// drawn uniformly in `min_len..=max_len`; example `i` depends only on `(seed, i)`.
///
/// # Errors
/// [`SeqError::Config`] when `min_len == 0`, `min_len > max_len` or `features` is not 1 or 2.
pub fn examples(count: usize, min_len: usize, max_len: usize, features: usize, seed: u64) -> Result<Vec<Vec<f32>>> {
    if min_len == 0 {
        return Err(SeqError::Config { field: "min_len", value: "0".into(), reason: "must be at least 1" });
    }
    if min_len > max_len {
        return Err(SeqError::Config {
            field: "max_len",
            value: max_len.to_string(),
            reason: "must be at least min_len",
        });
    }
    if !(1..=2).contains(&features) {
        return Err(SeqError::Config {
            field: "features",
            value: features.to_string(),
            reason: "1 (numbers) or 2 (points)",
        });
    }
    Ok((0..count)
        .map(|i| {
            let s = kiln_core::seed::derive_seed(seed, i as u64);
            let n = rng(s, 2).random_range(min_len..=max_len);
            if features == 2 { uniform_points(n, s) } else { uniform_numbers(n, s) }
        })
        .collect())
}

/// Points of a flat `[x₀, y₀, ...]` slice as pairs.
pub fn as_pairs(flat: &[f32]) -> Vec<[f32; 2]> {
    flat.chunks_exact(2).map(|c| [c[0], c[1]]).collect()
}
