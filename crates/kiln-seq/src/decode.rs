//! Decoding an output sequence one choice at a time: teacher forcing with a ratio schedule while
//! training, greedy decoding and beam search at inference.
//!
//! Both decoders are generic over a [`Stepper`], a model's batched step from the current state
//! of each live hypothesis to log-probabilities over its choices, so any autoregressive model
//! here can reuse them. A hypothesis `y₁..y_k` scores `s = Σ_i log p(y_i | y_<i, x)`; beam
//! search keeps the `W` best extensions per input at each step (Sutskever et al., NeurIPS 2014;
//! Vinyals et al., NeurIPS 2015 restrict it to valid outputs) and returns the finished
//! hypothesis with the best `s / k^α` (length normalisation, Wu et al. 2016; `α = 0`: none).

use rand::Rng;
use serde::{Deserialize, Serialize};

/// The fraction of decoder steps whose input is the target's (teacher forcing) rather than the
/// model's own previous choice, as a function of the training step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum TeacherForcing {
    /// Always the same ratio (1.0: plain teacher forcing, as in the Pointer Networks paper).
    Constant(f32),
    /// From `start` at step 0 linearly to `end` at step `steps`, then `end` (scheduled
    /// sampling with a linear decay, Bengio et al., NeurIPS 2015).
    Linear {
        /// Ratio at step 0.
        start: f32,
        /// Ratio from step `steps` on.
        end: f32,
        /// Length of the ramp in steps.
        steps: u64,
    },
}

impl Default for TeacherForcing {
    fn default() -> Self {
        Self::Constant(1.0)
    }
}

impl TeacherForcing {
    /// The ratio at training step `step`, clamped to `[0, 1]`.
    pub fn ratio(&self, step: u64) -> f32 {
        let r = match *self {
            Self::Constant(r) => r,
            Self::Linear { start, end, steps } => {
                if steps == 0 || step >= steps {
                    end
                } else {
                    start + (end - start) * step as f32 / steps as f32
                }
            }
        };
        r.clamp(0.0, 1.0)
    }

    /// For each of `count` decoder inputs, whether it is the target's (`true`, probability
    /// `ratio(step)`), drawn from `rng`. A ratio of 1 (0) gives all `true` (`false`) without
    /// drawing.
    pub fn draw(&self, step: u64, count: usize, rng: &mut impl Rng) -> Vec<bool> {
        let r = self.ratio(step);
        if r >= 1.0 {
            return vec![true; count];
        }
        if r <= 0.0 {
            return vec![false; count];
        }
        (0..count).map(|_| rng.random::<f32>() < r).collect()
    }
}

/// A model's batched decoding step over the live hypotheses ("rows").
///
/// At the start there is one row per input sequence, row `i` for sequence `i`. After each step
/// the decoder calls [`advance`](Self::advance) with, for each new row, the old row it extends
/// and the choice appended; the stepper reorders its state accordingly (a beam's rows may
/// share a parent; finished rows disappear).
pub trait Stepper {
    /// Log-probabilities over the choices for every current row, `rows × choices`. A choice
    /// that is impossible (padding) is `-∞` (any non-finite value is never chosen).
    fn log_probs(&mut self) -> Vec<Vec<f32>>;

    /// Keeps rows `parents` (one per new row, in order) and feeds each its chosen `choices`.
    fn advance(&mut self, parents: &[usize], choices: &[usize]);
}

/// Which choices are allowed for a hypothesis: `valid(sequence, history, choice)`.
pub type Validity<'a> = &'a dyn Fn(usize, &[usize], usize) -> bool;

/// A decoded output.
#[derive(Debug, Clone, PartialEq)]
pub struct Hypothesis {
    /// The choices, without the end choice.
    pub choices: Vec<usize>,
    /// `Σ log p` of the choices (and of the end choice, when it was chosen).
    pub log_prob: f32,
    /// Whether the end choice closed it (`false`: stopped by the step limit or a dead end).
    pub ended: bool,
}

