//! Gaps in class labels: test-only classes and corrupted labels far above the rest.

use kiln_data::formats::LabelGaps;

#[test]
fn dense_shared_labels_have_no_warning() {
    let gaps = LabelGaps::find(&[0, 1, 2, 2, 1], &[2, 0]);
    assert_eq!(gaps.num_classes, 3);
    assert!(gaps.warnings().is_empty(), "{:?}", gaps.warnings());
}

#[test]
fn one_corrupted_label_255_among_digits_is_reported() {
    let mut train: Vec<usize> = (0..100).map(|i| i % 10).collect();
    train.push(255);
    let gaps = LabelGaps::find(&train, &[3, 4]);
    assert_eq!(gaps.num_classes, 256);
    assert_eq!(gaps.far_above, vec![(255, 1)]);
    assert_eq!(gaps.empty, 245);
    let warnings = gaps.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("label 255 (1 records) far above the other labels (at most 9)"), "{warnings:?}");
    assert!(warnings[0].contains("256 outputs, 245 of them"), "{warnings:?}");
}

#[test]
fn test_only_classes_are_reported() {
    let gaps = LabelGaps::find(&[0, 1, 0, 1], &[0, 2, 2, 3]);
    assert_eq!(gaps.test_only, vec![(2, 2), (3, 1)]);
    let warnings = gaps.warnings();
    assert!(
        warnings[0].contains("labels 2, 3 occur in the test set (3 records) but never in training"),
        "{warnings:?}"
    );
    assert!(warnings.iter().any(|w| w.contains("2 of 4 classes have no training example")), "{warnings:?}");
}

#[test]
fn a_small_gap_or_a_large_far_group_is_not_called_corrupted() {
    // Binary labels 0 and 1 plus 5: a small jump.
    assert!(LabelGaps::find(&[0, 1, 5, 0, 1, 5], &[]).far_above.is_empty());
    // Most records above the jump: not a few corrupted labels.
    let train = [0, 100, 101, 100, 101, 100];
    assert!(LabelGaps::find(&train, &[]).far_above.is_empty());
}

#[test]
fn many_labels_are_listed_up_to_ten() {
    let test: Vec<usize> = (1..=12).collect();
    let warnings = LabelGaps::find(&[0, 0], &test).warnings();
    assert!(warnings[0].contains("1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ... (12 in all)"), "{warnings:?}");
}
