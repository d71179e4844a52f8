//! PCA frames: a hand-checked frame, the sign patterns, and the tensor frames against the host.

use burn::prelude::{Device, Tensor, TensorData};
use kiln_geom::frame::{FrameGroup, PcaFrame, part_frames};
use nalgebra::Point3;

/// Six points at `c ± 3x`, `c ± 2y`, `c ± z`: covariance `diag(3, 4/3, 1/3)`.
fn star() -> Vec<Point3<f64>> {
    let c = Point3::new(1.0, 2.0, 3.0);
    [[3.0, 0.0, 0.0], [-3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, -2.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, -1.0]]
        .iter()
        .map(|d| c + nalgebra::Vector3::new(d[0], d[1], d[2]))
        .collect()
}

#[test]
fn hand_made_star_has_the_axes_as_its_frame() {
    let f = PcaFrame::of(&star(), None).expect("frame");
    assert!((f.centroid - Point3::new(1.0, 2.0, 3.0)).norm() < 1e-12);
    let expected = [3.0, 4.0 / 3.0, 1.0 / 3.0];
    for (e, v) in expected.iter().zip(f.eigenvalues.iter()) {
        assert!((e - v).abs() < 1e-12, "eigenvalues {:?}", f.eigenvalues);
    }
    // Columns are ±x, ±y, ±z in that order, and det = +1.
    for j in 0..3 {
        for i in 0..3 {
            let want = if i == j { 1.0 } else { 0.0 };
            assert!((f.rotation[(i, j)].abs() - want).abs() < 1e-12, "R = {}", f.rotation);
        }
    }
    assert!((f.rotation.determinant() - 1.0).abs() < 1e-12);
}

#[test]
fn weights_select_the_points() {
    // With the z points weighted out, the centroid stays and the smallest eigenvalue is 0.
    let w = [1.0, 1.0, 1.0, 1.0, 0.0, 0.0];
    let f = PcaFrame::of(&star(), Some(&w)).expect("frame");
    assert!((f.centroid - Point3::new(1.0, 2.0, 3.0)).norm() < 1e-12);
    assert!((f.eigenvalues[0] - 4.5).abs() < 1e-12 && (f.eigenvalues[1] - 2.0).abs() < 1e-12);
    assert!(f.eigenvalues[2].abs() < 1e-12);
    assert!(PcaFrame::of(&[], None).is_err());
    assert!(PcaFrame::of(&star(), Some(&[0.0; 6])).is_err());
    assert!(PcaFrame::of(&star(), Some(&[1.0; 3])).is_err());
    assert!(PcaFrame::of(&star(), Some(&[1.0, 1.0, 1.0, 1.0, -1.0, f64::NAN])).is_err());
}

#[test]
fn sign_patterns_give_4_proper_and_8_frames() {
    let f = PcaFrame::of(&star(), None).expect("frame");
    let se3 = f.rotations(FrameGroup::Se3);
    let e3 = f.rotations(FrameGroup::E3);
    assert_eq!((se3.len(), e3.len()), (4, 8));
    assert!(se3.iter().all(|r| (r.determinant() - 1.0).abs() < 1e-12));
    assert_eq!(e3.iter().filter(|r| r.determinant() < 0.0).count(), 4);
}

#[test]
fn tensor_frames_match_the_host_and_local_coordinates_are_the_offsets() {
    let device = Device::flex();
    let pts = star();
    let flat: Vec<f32> = pts.iter().flat_map(|p| [p.x as f32, p.y as f32, p.z as f32]).collect();
    let x = Tensor::<3>::from_data(TensorData::new(flat, [1, 6, 3]), &device);
    let z = Tensor::<3>::ones([1, 6, 1], &device);
    let frames = part_frames(x.clone(), z, FrameGroup::E3);
    let c = kiln_core::tensor::to_vec(frames.centroids.clone());
    assert!((c[0] - 1.0).abs() < 1e-6 && (c[1] - 2.0).abs() < 1e-6 && (c[2] - 3.0).abs() < 1e-6);
    // [1, 1, 8, 6, 3]: in every frame, point 0 lies at (±3, 0, 0).
    let y = kiln_core::tensor::to_vec(frames.to_local(x));
    for s in 0..8 {
        let p = &y[s * 18..s * 18 + 3];
        assert!((p[0].abs() - 3.0).abs() < 1e-5 && p[1].abs() < 1e-5 && p[2].abs() < 1e-5, "{p:?}");
    }
}
