//! Unbounded minimisation of a function of one variable by Brent's method (Brent, *Algorithms
//! for Minimization without Derivatives*, 1973, ch. 5; Press et al., *Numerical Recipes*,
//! §10.1–10.3), as `scipy.optimize.brent(f, brack=(a, b))`, which sklearn's `PowerTransformer`
//! calls with `brack = (−2, 2)` to fit the Yeo-Johnson `λ`.
//!
//! 1. **Bracketing** ([`bracket`]): from `a, b` (relabelled so that `f(b) ≤ f(a)`), step
//!    downhill to `c = b + φ (b − a)`, `φ = 1.618034`; while `f(c) < f(b)`, try the vertex `u` of
//!    the parabola through `a, b, c`, limited to `b + 110 (c − b)`, or else a further golden step,
//!    and shift `(a, b, c) ← (b, c, u)`. It ends with `f(b) ≤ f(a)`, `f(b) ≤ f(c)`: a minimum lies
//!    between `a` and `c`. The search is unbounded: the bracket may end far outside `[a, b]`.
//! 2. **Brent's method** ([`minimize`]): golden-section steps (`0.381966` of the larger part)
//!    and parabolic interpolation through the three best points, until the interval around the
//!    best point `x` is below `2 (1.48·10⁻⁸ |x| + 10⁻¹¹)`.
//!
//! Constants are scipy's (`grow_limit = 110`, 1000 bracketing steps, 500 Brent iterations). An
//! objective that cannot be evaluated (`None`, e.g. an overflow) ends the search with an error,
//! as numpy's overflow warning does when warnings are errors (TabPFN v1's setting).

/// The golden ratio `φ`, the growth of a bracketing step.
const GOLD: f64 = 1.618034;
/// `2 − φ = 1/φ²`: the golden-section fraction.
const GOLDEN_SECTION: f64 = 0.381_966_0;
/// Largest parabolic bracketing step, in units of the last step.
const GROW_LIMIT: f64 = 110.0;
/// Bracketing steps before giving up.
const MAX_BRACKET_STEPS: usize = 1000;
/// Brent iterations (the best point so far is returned after them).
const MAX_ITERATIONS: usize = 500;
/// Relative tolerance on the minimiser (`√ε` of `f64`, roughly).
const TOLERANCE: f64 = 1.48e-8;
/// Absolute tolerance near zero.
const MIN_TOLERANCE: f64 = 1.0e-11;
/// Guard against a zero denominator of the parabolic step.
const TINY: f64 = 1.0e-21;

/// Why the minimisation stopped without a minimiser.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum MinimizeError {
    /// The objective could not be evaluated at `at`.
    #[error("the objective could not be evaluated at {at}")]
    Evaluation {
        /// The argument.
        at: f64,
    },
    /// No bracket was found within the step limit (the function keeps decreasing).
    #[error("no minimum bracketed after {steps} steps")]
    NoBracket {
        /// Steps taken.
        steps: usize,
    },
}

/// A bracket `(a, b, c)` with values: `b` between `a` and `c`, `f(b) ≤ f(a)`, `f(b) ≤ f(c)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bracket {
    /// One end and its value.
    pub a: (f64, f64),
    /// The inner point and its value.
    pub b: (f64, f64),
    /// The other end and its value.
    pub c: (f64, f64),
}

/// The objective as `Result`.
fn eval(f: &mut impl FnMut(f64) -> Option<f64>, x: f64) -> Result<f64, MinimizeError> {
    f(x).ok_or(MinimizeError::Evaluation { at: x })
}

