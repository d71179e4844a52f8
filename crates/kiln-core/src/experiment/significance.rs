//! Two classical tests a results page uses to say whether a difference is more than noise:
//! Welch's unequal-variance t-test and the Shapiro–Wilk test of normality (which tells whether
//! the t-test's assumption holds), with the distribution functions they need.
//!
//! - [`welch_t_test`]: `t = (x̄ − ȳ) / √(s_x²/n_x + s_y²/n_y)`, Welch–Satterthwaite degrees of
//!   freedom `ν = (s_x²/n_x + s_y²/n_y)² / ((s_x²/n_x)²/(n_x − 1) + (s_y²/n_y)²/(n_y − 1))`,
//!   two-sided `p = I_{ν/(ν+t²)}(ν/2, 1/2)` (the regularised incomplete beta function).
//! - [`shapiro_wilk`]: `W = (Σ a_i x_(i))² / Σ (x_i − x̄)²` with Royston's approximation of the
//!   coefficients `a` and of W's null distribution (Royston 1992, 1995, algorithm AS R94, as
//!   R's `shapiro.test` and SciPy's `shapiro`), for 3 ≤ n ≤ 5000.
//!
//! Both return `None` where the statistic is undefined (too few values, zero variance, a
//! non-finite value), never a made-up number.

use std::f64::consts::PI;

/// The result of [`welch_t_test`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WelchTest {
    /// The t statistic (positive when the first sample's mean is larger).
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p-value.
    pub p: f64,
}

/// Welch's two-sample t-test of equal means without assuming equal variances.
///
/// `None` when a sample has fewer than 2 values, a value is not finite, or both variances are 0.
pub fn welch_t_test(x: &[f64], y: &[f64]) -> Option<WelchTest> {
    let moments = |v: &[f64]| -> Option<(f64, f64, f64)> {
        if v.len() < 2 || v.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let n = v.len() as f64;
        let m = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
        Some((n, m, var))
    };
    let ((nx, mx, vx), (ny, my, vy)) = (moments(x)?, moments(y)?);
    let (ex, ey) = (vx / nx, vy / ny);
    if ex + ey <= 0.0 {
        return None;
    }
    let t = (mx - my) / (ex + ey).sqrt();
    let df = (ex + ey).powi(2) / (ex * ex / (nx - 1.0) + ey * ey / (ny - 1.0));
    Some(WelchTest { t, df, p: student_t_two_sided(t, df) })
}

/// `P(|T| ≥ |t|)` for Student's t with `df` degrees of freedom.
pub fn student_t_two_sided(t: f64, df: f64) -> f64 {
    regularized_incomplete_beta(df / (df + t * t), df / 2.0, 0.5)
}

/// The result of [`shapiro_wilk`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapiroWilk {
    /// The W statistic, in `(0, 1]`; near 1 for normal data.
    pub w: f64,
    /// The p-value of normality (small: not normal).
    pub p: f64,
}

/// Royston's polynomial coefficients for the two largest `a_i` (in `u = 1/√n`).
const C1: [f64; 6] = [0.0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056];
const C2: [f64; 6] = [0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];
/// Royston's null distribution of `log(1 − W)`: small samples (in n), larger ones (in log n).
const G: [f64; 2] = [-2.273, 0.459];
const C3: [f64; 4] = [0.544, -0.39978, 0.025054, -6.714e-4];
const C4: [f64; 4] = [1.3822, -0.77857, 0.062767, -0.0020322];
const C5: [f64; 4] = [-1.5861, -0.31082, -0.083751, 0.0038915];
const C6: [f64; 3] = [-0.4803, -0.082676, 0.0030302];

/// `c[0] + c[1]·x + c[2]·x² + …`.
fn poly(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &ci| acc * x + ci)
}

/// The Shapiro–Wilk test of normality of `x` (3 ≤ n ≤ 5000).
///
/// `None` outside that range, for a non-finite value, or for constant data.
pub fn shapiro_wilk(x: &[f64]) -> Option<ShapiroWilk> {
    let n = x.len();
    if !(3..=5000).contains(&n) || x.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mean = sorted.iter().sum::<f64>() / n as f64;
    let ss: f64 = sorted.iter().map(|v| (v - mean).powi(2)).sum();
    if ss <= 0.0 || sorted[n - 1] - sorted[0] <= 0.0 {
        return None;
    }
    let a = coefficients(n);
    let numerator: f64 = a.iter().enumerate().map(|(i, ai)| ai * (sorted[n - 1 - i] - sorted[i])).sum();
    let w = (numerator * numerator / ss).min(1.0);
    Some(ShapiroWilk { w, p: shapiro_wilk_p(w, n) })
}

