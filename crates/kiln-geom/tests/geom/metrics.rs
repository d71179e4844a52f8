//! Chamfer distance, normal consistency, F-score and IoU on hand-checked cases.

use kiln_geom::metrics::{chamfer_distance, f_score, mask_iou, normal_consistency, voxel_iou};
use kiln_geom::ops::sample_surface;
use kiln_geom::shapes::{Primitive, PrimitiveUnion};
use nalgebra::{Point3, Vector3};

#[test]
fn chamfer_is_zero_on_itself_and_symmetric() {
    let mesh = Primitive::Cylinder { center: Point3::origin(), radius: 0.3, half_height: 0.2 }.mesh(16);
    let a = sample_surface(&mesh, 300, 1).unwrap().positions;
    let b = sample_surface(&mesh, 200, 2).unwrap().positions;
    assert_eq!(chamfer_distance(&a, &a).unwrap(), 0.0);
    let ab = chamfer_distance(&a, &b).unwrap();
    let ba = chamfer_distance(&b, &a).unwrap();
    assert!(ab > 0.0);
    assert!((ab - ba).abs() <= 1e-7 * ab.max(1.0), "{ab} vs {ba}");
}

#[test]
fn chamfer_of_a_shifted_point_is_twice_the_squared_shift() {
    let a = vec![Point3::new(0.0, 0.0, 0.0)];
    let b = vec![Point3::new(0.0, 0.3, 0.4)];
    assert!((chamfer_distance(&a, &b).unwrap() - 0.5).abs() < 1e-6);
}

#[test]
fn f_score_and_normal_consistency_hand_values() {
    let a = vec![Point3::new(0.0, 0.0, 0.0), Point3::new(1.0, 0.0, 0.0)];
    let b = vec![Point3::new(0.0, 0.0, 0.05), Point3::new(5.0, 0.0, 0.0)];
    // precision: 1 of 2 predicted points is within 0.1; recall: 1 of 2 target points.
    assert!((f_score(&a, &b, 0.1).unwrap() - 0.5).abs() < 1e-6);
    assert_eq!(f_score(&a, &a, 0.01).unwrap(), 1.0);
    let n = vec![Vector3::z(), Vector3::z()];
    let flipped = vec![-Vector3::z(), Vector3::x()];
    // a→b: both points of a have b[0] nearest: 1 and 1; b→a: |−z·z| = 1, |x·z| = 0 → ½(1 + ½).
    assert!((normal_consistency(&a, &n, &b, &flipped).unwrap() - 0.75).abs() < 1e-6);
}

#[test]
fn iou_of_masks_and_grids() {
    assert!((mask_iou(&[true, true, false, false], &[true, false, true, false]).unwrap() - 1.0 / 3.0).abs() < 1e-6);
    let s = PrimitiveUnion::random(3);
    let g = s.voxelize(16);
    assert_eq!(voxel_iou(&g, &g).unwrap(), 1.0);
    assert!(mask_iou(&[true], &[true, false]).is_err());
}
