//! Greedy and beam decoding on hand-made step functions, and the teacher-forcing schedule.

use kiln_seq::decode::{DecodeSpec, Hypothesis, Stepper, TeacherForcing, beam_search, greedy};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// A host "model": log-probabilities as a function of (sequence, history).
struct Table<F: Fn(usize, &[usize]) -> Vec<f32>> {
    rows: Vec<(usize, Vec<usize>)>,
    f: F,
}

impl<F: Fn(usize, &[usize]) -> Vec<f32>> Table<F> {
    fn new(sequences: usize, f: F) -> Self {
        Self { rows: (0..sequences).map(|s| (s, Vec::new())).collect(), f }
    }
}

impl<F: Fn(usize, &[usize]) -> Vec<f32>> Stepper for Table<F> {
    fn log_probs(&mut self) -> Vec<Vec<f32>> {
        self.rows.iter().map(|(s, h)| (self.f)(*s, h)).collect()
    }

    fn advance(&mut self, parents: &[usize], choices: &[usize]) {
        self.rows = parents
            .iter()
            .zip(choices)
            .map(|(&p, &c)| {
                let (s, mut h) = self.rows[p].clone();
                h.push(c);
                (s, h)
            })
            .collect();
    }
}

fn ln(p: &[f32]) -> Vec<f32> {
    p.iter().map(|x| x.ln()).collect()
}

/// Choice 0 ends. First step: 1 (p .6) or 2 (p .4). After 1: end .5 / 1 .5 / 2 0 (flat); after 2:
/// end .95. Greedy takes 1 then ends (0.3); the beam finds 2, end (0.38).
fn trap(_: usize, h: &[usize]) -> Vec<f32> {
    match h {
        [] => ln(&[1e-9, 0.6, 0.4]),
        [1] => ln(&[0.5, 0.25, 0.25]),
        [2] => ln(&[0.95, 0.025, 0.025]),
        _ => ln(&[0.9, 0.05, 0.05]),
    }
}

#[test]
fn greedy_is_beam_of_width_one_and_the_beam_finds_the_better_sequence() {
    let max = [4usize, 4];
    let spec = DecodeSpec { end: Some(0), max_steps: &max, valid: None };
    let g = greedy(&mut Table::new(2, trap), spec);
    let b1 = beam_search(&mut Table::new(2, trap), spec, 1, 0.0);
    assert_eq!(g, b1);
    assert_eq!(g[0].choices, vec![1]);
    // Greedy after [1]: end (0.5) beats 1 or 2 (0.25) → 0.6 · 0.5 = 0.3.
    assert!((g[0].log_prob - 0.3f32.ln()).abs() < 1e-5, "{:?}", g[0]);
    let b = beam_search(&mut Table::new(2, trap), spec, 2, 0.0);
    assert_eq!(b[0].choices, vec![2]);
    assert!(b[0].ended);
    assert!((b[0].log_prob - 0.38f32.ln()).abs() < 1e-5, "{:?}", b[0]);
    assert_eq!(b[0], b[1], "sequences are decoded independently");
}

#[test]
fn validity_callback_forbids_repeats_and_the_step_limit_stops() {
    // Choice 1 is always the most likely; forbidding repeats forces 1, 2, 3, then end.
    let f = |_: usize, _: &[usize]| ln(&[0.01, 0.7, 0.2, 0.09]);
    let max = [10usize];
    let no_repeat = |_: usize, h: &[usize], c: usize| if c == 0 { h.len() == 3 } else { !h.contains(&c) };
    let spec = DecodeSpec { end: Some(0), max_steps: &max, valid: Some(&no_repeat) };
    for width in [1, 3, 8] {
        let out = beam_search(&mut Table::new(1, f), spec, width, 0.0);
        let mut sorted = out[0].choices.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![1, 2, 3], "width {width}: {:?}", out[0]);
        assert!(out[0].ended);
        if width == 1 {
            assert_eq!(out[0].choices, vec![1, 2, 3]);
        }
    }
    // Unconstrained, capped at 3 steps: 1, 1, 1 without an end.
    let max = [3usize];
    let free = DecodeSpec { end: Some(0), max_steps: &max, valid: None };
    let out = greedy(&mut Table::new(1, f), free);
    let Hypothesis { choices, log_prob, ended } = out[0].clone();
    assert_eq!((choices, ended), (vec![1, 1, 1], false));
    assert!((log_prob - 3.0 * 0.7f32.ln()).abs() < 1e-5, "{log_prob}");
}

#[test]
fn non_finite_choices_are_never_taken() {
    let f = |_: usize, _: &[usize]| vec![(0.3f32).ln(), f32::NEG_INFINITY, (0.7f32).ln()];
    let max = [1usize];
    let spec = DecodeSpec { end: None, max_steps: &max, valid: None };
    let out = beam_search(&mut Table::new(1, f), spec, 3, 0.0);
    assert_eq!(out[0].choices, vec![2]);
}

#[test]
fn length_normalisation_prefers_the_longer_hypothesis() {
    // End now: p = 0.3 (score ln 0.3 = −1.20 over 1 step). Go on with 1 (0.7) then end (0.4):
    // ln 0.28 = −1.27 over 2 steps. Summed: the short one; normalised (α = 1): the long one.
    let f = |_: usize, h: &[usize]| if h.is_empty() { ln(&[0.3, 0.7]) } else { ln(&[0.4, 1e-9]) };
    let max = [2usize];
    let spec = DecodeSpec { end: Some(0), max_steps: &max, valid: None };
    let summed = beam_search(&mut Table::new(1, f), spec, 2, 0.0);
    assert_eq!(summed[0].choices, Vec::<usize>::new());
    let normalised = beam_search(&mut Table::new(1, f), spec, 2, 1.0);
    assert_eq!(normalised[0].choices, vec![1]);
}

#[test]
fn teacher_forcing_schedule() {
    let lin = TeacherForcing::Linear { start: 1.0, end: 0.2, steps: 100 };
    assert_eq!(lin.ratio(0), 1.0);
    assert!((lin.ratio(50) - 0.6).abs() < 1e-6);
    assert_eq!(lin.ratio(100), 0.2);
    assert_eq!(lin.ratio(1000), 0.2);
    assert_eq!(TeacherForcing::Constant(1.5).ratio(3), 1.0, "clamped");
    let mut rng = StdRng::seed_from_u64(1);
    assert!(TeacherForcing::Constant(1.0).draw(0, 50, &mut rng).iter().all(|&b| b));
    assert!(TeacherForcing::Constant(0.0).draw(0, 50, &mut rng).iter().all(|&b| !b));
    let half = TeacherForcing::Constant(0.5).draw(0, 10_000, &mut rng);
    let frac = half.iter().filter(|&&b| b).count() as f64 / 1e4;
    assert!((frac - 0.5).abs() < 0.03, "{frac}");
}
