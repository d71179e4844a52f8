//! Resizing and adaptive max pooling against PyTorch's semantics, by hand.

use burn::prelude::{Device, Tensor};
use kiln_semi::catnet::layers::{adaptive_max_pool2d, resize_bilinear};

use super::{assert_close, host};

#[test]
fn adaptive_max_pool_uses_pytorch_windows() {
    let device = Device::flex();
    let x = Tensor::<1>::from_floats([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], &device).reshape([1, 1, 3, 3]);
    // 3 → 2: windows rows/columns [0, 2) and [1, 3).
    assert_close(&host(adaptive_max_pool2d(x.clone(), [2, 2])), &[4.0, 5.0, 7.0, 8.0], 0.0, "3→2");
    assert_close(&host(adaptive_max_pool2d(x.clone(), [1, 3])), &[6.0, 7.0, 8.0], 0.0, "3→1×3");
    let y = Tensor::<1>::from_floats([1.0, 5.0, 2.0, 0.0, 3.0, 3.0, 9.0, 4.0], &device).reshape([1, 1, 2, 4]);
    // Exact multiple: a 2×2 max pool.
    assert_close(&host(adaptive_max_pool2d(y, [1, 2])), &[5.0, 9.0], 0.0, "4→2");
}

#[test]
fn bilinear_resize_has_half_pixel_centres() {
    let device = Device::flex();
    let x = Tensor::<1>::from_floats([0.0, 1.0], &device).reshape([1, 1, 1, 2]);
    // Output x_i samples the input at (i + ½)/2 − ½ = −¼, ¼, ¾, 1¼, clamped to [0, 1].
    assert_close(&host(resize_bilinear(x, [1, 4])), &[0.0, 0.25, 0.75, 1.0], 1e-6, "1×2 → 1×4");
}
