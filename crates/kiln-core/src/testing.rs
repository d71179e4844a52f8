//! Test helpers: run one body on every compiled device, compare tensors with a tolerance.

use burn::prelude::{Device, Tensor};

use crate::device::{DeviceSpec, compiled_devices, select};
use crate::error::Result;

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

/// The device of `spec` when it is compiled in and present, `None` otherwise (a test for an
/// absent device then passes without running, and says so on stderr).
pub fn device_for(spec: &str) -> Option<Device> {
    let device = spec.parse::<DeviceSpec>().ok().filter(DeviceSpec::is_compiled).and_then(|s| select(s).ok());
    if device.is_none() {
        eprintln!("device {spec} is not compiled in or not present: test skipped");
    }
    device
}

/// Defines one `#[test]` per device kind around a body taking `device: Device`, in the spirit
/// of candle's `test_device!`. `test_device!(sums, |device| { .. })` makes a module `sums` with
/// the tests `sums::flex`, `sums::ndarray`, `sums::wgpu` and `sums::cuda`, so a failure names
/// the device that broke. A test whose backend is not compiled in, or whose device is not
/// present, passes after saying so on stderr. The body sees the enclosing module's items.
///
/// ```ignore
/// kiln_core::test_device!(sums, |device| { /* ... */ });
/// ```
#[macro_export]
macro_rules! test_device {
    ($name:ident, |$device:ident| $body:block) => {
        $crate::test_device!(@each $name, |$device| $body, flex, ndarray, wgpu, cuda);
    };
    (@each $name:ident, |$device:ident| $body:block, $($kind:ident),+) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(
                #[test]
                pub fn $kind() {
                    if let Some($device) = $crate::testing::device_for(stringify!($kind)) $body
                }
            )+
        }
    };
}

/// Largest absolute difference between two tensors of the same shape (moved to the host).
///
/// # Panics
/// When the shapes differ or either tensor cannot be read back (see [`max_abs_diff_of_reads`]).
pub fn max_abs_diff<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> f32 {
    let (shape_a, shape_b) = (a.dims(), b.dims());
    assert_eq!(shape_a, shape_b, "shapes differ");
    max_abs_diff_of_reads(crate::tensor::try_to_vec(a), crate::tensor::try_to_vec(b))
}

/// Largest absolute difference between two host reads of tensors.
///
/// # Panics
/// When either read failed or their lengths differ: a comparison that read nothing must never
/// pass with difference 0.
pub fn max_abs_diff_of_reads(a: Result<Vec<f32>>, b: Result<Vec<f32>>) -> f32 {
    let (a, b) = match (a, b) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => panic!("cannot compare tensors: {e}"),
    };
    assert_eq!(a.len(), b.len(), "read lengths differ");
    a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}
