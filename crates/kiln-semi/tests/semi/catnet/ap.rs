//! Average precision of hand-made detections against hand-computed values.

use kiln_semi::catnet::ap::{ap_from_hits, match_detections, match_detections_with, mean_over_classes};
use kiln_semi::catnet::{
    ApProtocol, GroundTruthBox, Interpolation, Matching, ScoredBox, average_precision, average_precision_with, box_iou,
    box_iou_legacy, coco_average_precision, mask_iou,
};

/// Three objects on image 0.
fn truths() -> Vec<GroundTruthBox> {
    [[0.0, 0.0, 10.0, 10.0], [20.0, 0.0, 30.0, 10.0], [40.0, 0.0, 50.0, 10.0]]
        .into_iter()
        .map(|bbox| GroundTruthBox { image: 0, bbox })
        .collect()
}

/// By score: exact hit on object 1 (TP), a box on nothing (FP), object 2 at IoU 90/110 (TP),
/// a duplicate of object 1 (FP). Object 3 is missed.
fn detections() -> Vec<ScoredBox> {
    vec![
        ScoredBox { image: 0, bbox: [21.0, 0.0, 31.0, 10.0], score: 0.7 },
        ScoredBox { image: 0, bbox: [0.0, 0.0, 10.0, 10.0], score: 0.9 },
        ScoredBox { image: 0, bbox: [0.0, 0.0, 10.0, 10.0], score: 0.6 },
        ScoredBox { image: 0, bbox: [60.0, 0.0, 70.0, 10.0], score: 0.8 },
    ]
}

#[test]
fn matching_follows_scores_and_takes_each_truth_once() {
    assert_eq!(match_detections(&detections(), &truths(), 0.5), vec![true, false, true, false]);
    // At 0.85 the shifted box no longer matches.
    assert_eq!(match_detections(&detections(), &truths(), 0.85), vec![true, false, false, false]);
    // A detection on another image never matches.
    let elsewhere = [ScoredBox { image: 1, bbox: [0.0, 0.0, 10.0, 10.0], score: 1.0 }];
    assert_eq!(match_detections(&elsewhere, &truths(), 0.5), vec![false]);
}

#[test]
fn ap50_equals_hand_values() {
    // Precision 1, 1/2, 2/3, 1/2 at recall 1/3, 1/3, 2/3, 2/3; envelope 1, 2/3, 2/3, 1/2.
    // VOC: 1/3 · 1 + 1/3 · 2/3 = 5/9.
    let voc = average_precision(&detections(), &truths(), 0.5, Interpolation::VocAllPoints).unwrap();
    assert!((voc - 5.0 / 9.0).abs() < 1e-6, "{voc}");
    // COCO: recall points 0.00–0.33 (34) at 1, 0.34–0.66 (33) at 2/3, the rest 0: 56/101.
    let coco = average_precision(&detections(), &truths(), 0.5, Interpolation::Coco101).unwrap();
    assert!((coco - 56.0 / 101.0).abs() < 1e-6, "{coco}");
}

#[test]
fn coco_ap_over_iou_thresholds_equals_hand_value() {
    // IoU 0.50–0.80 (7 thresholds): 56/101; 0.85–0.95 (3): only the exact hit, 34/101.
    let ap = coco_average_precision(&detections(), &truths()).unwrap();
    let want = (7.0 * 56.0 / 101.0 + 3.0 * 34.0 / 101.0) / 10.0;
    assert!((ap - want).abs() < 1e-6, "{ap} vs {want}");
}

#[test]
fn edge_cases() {
    assert_eq!(ap_from_hits(&[true], 0, Interpolation::Coco101), None);
    assert_eq!(ap_from_hits(&[], 2, Interpolation::Coco101), Some(0.0));
    assert_eq!(ap_from_hits(&[true, true], 2, Interpolation::Coco101), Some(1.0));
    assert_eq!(ap_from_hits(&[true, true], 2, Interpolation::VocAllPoints), Some(1.0));
    assert_eq!(mean_over_classes(3, |c| (c != 1).then_some(c as f32)), Some(1.0));
    assert_eq!(mean_over_classes(2, |_| None), None);
}

#[test]
fn mask_iou_counts_pixels() {
    let a = [true, true, false, false];
    let b = [false, true, true, false];
    assert!((mask_iou(&a, &b) - 1.0 / 3.0).abs() < 1e-6);
    assert_eq!(mask_iou(&[false; 3], &[false; 3]), 0.0);
}

