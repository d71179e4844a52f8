//! Piecewise equivariance of the layer Φ(X, Z) and of the model, invariance to a global
//! motion, and partitions whose rows sum to 1.

use burn::prelude::Device;
use kiln_geom::apen::model::{ApenLayer, Merge};
use kiln_geom::apen::partition::{argmax_parts, row_sums};
use kiln_geom::apen::{ApenConfig, PartSample, Pose, fine_partition};
use kiln_geom::frame::FrameGroup;

use super::{canonical_and_moved, move_points, onehot, points_tensor, refining_partition, relative};

#[test]
fn config_rejects_bad_sizes() {
    let device = Device::flex();
    assert!(ApenConfig::new(0).init(&device).is_err());
    assert!(ApenConfig::new(4).with_fine_parts(2).with_levels(vec![]).init(&device).is_err());
    assert!(ApenConfig::new(4).with_levels(vec![2]).init(&device).is_err());
    assert!(ApenConfig::small().with_width(0).init(&device).is_err());
    assert_eq!(ApenConfig::new(4).sizes(), vec![64, 16, 4]);
    assert_eq!(ApenConfig::small().sizes(), vec![16, 4]);
}

#[test]
fn layer_is_piecewise_equivariant_for_a_hard_partition_refining_the_parts() {
    let device = Device::flex();
    device.seed(5);
    let (canonical, moved) = canonical_and_moved(0..3, 192);
    for group in [FrameGroup::Se3, FrameGroup::E3] {
        let layer = ApenLayer::new(0, 32, group, &device);
        let assign: Vec<Vec<usize>> = canonical.iter().map(|s| refining_partition(s, 2)).collect();
        let z = onehot(&assign, 8, &device);
        let a = layer.forward(points_tensor(&canonical, &device), z.clone(), None);
        let b = layer.forward(points_tensor(&moved, &device), z, None);
        let fa = kiln_core::tensor::to_vec(a.features);
        let fb = kiln_core::tensor::to_vec(b.features);
        let inv = relative(&fb, &fa);
        let va = kiln_core::tensor::to_vec(a.vectors);
        let vb = kiln_core::tensor::to_vec(b.vectors);
        let n = canonical[0].points.len();
        let mut gv = Vec::new();
        for (i, (c, m)) in canonical.iter().zip(&moved).enumerate() {
            gv.extend(move_points(&va[i * n * 3..(i + 1) * n * 3], &c.parts, &m.motions));
        }
        let eq = relative(&vb, &gv);
        eprintln!("layer {group:?}: invariance {inv:e}, equivariance {eq:e}");
        assert!(inv < 1e-4 && eq < 1e-4, "{group:?}: invariance {inv:e}, equivariance {eq:e}");
    }
}

#[test]
fn hard_model_is_equivariant_to_motions_of_its_final_parts() {
    let device = Device::flex();
    device.seed(6);
    let model = ApenConfig::small().init(&device).expect("model");
    let samples: Vec<PartSample> = (0..2).map(|s| PartSample::canonical(s, 256).expect("sample")).collect();
    let assign: Vec<Vec<usize>> = samples.iter().map(|s| fine_partition(&s.points, 16).expect("fine")).collect();
    let fine = onehot(&assign, 16, &device);
    let out = model.forward_with(points_tensor(&samples, &device), fine.clone(), Merge::Hard);
    let last = out.partitions.last().expect("partitions");
    let finals = argmax_parts(last);
    // Move every final part by its own motion.
    let moved: Vec<PartSample> = samples
        .iter()
        .zip(&finals)
        .enumerate()
        .map(|(i, (s, f))| {
            let regrouped = PartSample {
                parts: f.clone(),
                motions: vec![kiln_geom::transform::RigidTransform::identity(); 4],
                ..s.clone()
            };
            regrouped
                .posed(Pose::PerPart { min_angle: 1.0, max_angle: 3.0, shift: 0.3, relocate: false }, 40 + i as u64)
                .expect("pose")
        })
        .collect();
    let out2 = model.forward_with(points_tensor(&moved, &device), fine, Merge::Hard);
    let l1 = kiln_core::tensor::to_vec(out.logits);
    let l2 = kiln_core::tensor::to_vec(out2.logits);
    assert!(relative(&l2, &l1) < 1e-4, "logits {:e}", relative(&l2, &l1));
    let v1 = kiln_core::tensor::to_vec(out.vectors);
    let v2 = kiln_core::tensor::to_vec(out2.vectors);
    let n = samples[0].points.len();
    let mut gv = Vec::new();
    for (i, m) in moved.iter().enumerate() {
        gv.extend(move_points(&v1[i * n * 3..(i + 1) * n * 3], &finals[i], &m.motions));
    }
    eprintln!("hard model: logits {:e}, vectors {:e}", relative(&l2, &l1), relative(&v2, &gv));
    assert!(relative(&v2, &gv) < 1e-4, "vectors {:e}", relative(&v2, &gv));
}

#[test]
fn soft_model_is_invariant_to_a_global_motion_and_rows_sum_to_one() {
    let device = Device::flex();
    device.seed(7);
    let model = ApenConfig::small().with_group(FrameGroup::E3).init(&device).expect("model");
    let samples: Vec<PartSample> = (3..5).map(|s| PartSample::canonical(s, 256).expect("sample")).collect();
    let moved: Vec<PartSample> = samples
        .iter()
        .enumerate()
        .map(|(i, s)| s.posed(Pose::Global { shift: 0.5 }, i as u64).expect("pose"))
        .collect();
    let assign: Vec<Vec<usize>> = samples.iter().map(|s| fine_partition(&s.points, 16).expect("fine")).collect();
    let fine = onehot(&assign, 16, &device);
    let a = model.forward(points_tensor(&samples, &device), fine.clone());
    let b = model.forward(points_tensor(&moved, &device), fine);
    for z in &a.partitions {
        let sums = kiln_core::tensor::to_vec(row_sums(z.clone()));
        assert!(sums.iter().all(|v| (v - 1.0).abs() < 1e-5), "row sums {:?}", &sums[..4]);
    }
    let inv = relative(&kiln_core::tensor::to_vec(b.logits), &kiln_core::tensor::to_vec(a.logits));
    let cls = relative(&kiln_core::tensor::to_vec(b.class_logits), &kiln_core::tensor::to_vec(a.class_logits));
    let va = kiln_core::tensor::to_vec(a.vectors);
    let n = samples[0].points.len();
    let mut gv = Vec::new();
    for (i, m) in moved.iter().enumerate() {
        gv.extend(move_points(&va[i * n * 3..(i + 1) * n * 3], &samples[i].parts, &m.motions));
    }
    let eq = relative(&kiln_core::tensor::to_vec(b.vectors), &gv);
    eprintln!("global motion: logits {inv:e}, classes {cls:e}, vectors {eq:e}");
    assert!(inv < 1e-5 && cls < 1e-5 && eq < 1e-5, "logits {inv:e}, classes {cls:e}, vectors {eq:e}");
}
