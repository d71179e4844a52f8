//! The engine's contracts fail loudly: unmatched trainable patterns, batch-source errors,
//! failed tensor reads; and `test_device!` names one test per device.

use burn::prelude::{Device, Tensor};
use kiln_core::CoreError;
use kiln_core::train::{Phase, TrainPhase, Trainable, Trainer};

use crate::common::{Blobs, FailingBlobs, mlp};

#[test]
fn a_trainable_pattern_matching_nothing_is_an_error() {
    let device = Device::flex();
    let phase = Phase::train("p", TrainPhase::new(1, 1e-2).with_trainable(Trainable::only(["prototype_layer"])));
    let err = Trainer::new(device.clone()).fit(mlp(&device, 1), &[phase], &Blobs::new(48, 1, true), None).unwrap_err();
    match &err {
        CoreError::UnmatchedPattern { pattern, modules } => {
            assert_eq!(pattern, "prototype_layer");
            assert!(modules.contains("hidden") && modules.contains("head"), "{modules}");
        }
        other => panic!("expected UnmatchedPattern, got {other}"),
    }
    assert!(err.to_string().contains("prototype_layer"), "{err}");
}

#[test]
fn a_group_path_matching_nothing_is_an_error() {
    let device = Device::flex();
    let phase = Phase::train("p", TrainPhase::new(1, 1e-2).with_group_lr("backbone", 1e-4));
    let err = Trainer::new(device.clone()).fit(mlp(&device, 1), &[phase], &Blobs::new(48, 1, true), None).unwrap_err();
    assert!(matches!(err, CoreError::UnmatchedPattern { .. }), "{err}");
}

#[test]
fn trainable_apply_checks_patterns() {
    let device = Device::flex();
    assert!(Trainable::except(["nothing_here"]).apply(mlp(&device, 1)).is_err());
    assert!(Trainable::only(["head"]).apply(mlp(&device, 1)).is_ok());
}

#[test]
fn a_batch_source_error_reaches_the_caller_of_fit() {
    let device = Device::flex();
    let source = FailingBlobs { inner: Blobs::new(64, 1, true), fail_at: 2 };
    let phase = Phase::train("p", TrainPhase::new(1, 1e-2));
    let err = Trainer::new(device.clone()).fit(mlp(&device, 1), &[phase], &source, None).unwrap_err();
    match &err {
        CoreError::Batch { epoch, index, source } => {
            assert_eq!((*epoch, *index), (0, 2));
            assert!(source.to_string().contains("feature width 3"), "{source}");
        }
        other => panic!("expected a batch error, got {other}"),
    }
}

#[test]
fn a_batch_source_error_reaches_the_caller_of_evaluate() {
    let device = Device::flex();
    let source = FailingBlobs { inner: Blobs::new(64, 1, false), fail_at: 0 };
    let err = Trainer::new(device.clone()).evaluate(&mlp(&device, 1), &source).unwrap_err();
    assert!(matches!(err, CoreError::Batch { index: 0, .. }), "{err}");
}

#[test]
#[should_panic(expected = "cannot compare tensors")]
fn the_device_agreement_helper_fails_on_a_failed_read() {
    let failed = Err(CoreError::TensorRead("device lost".into()));
    kiln_core::testing::max_abs_diff_of_reads(failed, Ok(Vec::new()));
}

#[test]
fn the_device_agreement_helper_measures_differences() {
    let device = Device::flex();
    let a = Tensor::<1>::from_floats([1.0, 2.0, 3.0], &device);
    let b = Tensor::<1>::from_floats([1.0, 2.5, 3.0], &device);
    assert_eq!(kiln_core::testing::max_abs_diff(a, b), 0.5);
}

kiln_core::test_device!(sums_on_the_device, |device| {
    let x = Tensor::<1>::from_floats([1.0, 2.0], &device);
    assert_eq!(x.sum().into_scalar::<f32>(), 3.0);
});

#[test]
fn test_device_names_one_test_per_device() {
    // Each device kind is its own named test function (`sums_on_the_device::flex`, ...).
    let tests: [(&str, fn()); 4] = [
        ("flex", sums_on_the_device::flex),
        ("ndarray", sums_on_the_device::ndarray),
        ("wgpu", sums_on_the_device::wgpu),
        ("cuda", sums_on_the_device::cuda),
    ];
    assert_eq!(tests.len(), 4);
    // The flex test runs its body (flex is always compiled in the test build).
    (tests[0].1)();
}
