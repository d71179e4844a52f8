//! Tick labels: [`format_tick`].

/// The smallest 1, 2 or 5 × 10^k at least `raw`'s order: the tick spacing for `raw`.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let unit = if norm < 1.5 {
        1.0
    } else if norm < 3.0 {
        2.0
    } else if norm < 7.0 {
        5.0
    } else {
        10.0
    };
    unit * magnitude
}

/// Formats a tick of an axis spanning `[lo, hi]`: SI suffixes (k, M, G) for large values, just
/// enough decimals for a step of about a sixth of the span, and no `-0`.
pub fn format_tick(value: f64, lo: f64, hi: f64) -> String {
    let largest = lo.abs().max(hi.abs());
    let (scale, suffix) = if largest >= 1e9 {
        (1e9, "G")
    } else if largest >= 1e6 {
        (1e6, "M")
    } else if largest >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let step = nice_step((hi - lo) / 6.0) / scale;
    let decimals = if step.is_finite() && step > 0.0 && step < 1.0 { (-step.log10().floor()) as usize } else { 0 };
    let v = value / scale;
    // Avoid "-0".
    let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
    format!("{v:.decimals$}{suffix}")
}