/// The coefficients `a_1 ≥ a_2 ≥ … ≥ a_{n/2} > 0` of the largest-minus-smallest differences.
fn coefficients(n: usize) -> Vec<f64> {
    let half = n / 2;
    if n == 3 {
        return vec![std::f64::consts::FRAC_1_SQRT_2];
    }
    let an = n as f64;
    // Blom's scores, negative for the lower half: m_i = Φ⁻¹((i − 3/8) / (n + 1/4)).
    let m: Vec<f64> = (1..=half).map(|i| normal_quantile((i as f64 - 0.375) / (an + 0.25))).collect();
    let summ2 = 2.0 * m.iter().map(|v| v * v).sum::<f64>();
    let ssumm2 = summ2.sqrt();
    let u = 1.0 / an.sqrt();
    let a1 = poly(&C1, u) - m[0] / ssumm2;
    let mut a = vec![0.0; half];
    a[0] = a1;
    let (first, fac) = if n > 5 {
        let a2 = -m[1] / ssumm2 + poly(&C2, u);
        a[1] = a2;
        (2, ((summ2 - 2.0 * m[0] * m[0] - 2.0 * m[1] * m[1]) / (1.0 - 2.0 * a1 * a1 - 2.0 * a2 * a2)).sqrt())
    } else {
        (1, ((summ2 - 2.0 * m[0] * m[0]) / (1.0 - 2.0 * a1 * a1)).sqrt())
    };
    for i in first..half {
        a[i] = -m[i] / fac;
    }
    a
}

/// Royston's p-value of `W` for a sample of `n`.
fn shapiro_wilk_p(w: f64, n: usize) -> f64 {
    let an = n as f64;
    if n == 3 {
        // Exact for n = 3: p = (6/π)·(asin √W − π/3).
        return (6.0 / PI * (w.sqrt().asin() - PI / 3.0)).clamp(0.0, 1.0);
    }
    let mut y = (1.0 - w).ln();
    let (m, s) = if n <= 11 {
        let gamma = poly(&G, an);
        if y >= gamma {
            return 1e-99;
        }
        y = -(gamma - y).ln();
        (poly(&C3, an), poly(&C4, an).exp())
    } else {
        let ln_n = an.ln();
        (poly(&C5, ln_n), poly(&C6, ln_n).exp())
    };
    normal_upper_tail((y - m) / s)
}

/// `P(Z ≥ z)` for a standard normal `Z`, through `erfc` (relative error below 1e-13).
pub fn normal_upper_tail(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// The complementary error function: a continued fraction for `|x| ≥ 2`, the Maclaurin series
/// of `erf` below.
fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.0 {
        // erf x = 2/√π Σ (−1)^k x^(2k+1) / (k! (2k+1)).
        let (mut term, mut sum, x2) = (x, x, x * x);
        for k in 1..200 {
            term *= -x2 / k as f64;
            let next = term / (2 * k + 1) as f64;
            sum += next;
            if next.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        return 1.0 - 2.0 / PI.sqrt() * sum;
    }
    // erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated
    // from the back.
    let mut f = x;
    for k in (1..120).rev() {
        f = x + (k as f64 / 2.0) / f;
    }
    (-x * x).exp() / PI.sqrt() / f
}

/// `Φ⁻¹(p)`: Acklam's rational approximation refined by one Halley step on `erfc`.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] =
        [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // One Halley step: e = Φ(x) − p, with Φ(x) = P(Z ≥ −x) (no cancellation in the tails).
    let e = normal_upper_tail(-x) - p;
    let u = e * (2.0 * PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, 9 terms; relative error ~1e-15).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + G + 0.5;
    let series = COEF.iter().enumerate().skip(1).fold(COEF[0], |acc, (i, c)| acc + c / (x + i as f64));
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + series.ln()
}

/// The regularised incomplete beta function `I_x(a, b)` (Lentz's continued fraction, using
/// the symmetry `I_x(a, b) = 1 − I_{1−x}(b, a)` where it converges faster).
pub fn regularized_incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

/// The continued fraction of `I_x(a, b)` (modified Lentz).
fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    d = 1.0 / if d.abs() < TINY { TINY } else { d };
    let mut h = d;
    for m in 1..500 {
        let m = m as f64;
        for numerator in [
            m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)),
        ] {
            d = 1.0 + numerator * d;
            d = 1.0 / if d.abs() < TINY { TINY } else { d };
            c = 1.0 + numerator / c;
            c = if c.abs() < TINY { TINY } else { c };
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}
