//! SCP: identity at initialisation, hand values with set weights, agreement with flex.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::testing::max_abs_diff;
use kiln_semi::catnet::ScpConfig;

use super::{assert_close, host, set_conv};

#[test]
fn fresh_block_is_the_identity() {
    let device = Device::flex();
    let scp = ScpConfig::new(4).init(&device);
    let x = Tensor::<4>::random([2, 4, 5, 3], Distribution::Normal(0.0, 1.0), &device);
    assert_eq!(max_abs_diff(scp.forward(x.clone()), x), 0.0);
    let pyramid = ScpConfig::new(4).init_pyramid(3, &device);
    assert_eq!(pyramid.blocks.len(), 3);
}

#[test]
fn hand_values_on_one_channel() {
    let device = Device::flex();
    let mut scp = ScpConfig::new(1).init(&device);
    // a = σ(x), k = softmax(x), v = 2x + 1, m(y) = 3y + 0.5.
    set_conv(&mut scp.a, &[1.0], &[0.0], &device);
    set_conv(&mut scp.k, &[1.0], &[0.0], &device);
    set_conv(&mut scp.v, &[2.0], &[1.0], &device);
    set_conv(&mut scp.m, &[3.0], &[0.5], &device);
    let l3 = 3f32.ln();
    let x = Tensor::<1>::from_floats([0.0, 0.0, 0.0, l3], &device).reshape([1, 1, 2, 2]);
    // k = [1, 1, 1, 3]/6; v = [1, 1, 1, 1 + 2 ln 3]; y = 3/6 + (1 + 2 ln 3)/2 = 1 + ln 3.
    let m = 3.0 * (1.0 + l3) + 0.5;
    let want = [0.5 * m, 0.5 * m, 0.5 * m, l3 + 0.75 * m];
    assert_close(&host(scp.forward(x)), &want, 1e-5, "SCP");
}

kiln_core::test_device!(scp_matches_flex, |device| {
    let flex = Device::flex();
    let mut scp = ScpConfig::new(4).init(&flex);
    // Give m weights so that the context path is exercised.
    let weights: Vec<f32> = (0..16).map(|i| (i as f32 - 7.5) / 8.0).collect();
    set_conv(&mut scp.m, &weights, &[0.1, -0.2, 0.3, 0.0], &flex);
    let x = Tensor::<4>::random([2, 4, 6, 5], Distribution::Normal(0.0, 1.0), &flex);
    let expected = scp.forward(x.clone());
    assert!(max_abs_diff(expected.clone(), x.clone()) > 1e-3, "m must change the output");
    let got = scp.to_device(&device).forward(x.to_device(&device)).to_device(&flex);
    let d = max_abs_diff(got, expected);
    assert!(d < 1e-4, "SCP differs from flex by {d}");
});
