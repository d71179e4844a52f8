//! The labelled subset: typed errors, exact per-class counts, seeding.

use std::collections::BTreeMap;

use kiln_semi::SemiError;
use kiln_semi::simclr::label_subset;

fn digit_labels() -> Vec<usize> {
    kiln_data::digits().unwrap_or_else(|e| panic!("{e}")).iter().map(|e| e.label).collect()
}

fn counts(labels: &[usize], indices: &[usize]) -> BTreeMap<usize, usize> {
    let mut out = BTreeMap::new();
    for &i in indices {
        *out.entry(labels[i]).or_default() += 1;
    }
    out
}

#[test]
fn fractions_outside_the_unit_interval_are_errors() {
    let labels = digit_labels();
    for fraction in [0.0, 1.5, -0.1, f64::NAN] {
        match label_subset(&labels, fraction, 0) {
            Err(SemiError::LabelFraction { classes, .. }) => assert_eq!(classes, 10),
            other => panic!("fraction {fraction}: expected LabelFraction, got {other:?}"),
        }
    }
}

#[test]
fn too_few_labels_per_class_is_an_error() {
    // About 180 images per class: 0.1% keeps round(0.18) = 0 of each.
    let labels = digit_labels();
    match label_subset(&labels, 0.001, 0) {
        Err(SemiError::LabelFraction { labelled, classes, .. }) => assert!(labelled < classes),
        other => panic!("expected LabelFraction, got {other:?}"),
    }
    // Ten classes of 100 and one of 2: 1% keeps one of each large class and none of the small.
    let mut labels: Vec<usize> = (0..1000).map(|i| i % 10).collect();
    labels.extend([10, 10]);
    match label_subset(&labels, 0.01, 0) {
        Err(SemiError::LabelFraction { labelled: 10, classes: 11, reason, .. }) => {
            assert!(reason.contains("class 10"), "{reason}")
        }
        other => panic!("expected LabelFraction for class 10, got {other:?}"),
    }
}

#[test]
fn each_class_keeps_its_rounded_fraction() {
    let labels = digit_labels();
    let all = counts(&labels, &(0..labels.len()).collect::<Vec<_>>());
    for fraction in [0.01, 0.1, 1.0] {
        let split = label_subset(&labels, fraction, 3).unwrap_or_else(|e| panic!("{e}"));
        let kept = counts(&labels, &split.labelled);
        for (class, &n) in &all {
            let expected = (fraction * n as f64).round() as usize;
            assert_eq!(kept.get(class).copied().unwrap_or(0), expected, "class {class} at {fraction}");
        }
        assert_eq!(split.labelled.len() + split.unlabelled.len(), labels.len());
        assert!(split.labelled.windows(2).all(|w| w[0] < w[1]));
    }
    let a = label_subset(&labels, 0.1, 3).unwrap_or_else(|e| panic!("{e}"));
    let b = label_subset(&labels, 0.1, 3).unwrap_or_else(|e| panic!("{e}"));
    let c = label_subset(&labels, 0.1, 4).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, b, "same seed, same subset");
    assert_ne!(a, c, "another seed, another subset");
}
