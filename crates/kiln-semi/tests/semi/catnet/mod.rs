//! Tests of `kiln_semi::catnet`, one file per source file.

mod anchors;
mod ap;
mod dense_fpn;
mod detector;
mod focal;
mod fpn;
mod hroie;
mod layers;
mod nms;
mod roi_align;
mod roi_head;
mod scp;
mod train;

use burn::module::Param;
use burn::nn::conv::Conv2d;
use burn::prelude::{Device, Tensor};

/// Overwrites a convolution's weight (row-major, in its own shape) and bias.
pub fn set_conv(conv: &mut Conv2d, weight: &[f32], bias: &[f32], device: &Device) {
    let dims = conv.weight.dims();
    conv.weight = Param::from_tensor(Tensor::<1>::from_floats(weight, device).reshape(dims));
    conv.bias = Some(Param::from_tensor(Tensor::<1>::from_floats(bias, device)));
}

/// A tensor's values on the host.
pub fn host<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    kiln_core::tensor::to_vec(t)
}

/// Asserts two slices agree within `tol`.
pub fn assert_close(got: &[f32], want: &[f32], tol: f32, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "{what}[{i}]: got {g}, want {w}");
    }
}
