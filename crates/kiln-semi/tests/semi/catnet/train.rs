//! Training the detector on kiln-core's Trainer with procedural aerial scenes, and scoring it.

use burn::prelude::Device;
use kiln_core::train::{BatchSource, Phase, TrainPhase, Trainer};
use kiln_data::procedural::aerial::{AerialConfig, generate};
use kiln_semi::catnet::detector::Detection;
use kiln_semi::catnet::detector::DetectionTarget;
use kiln_semi::catnet::{
    DetectConfig, DetectionSource, Detector, DetectorConfig, NeckKind, detection_metrics, evaluate,
};

#[test]
fn source_covers_every_example_once_per_epoch() {
    let device = Device::flex();
    let examples = generate(&AerialConfig::new(), 5, 11).unwrap();
    let source = DetectionSource::new(examples, 2, Some(4));
    assert_eq!(source.num_batches(), 3);
    let mut seen = 0;
    for index in 0..3 {
        let batch = source.batch(1, index, &device).unwrap();
        assert_eq!(batch.images.dims()[0], batch.targets.len());
        assert_eq!(batch.images.dims()[1..], [3, 96, 96]);
        seen += batch.targets.len();
    }
    assert_eq!(seen, 5);
    assert!(source.batch(0, 3, &device).is_err());
}

#[test]
fn metrics_of_perfect_and_empty_detections() {
    let targets =
        vec![DetectionTarget { boxes: vec![[0.0, 0.0, 8.0, 8.0], [20.0, 20.0, 30.0, 26.0]], classes: vec![0, 2] }];
    let perfect: Vec<Vec<Detection>> = vec![
        targets[0]
            .boxes
            .iter()
            .zip(&targets[0].classes)
            .map(|(b, &c)| Detection { bbox: *b, class: c, score: 0.9 })
            .collect(),
    ];
    let m = detection_metrics(&perfect, &targets, 3);
    assert_eq!(m.ap50, vec![Some(1.0), None, Some(1.0)]);
    assert_eq!((m.map50, m.coco_map), (Some(1.0), Some(1.0)));
    let m = detection_metrics(&[vec![]], &targets, 3);
    assert_eq!(m.map50, Some(0.0));
}

#[test]
fn trains_on_aerial_scenes() {
    let device = Device::flex();
    let config = AerialConfig::new();
    let train = generate(&config, 24, 1).unwrap();
    let valid = generate(&config, 8, 2).unwrap();
    let model: Detector = DetectorConfig::small(4, NeckKind::DenseFpnScp).init(&device);
    let source = DetectionSource::new(train, 4, Some(7));
    let phases = [Phase::train("detect", TrainPhase::new(3, 3e-3))];
    let (model, report) = Trainer::new(device.clone()).with_seed(5).fit(model, &phases, &source, None).unwrap();
    assert!(report.completed);
    let (first, last) = (report.records[0].train["loss"], report.records[2].train["loss"]);
    assert!(first.is_finite() && last < first, "loss {first} → {last}");
    for term in ["focal", "l1"] {
        assert!(report.records[2].train.contains_key(term), "term {term}");
    }
    let metrics = evaluate(&model, &valid, &DetectConfig::default(), 4, &device).unwrap();
    assert_eq!(metrics.ap50.len(), 4);
    let map = metrics.map50.expect("the scenes have objects");
    assert!((0.0..=1.0).contains(&map), "{map}");
}