/// Brackets a minimum of `f` walking downhill from `(a, b)` (step 1 of the module docs).
///
/// # Errors
/// [`MinimizeError`] when `f` fails or no bracket is found within 1000 steps.
pub fn bracket(f: &mut impl FnMut(f64) -> Option<f64>, a: f64, b: f64) -> Result<Bracket, MinimizeError> {
    let (mut xa, mut xb) = (a, b);
    let (mut fa, mut fb) = (eval(f, xa)?, eval(f, xb)?);
    if fa < fb {
        (xa, xb, fa, fb) = (xb, xa, fb, fa);
    }
    let mut xc = xb + GOLD * (xb - xa);
    let mut fc = eval(f, xc)?;
    let mut steps = 0;
    while fc < fb {
        if steps >= MAX_BRACKET_STEPS {
            return Err(MinimizeError::NoBracket { steps });
        }
        steps += 1;
        // Vertex of the parabola through (xa, fa), (xb, fb), (xc, fc).
        let r = (xb - xa) * (fb - fc);
        let q = (xb - xc) * (fb - fa);
        let d = q - r;
        let denom = if d.abs() < TINY { 2.0 * TINY } else { 2.0 * d };
        let mut u = xb - ((xb - xc) * q - (xb - xa) * r) / denom;
        let limit = xb + GROW_LIMIT * (xc - xb);
        let fu;
        if (u - xc) * (xb - u) > 0.0 {
            // The vertex lies between b and c.
            let fv = eval(f, u)?;
            if fv < fc {
                return Ok(Bracket { a: (xb, fb), b: (u, fv), c: (xc, fc) });
            }
            if fv > fb {
                return Ok(Bracket { a: (xa, fa), b: (xb, fb), c: (u, fv) });
            }
            u = xc + GOLD * (xc - xb);
            fu = eval(f, u)?;
        } else if (u - limit) * (limit - xc) >= 0.0 {
            // Beyond the limit: clip to it.
            u = limit;
            fu = eval(f, u)?;
        } else if (u - limit) * (xc - u) > 0.0 {
            // Between c and the limit.
            let fv = eval(f, u)?;
            if fv < fc {
                (xb, fb, xc, fc) = (xc, fc, u, fv);
                u = xc + GOLD * (xc - xb);
                fu = eval(f, u)?;
            } else {
                fu = fv;
            }
        } else {
            u = xc + GOLD * (xc - xb);
            fu = eval(f, u)?;
        }
        (xa, fa, xb, fb, xc, fc) = (xb, fb, xc, fc, u, fu);
    }
    Ok(Bracket { a: (xa, fa), b: (xb, fb), c: (xc, fc) })
}

/// The minimiser of `f` by Brent's method, bracketed from the start points `(a, b)`.
///
/// # Errors
/// [`MinimizeError`] when `f` fails or no bracket is found.
pub fn minimize(mut f: impl FnMut(f64) -> Option<f64>, a: f64, b: f64) -> Result<f64, MinimizeError> {
    let br = bracket(&mut f, a, b)?;
    let (mut lo, mut hi) = if br.a.0 < br.c.0 { (br.a.0, br.c.0) } else { (br.c.0, br.a.0) };
    // x: best point; w: second best; v: the previous w.
    let (mut x, mut w, mut v) = (br.b.0, br.b.0, br.b.0);
    let (mut fx, mut fw, mut fv) = (br.b.1, br.b.1, br.b.1);
    let (mut step, mut last_step) = (0.0f64, 0.0f64);
    for _ in 0..MAX_ITERATIONS {
        let tol1 = TOLERANCE * x.abs() + MIN_TOLERANCE;
        let tol2 = 2.0 * tol1;
        let mid = 0.5 * (lo + hi);
        if (x - mid).abs() < tol2 - 0.5 * (hi - lo) {
            break;
        }
        let golden = |x: f64| if x >= mid { lo - x } else { hi - x };
        if last_step.abs() <= tol1 {
            last_step = golden(x);
            step = GOLDEN_SECTION * last_step;
        } else {
            // Parabola through (x, fx), (w, fw), (v, fv).
            let r = (x - w) * (fx - fv);
            let q = (x - v) * (fx - fw);
            let mut p = (x - v) * q - (x - w) * r;
            let mut q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            let older = last_step;
            last_step = step;
            if p > q * (lo - x) && p < q * (hi - x) && p.abs() < (0.5 * q * older).abs() {
                step = p / q;
                let u = x + step;
                if u - lo < tol2 || hi - u < tol2 {
                    step = if mid - x >= 0.0 { tol1 } else { -tol1 };
                }
            } else {
                last_step = golden(x);
                step = GOLDEN_SECTION * last_step;
            }
        }
        let u = if step.abs() >= tol1 {
            x + step
        } else if step >= 0.0 {
            x + tol1
        } else {
            x - tol1
        };
        let fu = eval(&mut f, u)?;
        if fu > fx {
            if u < x {
                lo = u;
            } else {
                hi = u;
            }
            if fu <= fw || w == x {
                (v, fv, w, fw) = (w, fw, u, fu);
            } else if fu <= fv || v == x || v == w {
                (v, fv) = (u, fu);
            }
        } else {
            if u >= x {
                lo = x;
            } else {
                hi = x;
            }
            (v, fv, w, fw, x, fx) = (w, fw, x, fx, u, fu);
        }
    }
    Ok(x)
}