/// What the decoders need to know besides the stepper.
#[derive(Clone, Copy)]
pub struct DecodeSpec<'a> {
    /// The choice that ends a hypothesis, if any.
    pub end: Option<usize>,
    /// The most steps (end choice included) each sequence may take.
    pub max_steps: &'a [usize],
    /// Allowed choices; `None`: every finite-probability choice.
    pub valid: Option<Validity<'a>>,
}

/// Greedy decoding: at each step the most probable allowed choice. The same as
/// [`beam_search`] with width 1.
pub fn greedy(stepper: &mut impl Stepper, spec: DecodeSpec<'_>) -> Vec<Hypothesis> {
    beam_search(stepper, spec, 1, 0.0)
}

struct Live {
    seq: usize,
    choices: Vec<usize>,
    score: f32,
}

/// Beam search of `width` hypotheses per sequence over `stepper`, keeping only allowed
/// choices; returns the best finished hypothesis of each sequence by `log p / len^α` with
/// `α = length_penalty` (0: summed log-probs).
///
/// At each step every live hypothesis proposes its allowed, finite-probability extensions; the
/// `width` best per sequence survive; those that chose `end` or reached the step limit (or have
/// no allowed choice left) finish. The search stops when no hypothesis is live.
pub fn beam_search(
    stepper: &mut impl Stepper,
    spec: DecodeSpec<'_>,
    width: usize,
    length_penalty: f32,
) -> Vec<Hypothesis> {
    let width = width.max(1);
    let sequences = spec.max_steps.len();
    let mut live: Vec<Live> = (0..sequences).map(|seq| Live { seq, choices: Vec::new(), score: 0.0 }).collect();
    let mut finished: Vec<Vec<Hypothesis>> = vec![Vec::new(); sequences];
    let normalised = |h: &Hypothesis| {
        let len = (h.choices.len() + usize::from(h.ended)).max(1) as f32;
        if length_penalty == 0.0 { h.log_prob } else { h.log_prob / len.powf(length_penalty) }
    };
    while !live.is_empty() {
        let log_probs = stepper.log_probs();
        // Candidates per sequence: (score, parent row, choice).
        let mut candidates: Vec<Vec<(f32, usize, usize)>> = vec![Vec::new(); sequences];
        for (row, (hyp, lp)) in live.iter().zip(&log_probs).enumerate() {
            let mut any = false;
            for (choice, &p) in lp.iter().enumerate() {
                let allowed = spec.valid.is_none_or(|v| v(hyp.seq, &hyp.choices, choice));
                if p.is_finite() && allowed {
                    candidates[hyp.seq].push((hyp.score + p, row, choice));
                    any = true;
                }
            }
            if !any {
                finished[hyp.seq].push(Hypothesis { choices: hyp.choices.clone(), log_prob: hyp.score, ended: false });
            }
        }
        let (mut parents, mut choices, mut next) = (Vec::new(), Vec::new(), Vec::new());
        for (seq, mut cands) in candidates.into_iter().enumerate() {
            // Highest score first; ties broken by the lower choice, then the earlier row.
            cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)).then(a.1.cmp(&b.1)));
            for (score, row, choice) in cands.into_iter().take(width) {
                let mut path = live[row].choices.clone();
                let ended = spec.end == Some(choice);
                if !ended {
                    path.push(choice);
                }
                let steps = path.len() + usize::from(ended);
                if ended || steps >= spec.max_steps[seq] {
                    finished[seq].push(Hypothesis { choices: path, log_prob: score, ended });
                } else {
                    parents.push(row);
                    choices.push(choice);
                    next.push(Live { seq, choices: path, score });
                }
            }
        }
        if !next.is_empty() {
            stepper.advance(&parents, &choices);
        }
        live = next;
    }
    finished
        .into_iter()
        .map(|hyps| {
            hyps.into_iter()
                .fold(None::<Hypothesis>, |best, h| match best {
                    Some(b) if normalised(&b) >= normalised(&h) => Some(b),
                    _ => Some(h),
                })
                .unwrap_or(Hypothesis { choices: Vec::new(), log_prob: f32::NEG_INFINITY, ended: false })
        })
        .collect()
}
