//! NMS and soft-NMS on a hand-made set.

use kiln_semi::catnet::{BoxXyxy, SoftNmsConfig, SoftNmsMethod, box_iou, nms, soft_nms};

/// A, B (IoU(A, B) = 90/110), C (apart), D (IoU(A, D) = 0.5 exactly, IoU(D, B) = 45/105).
const BOXES: [BoxXyxy; 4] =
    [[0.0, 0.0, 10.0, 10.0], [1.0, 0.0, 11.0, 10.0], [20.0, 20.0, 30.0, 30.0], [0.0, 0.0, 10.0, 5.0]];
const SCORES: [f32; 4] = [0.9, 0.8, 0.7, 0.6];

#[test]
fn hand_ious() {
    assert!((box_iou(&BOXES[0], &BOXES[1]) - 90.0 / 110.0).abs() < 1e-6);
    assert!((box_iou(&BOXES[0], &BOXES[3]) - 0.5).abs() < 1e-6);
    assert!((box_iou(&BOXES[3], &BOXES[1]) - 45.0 / 105.0).abs() < 1e-6);
    assert_eq!(box_iou(&BOXES[0], &BOXES[2]), 0.0);
}

#[test]
fn hard_nms_drops_only_overlaps_above_the_threshold() {
    // B overlaps A by 0.82 > 0.5 and goes; D overlaps A by exactly 0.5 and stays.
    assert_eq!(nms(&BOXES, &SCORES, 0.5), vec![0, 2, 3]);
    assert_eq!(nms(&BOXES, &SCORES, 0.4), vec![0, 2]);
    assert_eq!(nms(&BOXES, &SCORES, 0.9), vec![0, 1, 2, 3]);
    // Order follows the scores, not the input.
    assert_eq!(nms(&BOXES, &[0.1, 0.8, 0.7, 0.6], 0.5), vec![1, 2, 3]);
}

#[test]
fn linear_soft_nms_decays_as_computed_by_hand() {
    let kept = soft_nms(&BOXES, &SCORES, &SoftNmsConfig::catnet());
    let a_b = 90.0f32 / 110.0;
    // A first; B decays to 0.8 (1 − 0.818); D (IoU 0.5, not above) and C keep their scores;
    // D vs B is 0.43 < 0.5, so B keeps its decayed score.
    let want = [(0, 0.9), (2, 0.7), (3, 0.6), (1, 0.8 * (1.0 - a_b))];
    assert_eq!(kept.len(), 4);
    for ((i, s), (wi, ws)) in kept.iter().zip(want) {
        assert_eq!(*i, wi);
        assert!((s - ws).abs() < 1e-6, "box {i}: {s} vs {ws}");
    }
}

#[test]
fn gaussian_soft_nms_decays_as_computed_by_hand() {
    let config = SoftNmsConfig { method: SoftNmsMethod::Gaussian, ..SoftNmsConfig::catnet() };
    let kept = soft_nms(&BOXES, &SCORES, &config);
    let g = |iou: f32| (-iou * iou / 0.5).exp();
    let (a_b, a_d, d_b) = (90.0f32 / 110.0, 0.5f32, 45.0f32 / 105.0);
    // After A: B = 0.8 g(0.818) ≈ 0.210, D = 0.6 g(0.5) ≈ 0.364, C = 0.7. Then C (no overlap),
    // then D, which decays B once more by g(0.429).
    let want = [(0, 0.9), (2, 0.7), (3, 0.6 * g(a_d)), (1, 0.8 * g(a_b) * g(d_b))];
    for ((i, s), (wi, ws)) in kept.iter().zip(want) {
        assert_eq!(*i, wi);
        assert!((s - ws).abs() < 1e-6, "box {i}: {s} vs {ws}");
    }
}

#[test]
fn soft_nms_drops_scores_below_the_minimum() {
    let config = SoftNmsConfig { min_score: 0.2, ..SoftNmsConfig::catnet() };
    let kept: Vec<usize> = soft_nms(&BOXES, &SCORES, &config).into_iter().map(|(i, _)| i).collect();
    assert_eq!(kept, vec![0, 2, 3]);
}
