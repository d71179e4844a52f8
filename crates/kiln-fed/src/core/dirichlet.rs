//! Dirichlet and Gamma sampling (no `rand_distr`: `rand` alone, seeded, reproducible).
//!
//! `p ~ Dir(α·1_K)` is drawn as `p_k = g_k / Σ_j g_j` with `g_k ~ Gamma(α, 1)` independent.
//! Gamma uses Marsaglia & Tsang (2000), "A simple method for generating gamma variables": for
//! `a ≥ 1`, `d = a − 1/3`, `c = 1/√(9d)`, accept `d·v`, `v = (1 + c·x)³`, `x ~ N(0, 1)`, when
//! `ln u < x²/2 + d − d·v + d·ln v`; for `a < 1`, `Gamma(a) = Gamma(a + 1) · u^{1/a}`.

use rand::Rng;

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A `Gamma(shape, 1)` draw; `shape > 0`.
pub fn gamma(rng: &mut impl Rng, shape: f64) -> f64 {
    if shape < 1.0 {
        let u: f64 = 1.0 - rng.random::<f64>();
        return gamma(rng, shape + 1.0) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u: f64 = 1.0 - rng.random::<f64>();
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

/// A draw of `Dir(α, …, α)` with `k` components (they sum to 1). When every Gamma draw
/// underflows to 0 (tiny α), all mass goes to one uniformly chosen component, the limit of
/// `Dir(α)` as α → 0.
pub fn symmetric_dirichlet(rng: &mut impl Rng, alpha: f64, k: usize) -> Vec<f64> {
    let draws: Vec<f64> = (0..k).map(|_| gamma(rng, alpha)).collect();
    let total: f64 = draws.iter().sum();
    if total > 0.0 && total.is_finite() {
        draws.into_iter().map(|g| g / total).collect()
    } else {
        let mut out = vec![0.0; k];
        if k > 0 {
            out[rng.random_range(0..k)] = 1.0;
        }
        out
    }
}
