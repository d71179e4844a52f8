//! Host-side reference values the tests compare the library's losses with.

/// Mean cross-entropy of `logits` (rows of `classes`) against `targets`, computed in f64 with
/// a max-shifted log-sum-exp.
pub fn cross_entropy(logits: &[f32], targets: &[i64], classes: usize) -> f64 {
    let mut total = 0.0;
    for (i, &y) in targets.iter().enumerate() {
        let row = &logits[i * classes..(i + 1) * classes];
        let max = row.iter().cloned().fold(f32::MIN, f32::max) as f64;
        let lse = row.iter().map(|&v| (v as f64 - max).exp()).sum::<f64>().ln() + max;
        total += lse - row[y as usize] as f64;
    }
    total / targets.len() as f64
}
