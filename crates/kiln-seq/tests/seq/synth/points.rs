//! Seeded point sets and numbers: ranges, mixed lengths, determinism, typed errors.

use kiln_seq::SeqError;
use kiln_seq::synth::points::{as_pairs, examples, uniform_numbers, uniform_points};

#[test]
fn points_are_in_the_unit_square_and_seeded() {
    let p = uniform_points(50, 3);
    assert_eq!(p.len(), 100);
    assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
    assert_eq!(p, uniform_points(50, 3));
    assert_ne!(p, uniform_points(50, 4));
    assert_eq!(as_pairs(&p)[1], [p[2], p[3]]);
    let n = uniform_numbers(20, 3);
    assert!(n.len() == 20 && n.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn examples_mix_lengths_within_bounds() {
    let xs = examples(200, 5, 20, 2, 9).unwrap();
    let lens: Vec<usize> = xs.iter().map(|x| x.len() / 2).collect();
    assert!(lens.iter().all(|n| (5..=20).contains(n)));
    assert!(lens.contains(&5) && lens.contains(&20), "both ends drawn");
    assert_eq!(xs, examples(200, 5, 20, 2, 9).unwrap());
    // Example i depends only on (seed, i): a longer draw starts with the shorter one.
    assert_eq!(examples(10, 5, 20, 2, 9).unwrap()[..], xs[..10]);
    let sorts = examples(5, 3, 3, 1, 1).unwrap();
    assert!(sorts.iter().all(|x| x.len() == 3));
}

#[test]
fn bad_lengths_are_typed_errors() {
    assert!(matches!(examples(1, 0, 5, 2, 0), Err(SeqError::Config { .. })));
    assert!(matches!(examples(1, 6, 5, 2, 0), Err(SeqError::Config { .. })));
    assert!(matches!(examples(1, 1, 5, 3, 0), Err(SeqError::Config { .. })));
}
