//! Parallel inference (two devices, two threads, a 1-thread pool each) gives the same numbers
//! as sequential inference on one device.

use burn::prelude::Device;
use kiln_geom::GeomError;
use kiln_geom::ppn::{BranchPools, with_cpu_threads};

use super::{scans, tiny};

#[test]
fn parallel_and_sequential_outputs_are_identical() {
    let device = Device::flex();
    kiln_core::seed::seed_device(&device, 5);
    let ppn = tiny().init(&device).expect("model");
    let scans = scans(4, 10, 3);
    let sequential = ppn.infer_sequential(&device, &scans).expect("sequential");
    let (a, b) = (Device::flex(), Device::flex());
    let parallel = ppn.infer_parallel([&a, &b], &scans).expect("parallel");
    let cells = 32 * 32;
    assert_eq!(sequential.cells, 32);
    assert_eq!(sequential.segmentation.len(), 3 * cells);
    assert_eq!(sequential.reconstruction.len(), 3 * cells);
    let max_diff = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(p, q)| (p - q).abs()).fold(0.0f32, f32::max);
    assert!(max_diff(&sequential.segmentation, &parallel.segmentation) < 1e-6);
    assert!(max_diff(&sequential.reconstruction, &parallel.reconstruction) < 1e-6);
    // Softmax outputs: the three classes of a cell sum to 1.
    let sum: f32 = (0..3).map(|c| parallel.segmentation[c * cells + 17]).sum();
    assert!((sum - 1.0).abs() < 1e-5);
    // Reused pools, and a sequential run on one thread, agree too.
    let pools = BranchPools::new(1).expect("pools");
    let again = ppn.infer_parallel_in(&pools, [&a, &b], &scans).expect("parallel again");
    assert!(max_diff(&again.segmentation, &sequential.segmentation) < 1e-6);
    let one_thread = with_cpu_threads(1, || ppn.infer_sequential(&device, &scans)).expect("pool").expect("run");
    assert!(max_diff(&one_thread.reconstruction, &sequential.reconstruction) < 1e-6);
}

#[test]
fn too_few_scans_is_an_error_in_both_modes() {
    let device = Device::flex();
    let ppn = tiny().init(&device).expect("model");
    let two = scans(4, 0, 2);
    assert!(matches!(ppn.infer_sequential(&device, &two), Err(GeomError::Invalid(_))));
    assert!(matches!(ppn.infer_parallel([&device, &device], &[]), Err(GeomError::Invalid(_))));
}
