//! Anchors and their assignment on hand cases.

use kiln_semi::catnet::{AnchorConfig, Assignment, assign};

use super::assert_close;

#[test]
fn anchors_on_a_hand_grid() {
    let config =
        AnchorConfig { strides: vec![8, 4], octave_base_scale: 4.0, scales_per_octave: 1, ratios: vec![1.0, 2.0] };
    assert_eq!(config.per_position(), 2);
    let anchors = config.anchors(&[[1, 2], [1, 1]]);
    assert_eq!(anchors.len(), 2 * 2 + 2);
    // Stride 8, scale 4: 32 × 32 squares centred on (0, 0) and (8, 0); ratio 2 is
    // 32/√2 wide and 32√2 high.
    let (w, h) = (16.0 / 2f32.sqrt(), 16.0 * 2f32.sqrt());
    let flat: Vec<f32> = anchors.iter().flatten().copied().collect();
    let want = [
        [-16.0, -16.0, 16.0, 16.0],
        [-w, -h, w, h],
        [-8.0, -16.0, 24.0, 16.0],
        [8.0 - w, -h, 8.0 + w, h],
        [-8.0, -8.0, 8.0, 8.0],
        [-w / 2.0, -h / 2.0, w / 2.0, h / 2.0],
    ];
    let want: Vec<f32> = want.iter().flatten().copied().collect();
    assert_close(&flat, &want, 1e-5, "anchors");
}

#[test]
fn retinanet_scales_are_an_octave_apart() {
    let base = AnchorConfig::retinanet(vec![8]).base_anchors(8);
    assert_eq!(base.len(), 9);
    // Ratio 1 (anchors 3–5): sides 32, 32·2^{1/3}, 32·2^{2/3}.
    let sides: Vec<f32> = base[3..6].iter().map(|b| b[2] - b[0]).collect();
    assert_close(&sides, &[32.0, 32.0 * 2f32.powf(1.0 / 3.0), 32.0 * 2f32.powf(2.0 / 3.0)], 1e-4, "sides");
}

#[test]
fn assignment_on_a_hand_case() {
    let truths = [[0.0, 0.0, 10.0, 10.0], [50.0, 50.0, 60.0, 60.0]];
    let anchors = [
        [0.0, 0.0, 10.0, 10.0],       // IoU 1 with truth 0: positive
        [5.0, 0.0, 15.0, 10.0],       // 50/150 < 0.4: negative
        [2.0, 0.0, 12.0, 10.0],       // 80/120 ≥ 0.5: positive
        [0.0, 0.0, 10.0, 22.0],       // 100/220 in [0.4, 0.5): ignored
        [54.0, 50.0, 64.0, 60.0],     // 60/140 with truth 1, ignored by the thresholds but its best
        [100.0, 100.0, 110.0, 110.0], // nothing: negative
    ];
    use Assignment::*;
    assert_eq!(
        assign(&anchors, &truths, 0.5, 0.4),
        vec![Positive(0), Negative, Positive(0), Ignored, Positive(1), Negative]
    );
    assert_eq!(assign(&anchors, &[], 0.5, 0.4), vec![Negative; 6]);
}
