//! The phrases a results page states a paper's claim with: the difference of two methods'
//! per-seed scores and whether an ordering of methods holds, each with Welch's test
//! ([`welch_t_test`]) to tell a difference from seed noise.

use super::significance::welch_t_test;
use super::stats::MeanStd;

/// `method − baseline` on the means, in the scores' units (points when they are percentages),
/// with Welch's two-sided p when both have at least two seeds: `+1.3 (p = 0.62)`, or `+1.3`.
pub fn gain(baseline: &[f64], method: &[f64]) -> String {
    let diff = MeanStd::of(method).mean - MeanStd::of(baseline).mean;
    welch_t_test(method, baseline).map_or(format!("{diff:+.1}"), |t| format!("{diff:+.1} (p = {:.2})", t.p))
}

/// Whether the per-seed scores rise along `chain` (worst method first): "holds" when every
/// step rises on the means and is significant (Welch p < 0.05), "holds on the means only
/// (within seed noise)" when every step rises on the means, else "does not hold".
pub fn rises(chain: &[&[f64]]) -> &'static str {
    let on_means = chain.windows(2).all(|w| MeanStd::of(w[1]).mean > MeanStd::of(w[0]).mean);
    let significant = chain.windows(2).all(|w| welch_t_test(w[1], w[0]).is_some_and(|t| t.t > 0.0 && t.p < 0.05));
    match (on_means, significant) {
        (true, true) => "holds",
        (true, false) => "holds on the means only (within seed noise)",
        _ => "does not hold",
    }
}
