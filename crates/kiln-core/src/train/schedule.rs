//! Learning-rate schedules, evaluated per optimiser step within a phase.

use serde::{Deserialize, Serialize};

/// How the learning rate of a phase evolves over its steps.
///
/// `lr(t)` for step `t` of `T` steps in the phase, base rate `η`:
/// - `Constant`: `η`.
/// - `Step { every, gamma }`: `η · gamma^⌊epoch / every⌋` (ProtoPNet's joint phase: every 5
///   epochs, γ = 0.1).
/// - `Cosine { min_factor }`: `η_min + (η − η_min)·(1 + cos(π t / T))/2` with `η_min = min_factor·η`.
/// - `WarmupCosine { warmup_steps, min_factor }`: linear warm-up from 0 over `warmup_steps`,
///   then the cosine above over the remaining steps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub enum LrSchedule {
    /// A constant learning rate.
    #[default]
    Constant,
    /// Multiply by `gamma` every `every` epochs.
    Step {
        /// Period in epochs.
        every: usize,
        /// Multiplicative decay.
        gamma: f64,
    },
    /// Cosine annealing over the phase, down to `min_factor` × the base rate.
    Cosine {
        /// Final learning rate as a fraction of the base rate.
        min_factor: f64,
    },
    /// Linear warm-up, then cosine annealing.
    WarmupCosine {
        /// Steps of linear warm-up.
        warmup_steps: usize,
        /// Final learning rate as a fraction of the base rate.
        min_factor: f64,
    },
}

impl LrSchedule {
    /// The factor (multiplying the base rate) at `step` of `total_steps`, in epoch `epoch`.
    pub fn factor(&self, step: usize, total_steps: usize, epoch: usize) -> f64 {
        let cosine = |t: usize, total: usize, min: f64| {
            let progress = if total == 0 { 1.0 } else { (t as f64 / total as f64).min(1.0) };
            min + (1.0 - min) * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos())
        };
        match *self {
            Self::Constant => 1.0,
            Self::Step { every, gamma } => gamma.powi((epoch / every.max(1)) as i32),
            Self::Cosine { min_factor } => cosine(step, total_steps, min_factor),
            Self::WarmupCosine { warmup_steps, min_factor } => {
                if step < warmup_steps {
                    (step + 1) as f64 / warmup_steps as f64
                } else {
                    cosine(step - warmup_steps, total_steps.saturating_sub(warmup_steps), min_factor)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_match_their_formulas() {
        assert_eq!(LrSchedule::Constant.factor(5, 10, 3), 1.0);
        let step = LrSchedule::Step { every: 5, gamma: 0.1 };
        assert_eq!(step.factor(0, 0, 4), 1.0);
        assert!((step.factor(0, 0, 5) - 0.1).abs() < 1e-12);
        assert!((step.factor(0, 0, 10) - 0.01).abs() < 1e-12);
        let cos = LrSchedule::Cosine { min_factor: 0.0 };
        assert!((cos.factor(0, 100, 0) - 1.0).abs() < 1e-12);
        assert!((cos.factor(50, 100, 0) - 0.5).abs() < 1e-12);
        assert!(cos.factor(100, 100, 0).abs() < 1e-12);
        let warm = LrSchedule::WarmupCosine { warmup_steps: 10, min_factor: 0.0 };
        assert!((warm.factor(0, 110, 0) - 0.1).abs() < 1e-12);
        assert!((warm.factor(9, 110, 0) - 1.0).abs() < 1e-12);
        assert!((warm.factor(60, 110, 0) - 0.5).abs() < 1e-12);
    }
}
