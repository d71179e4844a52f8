//! ParamSet: read from and written back to a burn module by path.

use burn::prelude::Device;
use kiln_fed::FedError;
use kiln_fed::core::ParamSet;

use crate::common::mlp;

#[test]
fn param_set_reads_paths_and_writes_back() {
    let device = Device::flex();
    let model = mlp(8, 1, &device);
    let params = ParamSet::from_module(&model).unwrap();
    let paths: Vec<(&str, &[usize])> = params.tensors.iter().map(|t| (t.path.as_str(), t.shape.as_slice())).collect();
    assert_eq!(
        paths,
        vec![
            ("hidden.0.weight", &[64, 8][..]),
            ("hidden.0.bias", &[8][..]),
            ("head.weight", &[8, 10][..]),
            ("head.bias", &[10][..])
        ]
    );
    assert_eq!(params.num_values(), 64 * 8 + 8 + 8 * 10 + 10);

    // Write other values into a differently initialised model: it now has exactly them.
    let other = mlp(8, 2, &device);
    assert_ne!(ParamSet::from_module(&other).unwrap(), params);
    let written = params.apply_to(other).unwrap();
    assert_eq!(ParamSet::from_module(&written).unwrap(), params);
}

#[test]
fn param_set_that_does_not_fit_is_a_typed_error() {
    let device = Device::flex();
    let model = mlp(8, 1, &device);
    let params = ParamSet::from_module(&model).unwrap();

    let mut missing = params.clone();
    missing.tensors.remove(2);
    let err = missing.apply_to(model.clone()).unwrap_err();
    assert!(matches!(&err, FedError::ParamMismatch { path, .. } if path == "head.weight"), "{err}");

    let mut reshaped = params.clone();
    reshaped.tensors[1].shape = vec![4, 2];
    let err = reshaped.apply_to(model.clone()).unwrap_err();
    assert!(matches!(&err, FedError::ParamMismatch { path, .. } if path == "hidden.0.bias"), "{err}");

    let mut extra = params.clone();
    extra.tensors[3].path = "head.gain".into();
    let err = extra.apply_to(model).unwrap_err();
    assert!(matches!(&err, FedError::ParamMismatch { .. }), "{err}");
}
