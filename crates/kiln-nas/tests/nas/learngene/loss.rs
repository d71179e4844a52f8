//! The distillation loss against hand computations, and the matching points.

use burn::prelude::{Device, Int, Tensor};
use kiln_nas::learngene::{LearngeneError, MatchPoints, learngene_distillation_loss, soft_cross_entropy};

fn scalar(t: Tensor<1>) -> f64 {
    f64::from(t.into_scalar::<f32>())
}

#[test]
fn distillation_loss_matches_a_hand_computation() {
    let device = Device::flex();
    let s = Tensor::<2>::from_floats([[1.0, 0.0], [0.0, 2.0]], &device);
    let t = Tensor::<2>::from_floats([[0.0, 0.0], [2.0, 0.0]], &device);
    let y = Tensor::<1, Int>::from_ints([0, 1], &device);
    let rep = vec![
        (Tensor::<3>::from_floats([[[1.0, 2.0]]], &device), Tensor::<3>::zeros([1, 1, 2], &device)),
        (Tensor::<3>::from_floats([[[0.0, 0.0], [1.0, 1.0]]], &device), Tensor::<3>::zeros([1, 2, 2], &device)),
    ];
    let attn =
        vec![(Tensor::<3>::from_floats([[[3.0, 1.0]]], &device), Tensor::<3>::from_floats([[[1.0, 1.0]]], &device))];
    let terms = learngene_distillation_loss(s, t, y, rep, attn, 0.1, 1.0);

    // l0 = −log softmax([1, 0])₀, l1 = −log softmax([0, 2])₁.
    let (l0, l1) = ((1.0 + (-1.0f64).exp()).ln(), (1.0 + (-2.0f64).exp()).ln());
    let ce = (l0 + l1) / 2.0;
    // softmax([2, 0])₀ = q; row 0 of the teacher is uniform. Mean over 2 rows × 2 classes of
    // −p_t · log p_s: row 0: ½·l0 + ½·(1 + l0); row 1: q·(2 + l1) + (1 − q)·l1.
    let q = 2.0f64.exp() / (1.0 + 2.0f64.exp());
    let soft = (l0 + 0.5 + 2.0 * q + l1) / 4.0;
    // MSE: (1 + 4)/2 and (0 + 0 + 1 + 1)/4, summed; attention (4 + 0)/2.
    let (rep_mse, attn_mse) = (2.5 + 0.5, 2.0);
    let total = 0.1 * ce + 0.9 * (soft + rep_mse + attn_mse);

    for (name, got, want) in [
        ("cross_entropy", scalar(terms.cross_entropy), ce),
        ("soft", scalar(terms.logits), soft),
        ("representation", scalar(terms.representation), rep_mse),
        ("attention", scalar(terms.attention), attn_mse),
        ("total", scalar(terms.total), total),
    ] {
        assert!((got - want).abs() < 1e-5, "{name}: {got} vs {want}");
    }
}

#[test]
fn soft_cross_entropy_averages_over_classes_without_t_squared() {
    let device = Device::flex();
    let s = Tensor::<2>::from_floats([[2.0, 0.0, -2.0]], &device);
    let t = Tensor::<2>::from_floats([[0.0, 4.0, 0.0]], &device);
    // T = 2: s/T = [1, 0, −1], t/T = [0, 2, 0].
    let z_s = 1.0f64.exp() + 1.0 + (-1.0f64).exp();
    let log_ps = [1.0 - z_s.ln(), -z_s.ln(), -1.0 - z_s.ln()];
    let z_t = 2.0 + 2.0f64.exp();
    let pt = [1.0 / z_t, 2.0f64.exp() / z_t, 1.0 / z_t];
    let want = -(0..3).map(|c| pt[c] * log_ps[c]).sum::<f64>() / 3.0;
    let got = scalar(soft_cross_entropy(s, t, 2.0));
    assert!((got - want).abs() < 1e-5, "{got} vs {want}");
}

#[test]
fn matching_points_scale_with_depth() {
    // The official points: students of 9 blocks against DeiT-B's 12.
    assert_eq!(MatchPoints::FrontEnd.pairs(9, 12).unwrap(), vec![(2, 3), (5, 7), (8, 11)]);
    assert_eq!(MatchPoints::MidEnd.pairs(9, 12).unwrap(), vec![(5, 7), (8, 11)]);
    assert_eq!(MatchPoints::End.pairs(6, 12).unwrap(), vec![(5, 11)]);
    assert_eq!(MatchPoints::FrontEnd.pairs(6, 12).unwrap(), vec![(1, 3), (3, 7), (5, 11)]);
    // The small preset: 3-block Ti against a 6-block ancestry.
    assert_eq!(MatchPoints::FrontEnd.pairs(3, 6).unwrap(), vec![(0, 1), (1, 3), (2, 5)]);
    assert!(matches!(MatchPoints::FrontEnd.pairs(2, 12), Err(LearngeneError::MatchPoints { which: "student", .. })));
}
