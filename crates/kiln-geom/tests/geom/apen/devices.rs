//! flex agrees with every compiled device on APEN's forward pass (logits, class logits, the
//! last partition and the part-centre vectors).

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::device::compiled_devices;
use kiln_core::testing::max_abs_diff;
use kiln_geom::apen::{ApenConfig, PartSample, fine_partition};

use super::{onehot, points_tensor};

#[test]
fn flex_agrees_with_every_compiled_device() {
    let flex = Device::flex();
    kiln_core::seed::seed_device(&flex, 11);
    let model = ApenConfig::small().init(&flex).expect("model");
    let samples: Vec<PartSample> = (0..2).map(|s| PartSample::canonical(s, 128).expect("sample")).collect();
    let assign: Vec<Vec<usize>> = samples.iter().map(|s| fine_partition(&s.points, 16).expect("fine")).collect();
    let run = |model: &kiln_geom::apen::Apen, device: &Device| {
        let out = model.forward(points_tensor(&samples, device), onehot(&assign, 16, device));
        let last = out.partitions.last().cloned().expect("partitions");
        (out.logits, out.class_logits, last, out.vectors)
    };
    let reference = run(&model, &flex);
    for (spec, device) in compiled_devices() {
        let moved = model.clone().fork(&device);
        let (logits, class_logits, z, vectors) = run(&moved, &device);
        let d = [
            max_abs_diff(logits, reference.0.clone()),
            max_abs_diff(class_logits, reference.1.clone()),
            max_abs_diff(z, reference.2.clone()),
            max_abs_diff(vectors, reference.3.clone()),
        ];
        assert!(d.iter().all(|&d| d < 1e-4), "{spec}: logits, class logits, Z, vectors differ by {d:?}");
    }
}
