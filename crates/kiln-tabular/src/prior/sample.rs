//! Small samplers the prior draws its hyper-parameters and noise from (no `rand_distr`).

use rand::Rng;
use rand::rngs::StdRng;

/// A standard normal draw (Box–Muller).
pub fn normal(rng: &mut StdRng) -> f32 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random::<f64>();
    ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
}

/// `exp(U(ln lo, ln hi))`: a log-uniform draw in `[lo, hi]`.
pub fn log_uniform(rng: &mut StdRng, lo: f32, hi: f32) -> f32 {
    (rng.random_range(lo.ln()..=hi.ln())).exp()
}

/// A uniform integer in `lo..=hi`.
pub fn int(rng: &mut StdRng, lo: usize, hi: usize) -> usize {
    if hi <= lo { lo } else { rng.random_range(lo..=hi) }
}

/// `true` with probability `p`.
pub fn bernoulli(rng: &mut StdRng, p: f32) -> bool {
    rng.random::<f32>() < p
}

/// A uniformly random permutation of `0..n`.
pub fn permutation(rng: &mut StdRng, n: usize) -> Vec<usize> {
    kiln_core::seed::permutation_from(rng, n)
}
