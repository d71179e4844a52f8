//! mIoU on a hand-made confusion.

use kiln_semi::mgd::SegMetrics;

#[test]
fn miou_matches_a_hand_value() {
    let mut m = SegMetrics::new(3);
    // Labels 0 0 1 1 2 (and an ignored 255), predictions 0 1 1 1 0.
    m.update(&[0, 1, 1, 1, 0, 2], &[0, 0, 1, 1, 2, 255]);
    // Class 0: tp 1, union 3 → 1/3. Class 1: tp 2, union 3 → 2/3. Class 2: tp 0, union 1 → 0.
    let iou = m.iou();
    assert!((iou[0].unwrap_or(-1.0) - 1.0 / 3.0).abs() < 1e-12);
    assert!((iou[1].unwrap_or(-1.0) - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(iou[2], Some(0.0));
    assert!((m.miou() - 1.0 / 3.0).abs() < 1e-12);
    assert!((m.pixel_accuracy() - 3.0 / 5.0).abs() < 1e-12);
    // A class neither labelled nor predicted is left out of the mean.
    let mut m = SegMetrics::new(3);
    m.update(&[0, 1], &[0, 1]);
    assert_eq!(m.iou()[2], None);
    assert_eq!(m.miou(), 1.0);
}
