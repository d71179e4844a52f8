//! A short run: APEN learns part labels on canonical poses that hold under per-part motions.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_geom::apen::{ApenConfig, PartBatches, PartSchedule, Pose, dataset, segment_metrics, train};

#[test]
fn apen_learns_parts_that_survive_part_motions() {
    let device = Device::flex();
    device.seed(10);
    // A coarser over-segmentation (8 parts) than `small()` keeps the run within CI's budget: each
    // fine part then shows enough of its part to tell the type.
    let config = ApenConfig::small().with_width(32).with_fine_parts(8);
    let train_set = dataset(32, 256, 0, Pose::Canonical).expect("data");
    let test_set = dataset(16, 256, 500, Pose::PerPart { min_angle: 0.0, max_angle: 3.1, shift: 0.05, relocate: true })
        .expect("data");
    let source = PartBatches::new(Arc::new(train_set), config.fine_parts, 8).expect("batches").shuffled(1);
    let schedule = PartSchedule { epochs: 20, lr: 1.5e-2, max_steps_per_epoch: None };
    let model = config.init(&device).expect("model");
    let (model, report) = train(model, &schedule, &source, 1, &device).expect("train");
    let m = segment_metrics(&model, &test_set, config.fine_parts, 8, &device).expect("metrics");
    eprintln!("APEN after a short run: {m:?}");
    // Chance is 1/4 (4 part types).
    assert!(m.point_accuracy > 0.35, "accuracy {m:?}, report {:?}", report.records.last());
}