#[test]
fn legacy_iou_adds_a_pixel_to_every_side_length() {
    // Pixels 0..=9 and 5..=14 of a 10-row band: 50 shared of 150; continuous: 36 of 126.
    let (a, b) = ([0.0, 0.0, 9.0, 9.0], [5.0, 0.0, 14.0, 9.0]);
    assert!((box_iou_legacy(&a, &b) - 1.0 / 3.0).abs() < 1e-6);
    assert!((box_iou(&a, &b) - 36.0 / 126.0).abs() < 1e-6);
    // At IoU 0.3 the convention decides the match.
    let det = [ScoredBox { image: 0, bbox: a, score: 1.0 }];
    let truth = [GroundTruthBox { image: 0, bbox: b }];
    let legacy_coco = ApProtocol { legacy_iou: true, ..ApProtocol::COCO };
    assert_eq!(match_detections_with(&det, &truth, 0.3, &ApProtocol::COCO), vec![false]);
    assert_eq!(match_detections_with(&det, &truth, 0.3, &legacy_coco), vec![true]);
}

/// Two overlapping objects; the second detection overlaps the first object most (taken by
/// the first detection) and the second object above 0.5.
fn crowded() -> (Vec<ScoredBox>, Vec<GroundTruthBox>) {
    let truths =
        [[0.0, 0.0, 10.0, 10.0], [4.0, 0.0, 14.0, 10.0]].map(|bbox| GroundTruthBox { image: 0, bbox }).to_vec();
    let detections = vec![
        ScoredBox { image: 0, bbox: [0.0, 0.0, 10.0, 10.0], score: 0.9 },
        ScoredBox { image: 0, bbox: [1.0, 0.0, 11.0, 10.0], score: 0.8 },
    ];
    (detections, truths)
}

#[test]
fn voc_matching_does_not_fall_back_to_the_second_best_truth() {
    let (dets, truths) = crowded();
    // Detection 2: IoU 90/110 with object 1 (taken), 70/130 with object 2.
    assert_eq!(match_detections_with(&dets, &truths, 0.5, &ApProtocol::COCO), vec![true, true]);
    let voc = ApProtocol { matching: Matching::Voc, ..ApProtocol::COCO };
    assert_eq!(match_detections_with(&dets, &truths, 0.5, &voc), vec![true, false]);
}

#[test]
fn dior_protocol_ap_equals_hand_value() {
    let (dets, truths) = crowded();
    // COCO: both true positives, AP 1.
    assert_eq!(average_precision_with(&dets, &truths, 0.5, &ApProtocol::COCO), Some(1.0));
    // DIOR: legacy IoU of detection 2 is 110/132 with object 1 (taken) and 88/154 with object 2,
    // so it is a false positive; precision 1, 1/2 at recall 1/2, 1/2: area 1/2 · 1 = 1/2.
    let ap = average_precision_with(&dets, &truths, 0.5, &ApProtocol::DIOR).unwrap();
    assert!((ap - 0.5).abs() < 1e-6, "{ap}");
    assert_eq!(ApProtocol::DIOR.interpolation, Interpolation::VocAllPoints);
}

#[test]
fn ties_go_to_the_last_truth_under_coco_and_the_first_under_voc() {
    let truths = [[0.0, 0.0, 10.0, 10.0], [10.0, 0.0, 20.0, 10.0]].map(|bbox| GroundTruthBox { image: 0, bbox });
    // The first detection straddles both objects (IoU 1/3 each); the second is object 1 exactly.
    let dets = [
        ScoredBox { image: 0, bbox: [5.0, 0.0, 15.0, 10.0], score: 0.9 },
        ScoredBox { image: 0, bbox: [0.0, 0.0, 10.0, 10.0], score: 0.8 },
    ];
    // COCO (pycocotools): the tie goes to object 2, leaving object 1 for the second detection.
    assert_eq!(match_detections_with(&dets, &truths, 0.3, &ApProtocol::COCO), vec![true, true]);
    // VOC (numpy's argmax): the tie goes to object 1, which the second detection then finds taken.
    let voc = ApProtocol { matching: Matching::Voc, ..ApProtocol::COCO };
    assert_eq!(match_detections_with(&dets, &truths, 0.3, &voc), vec![true, false]);
}
