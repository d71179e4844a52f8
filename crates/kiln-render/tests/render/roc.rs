//! ROC curves: points and AUC against hand-computed examples, ties, errors.

use kiln_render::{Chart, RenderError, RocCurve};

#[test]
fn hand_computed_curve_and_auc() {
    // Sorted by score: + - + -. Thresholds give (FPR, TPR) = (0, ½), (½, ½), (½, 1), (1, 1).
    let roc = RocCurve::from_scores(&[0.9, 0.8, 0.4, 0.3], &[true, false, true, false]).unwrap();
    assert_eq!(roc.points(), &[(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)]);
    assert!((roc.auc() - 0.75).abs() < 1e-12, "3 of 4 positive-negative pairs are ordered: {}", roc.auc());
    // Order of the input does not matter.
    let shuffled = RocCurve::from_scores(&[0.4, 0.3, 0.9, 0.8], &[true, false, true, false]).unwrap();
    assert_eq!(shuffled, roc);
    let perfect = RocCurve::from_scores(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]).unwrap();
    assert_eq!(perfect.auc(), 1.0);
    let reversed = RocCurve::from_scores(&[0.9, 0.8, 0.2], &[false, false, true]).unwrap();
    assert_eq!(reversed.auc(), 0.0);
}

#[test]
fn ties_count_half() {
    // All scores equal: one diagonal step, AUC ½.
    let roc = RocCurve::from_scores(&[0.5; 4], &[true, false, true, false]).unwrap();
    assert_eq!(roc.points(), &[(0.0, 0.0), (1.0, 1.0)]);
    assert_eq!(roc.auc(), 0.5);
    // Positives {0.9, 0.7}, negatives {0.7, 0.1}: 3 ordered pairs and 1 tie → AUC 3.5 / 4.
    let roc = RocCurve::from_scores(&[0.9, 0.7, 0.7, 0.1], &[true, true, false, false]).unwrap();
    assert_eq!(roc.points(), &[(0.0, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.0)]);
    assert!((roc.auc() - 0.875).abs() < 1e-12);
}

#[test]
fn bad_input_is_an_error() {
    assert!(matches!(RocCurve::from_scores(&[], &[]), Err(RenderError::EmptyData { .. })));
    assert!(matches!(
        RocCurve::from_scores(&[0.1, 0.2], &[true]),
        Err(RenderError::LengthMismatch { left: 2, right: 1, .. })
    ));
    assert!(matches!(
        RocCurve::from_scores(&[0.1, f64::NAN], &[true, false]),
        Err(RenderError::NonFinite { index: 1, .. })
    ));
    assert!(matches!(
        RocCurve::from_scores(&[0.1, 0.2], &[true, true]),
        Err(RenderError::OneClass { positives: 2, negatives: 0 })
    ));
}

#[test]
fn roc_chart_draws_on_the_unit_square() {
    let roc = RocCurve::from_scores(&[0.9, 0.8, 0.4, 0.3], &[true, false, true, false]).unwrap();
    let chart = Chart::roc("link prediction", &[("NCN", &roc)]);
    let (x, y) = chart.ranges().unwrap();
    assert_eq!((x.min, x.max, y.min, y.max), (0.0, 1.0, 0.0, 1.0));
    assert_eq!(chart.series_list()[1].label(), "NCN (AUC 0.750)");
    let svg = chart.to_svg().unwrap();
    assert!(svg.contains("NCN (AUC 0.750)"), "legend text in the SVG");
}
