//! The baselines: PointNet is far from piecewise equivariant; global frame averaging is exactly
//! equivariant to a global motion but not to part motions.

use burn::prelude::Device;
use kiln_geom::apen::{GlobalFa, PartSample, PointNet, Pose, equivariance_error};
use kiln_geom::frame::FrameGroup;

use super::canonical_and_moved;

#[test]
fn pointnet_is_not_piecewise_equivariant() {
    let device = Device::flex();
    device.seed(8);
    let (canonical, moved) = canonical_and_moved(0..4, 256);
    let pointnet = PointNet::new(32, 4, 4, &device);
    let e = equivariance_error(&pointnet, &canonical, &moved, 16, 4, &device).expect("error");
    eprintln!("PointNet under part motions: {e:?}");
    assert!(e.vectors > 0.1, "PointNet vector error {}", e.vectors);
}

#[test]
fn global_frame_averaging_is_equivariant_globally_only() {
    let device = Device::flex();
    device.seed(9);
    let fa = GlobalFa::new(32, 4, 4, FrameGroup::E3, &device);
    let canonical: Vec<PartSample> = (0..3).map(|s| PartSample::canonical(s, 256).expect("sample")).collect();
    let global: Vec<PartSample> = canonical
        .iter()
        .enumerate()
        .map(|(i, s)| s.posed(Pose::Global { shift: 0.4 }, i as u64).expect("pose"))
        .collect();
    let e = equivariance_error(&fa, &canonical, &global, 16, 3, &device).expect("error");
    eprintln!("global FA, global motion: {e:?}");
    assert!(e.vectors < 1e-4 && e.logits < 1e-4, "global motion: {e:?}");
    let (canonical, moved) = canonical_and_moved(0..3, 256);
    let e = equivariance_error(&fa, &canonical, &moved, 16, 3, &device).expect("error");
    eprintln!("global FA, part motions: {e:?}");
    assert!(e.vectors > 0.05, "part motions: {e:?}");
}
