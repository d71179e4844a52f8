//! The fine over-segmentation: bad input, one part per point, refinement of the true parts.

use burn::prelude::Device;
use kiln_geom::apen::loss::cross_merge_rate;
use kiln_geom::apen::partition::row_sums;
use kiln_geom::apen::{PartSample, fine_batch, fine_partition, one_hot};
use nalgebra::Point3;

#[test]
fn bad_inputs_are_errors() {
    let pts = vec![Point3::new(0.0f32, 0.0, 0.0), Point3::new(1.0, 0.0, 0.0)];
    assert!(fine_partition(&[], 4).is_err());
    assert!(fine_partition(&pts, 0).is_err());
    assert!(fine_partition(&pts, 3).is_err());
    assert!(fine_partition(&[Point3::new(f32::NAN, 0.0, 0.0), Point3::origin()], 1).is_err());
    let device = Device::flex();
    assert!(one_hot(&[vec![0, 2]], 2, &device).is_err());
    assert!(one_hot(&[vec![0, 1], vec![0]], 2, &device).is_err());
    assert!(one_hot(&[], 2, &device).is_err());
}

#[test]
fn fine_parts_are_one_hot_and_lie_inside_true_parts() {
    let device = Device::flex();
    for seed in 0..4 {
        let s = PartSample::canonical(seed, 512).expect("sample");
        let fine = fine_partition(&s.points, 16).expect("fine");
        assert!(fine.iter().all(|&k| k < 16));
        // The canonical parts are apart: (almost) every fine part lies inside one true part.
        let z = one_hot(std::slice::from_ref(&fine), 16, &device).expect("one-hot");
        let rate = cross_merge_rate(&z, std::slice::from_ref(&s.parts));
        assert!(rate < 0.01, "seed {seed}: {rate} of the points are in fine parts across true parts");
        let z = fine_batch(std::slice::from_ref(&s.points), 16, &device).expect("batch");
        let sums = kiln_core::tensor::to_vec(row_sums(z));
        assert!(sums.iter().all(|v| (v - 1.0).abs() < 1e-6));
    }
}
