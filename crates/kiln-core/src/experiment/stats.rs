//! Mean and sample standard deviation over seeds, and their `mean ± std` cell.

use std::fmt;

/// Mean and sample standard deviation (`n − 1` denominator) of a set of values, e.g. one
/// measurement over several seeds.
///
/// Displayed as `mean ± std` with the formatter's precision (`format!("{:.1}", m)` gives
/// `97.7 ± 0.2`), or `–` when there were no values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanStd {
    /// The mean (NaN for no values).
    pub mean: f64,
    /// The sample standard deviation: 0 for a single value, NaN for none.
    pub std: f64,
    /// How many values.
    pub count: usize,
}

impl MeanStd {
    /// The mean and sample standard deviation of `values`.
    pub fn of(values: &[f64]) -> Self {
        let count = values.len();
        let mean = mean(values);
        let std = match count {
            0 => f64::NAN,
            1 => 0.0,
            _ => (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (count - 1) as f64).sqrt(),
        };
        Self { mean, std, count }
    }

    /// Both statistics multiplied by `factor` (100 for a percentage, 1e-3 for thousands).
    pub fn scaled(self, factor: f64) -> Self {
        Self { mean: self.mean * factor, std: self.std * factor, ..self }
    }
}

impl fmt::Display for MeanStd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count == 0 {
            return f.write_str("–");
        }
        match f.precision() {
            Some(p) => write!(f, "{:.p$} ± {:.p$}", self.mean, self.std),
            None => write!(f, "{} ± {}", self.mean, self.std),
        }
    }
}

/// Mean and sample standard deviation (`n − 1` denominator; 0 for one value, NaN for none).
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    let m = MeanStd::of(values);
    (m.mean, m.std)
}

/// The arithmetic mean; NaN for no values (no value is not zero).
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { f64::NAN } else { values.iter().sum::<f64>() / values.len() as f64 }
}
