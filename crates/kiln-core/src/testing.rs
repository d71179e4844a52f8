//! Test helpers: run one body on every compiled device, compare tensors with a tolerance.

use burn::prelude::{Device, Tensor};

use crate::device::{DeviceSpec, compiled_devices};

/// Runs `body` once per compiled device (flex, ndarray, wgpu, cuda, whichever are built in).
///
/// ```ignore
/// kiln_core::testing::on_every_device(|spec, device| {
///     let x = Tensor::<1>::from_floats([1.0, 2.0], &device);
///     assert_eq!(x.sum().into_scalar::<f32>(), 3.0, "{spec}");
/// });
/// ```
pub fn on_every_device(mut body: impl FnMut(DeviceSpec, Device)) {
    for (spec, device) in compiled_devices() {
        body(spec, device);
    }
}

/// Defines one `#[test]` per compiled device around a body taking `device: Device`, in the
/// spirit of candle's `test_device!`:
///
/// ```ignore
/// kiln_core::test_device!(sums, |device| { /* ... */ });
/// ```
#[macro_export]
macro_rules! test_device {
    ($name:ident, |$device:ident| $body:block) => {
        #[test]
        fn $name() {
            $crate::testing::on_every_device(|spec, $device| {
                let _ = spec;
                $body
            });
        }
    };
}

/// Largest absolute difference between two tensors of the same shape (moved to the host).
pub fn max_abs_diff<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> f32 {
    let a: Vec<f32> = a.into_data().convert::<f32>().try_to_vec::<f32>().unwrap_or_default();
    let b: Vec<f32> = b.into_data().convert::<f32>().try_to_vec::<f32>().unwrap_or_default();
    assert_eq!(a.len(), b.len(), "shapes differ");
    a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}
