//! Elastic operators: kernel transforms, centre crops, importance sorting, width masking.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::tensor::to_vec;
use kiln_core::testing::max_abs_diff;
use kiln_nas::elastic::{ElasticDepthwiseConvConfig, ElasticMbBlockConfig};

#[test]
fn kernel_transforms_crop_the_centre_and_apply_their_matrix() {
    let device = Device::flex();
    let mut conv = ElasticDepthwiseConvConfig::new(4).init(&device);
    let w7 = conv.weight.val();
    assert_eq!(conv.active_kernel(7).dims(), [4, 1, 7, 7]);
    // Identity transforms: the 5×5 and 3×3 kernels are centre crops of the 7×7 one.
    let k5 = conv.active_kernel(5);
    assert_eq!(k5.dims(), [4, 1, 5, 5]);
    assert_eq!(to_vec(k5), to_vec(w7.clone().slice([0..4, 0..1, 1..6, 1..6])));
    assert_eq!(to_vec(conv.active_kernel(3)), to_vec(w7.clone().slice([0..4, 0..1, 2..5, 2..5])));
    // M_{7→5} = 2·I: the 5×5 kernel doubles, and the 3×3 kernel (cropped from it) too.
    conv.kernel_transforms[0] = conv.kernel_transforms[0].clone().map(|m| m * 2.0);
    let doubled = w7.clone().slice([0..4, 0..1, 1..6, 1..6]) * 2.0;
    assert!(max_abs_diff(conv.active_kernel(5), doubled) < 1e-6);
    let k3 = w7.slice([0..4, 0..1, 2..5, 2..5]) * 2.0;
    assert!(max_abs_diff(conv.active_kernel(3), k3) < 1e-6);
    // Shapes of the convolution: "same" padding at every size, stride 2 halves.
    let x = Tensor::<4>::random([2, 4, 9, 9], Distribution::Default, &device);
    for k in [7, 5, 3] {
        assert_eq!(conv.forward(x.clone(), k).dims(), [2, 4, 9, 9]);
    }
    let strided = ElasticDepthwiseConvConfig::new(4).with_stride(2).init(&device);
    assert_eq!(strided.forward(x, 3).dims(), [2, 4, 5, 5]);
}

#[test]
fn importance_sorting_leaves_the_full_width_function_unchanged() {
    let device = Device::flex();
    device.seed(3);
    let block = ElasticMbBlockConfig::new(4, 4).with_max_expand(4).init(&device).valid();
    let x = Tensor::<4>::random([2, 4, 6, 6], Distribution::Normal(0.0, 1.0), &device);
    let before = block.forward(x.clone(), 7, 16);
    let sorted = block.sort_channels();
    let after = sorted.forward(x, 7, 16);
    assert!(max_abs_diff(before, after) < 1e-5);
    // Sorted: importance is non-increasing, so the new order is the identity.
    assert_eq!(sorted.channel_order(), (0..16).collect::<Vec<_>>());
}

#[test]
fn narrow_width_ignores_the_channels_it_drops() {
    let device = Device::flex();
    device.seed(4);
    let block = ElasticMbBlockConfig::new(3, 5).with_max_expand(4).init(&device).valid();
    let x = Tensor::<4>::random([2, 3, 5, 5], Distribution::Normal(0.0, 1.0), &device);
    let narrow = block.forward(x.clone(), 5, 6);
    assert_eq!(narrow.dims(), [2, 5, 5, 5]);
    // Scrambling the expansion filters of hidden channels 6.. must not change a width-6 output.
    let mut scrambled = block.clone();
    let w = to_vec(scrambled.expand.weight.val());
    let noisy: Vec<f32> = w.iter().enumerate().map(|(i, v)| if i / 3 >= 6 { v + 10.0 } else { *v }).collect();
    let t = Tensor::<4>::from_data(burn::prelude::TensorData::new(noisy, [12, 3, 1, 1]), &device);
    scrambled.expand.weight = scrambled.expand.weight.map(|_| t);
    assert!(max_abs_diff(narrow.clone(), scrambled.forward(x.clone(), 5, 6)) < 1e-6);
    assert!(max_abs_diff(block.forward(x.clone(), 5, 12), scrambled.forward(x, 5, 12)) > 1e-3);
}
