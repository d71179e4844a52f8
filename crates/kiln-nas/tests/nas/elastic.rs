//! Elastic operators: kernel transforms, centre crops, importance sorting, width masking.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use kiln_core::tensor::to_vec;
use kiln_core::testing::max_abs_diff;
use kiln_nas::elastic::{ElasticDepthwiseConvConfig, ElasticMbBlockConfig, banded_depthwise, pointwise};

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

/// burn's direct depthwise convolution, the reference.
fn direct(x: Tensor<4>, kernel: Tensor<4>, stride: usize) -> Tensor<4> {
    let [c, _, k, _] = kernel.dims();
    conv2d(x, kernel, None, ConvOptions::new([stride, stride], [k / 2, k / 2], [1, 1], c))
}

/// The banded product gives burn's depthwise convolution and its gradients (input and
/// kernel) on square and non-square planes, every odd kernel up to 7, strides 1 and 2.
#[test]
fn banded_depthwise_matches_the_direct_convolution_and_its_gradients() {
    let ad = Device::flex().autodiff();
    for (h, w) in [(8, 8), (6, 6), (5, 7), (4, 4), (1, 3)] {
        for k in [1, 3, 5, 7] {
            for stride in [1, 2] {
                let x = Tensor::<4>::random([3, 4, h, w], Distribution::Normal(0.0, 1.0), &ad).require_grad();
                let kernel = Tensor::<4>::random([4, 1, k, k], Distribution::Normal(0.0, 1.0), &ad).require_grad();
                // A non-uniform upstream gradient, so that the backward is checked per output.
                let probe = |y: Tensor<4>| {
                    let weights = y.clone().detach().sin();
                    (y * weights).sum()
                };
                let (banded, reference) =
                    (banded_depthwise(x.clone(), kernel.clone(), stride), direct(x.clone(), kernel.clone(), stride));
                let case = format!("{h}×{w}, k {k}, stride {stride}");
                assert_eq!(banded.dims(), reference.dims(), "{case}");
                assert!(max_abs_diff(banded.clone(), reference.clone()) < 1e-5, "{case}");
                let (gb, gr) = (probe(banded).backward(), probe(reference).backward());
                let grad = |t: &Tensor<4>, g| t.grad(g).expect("gradient");
                assert!(max_abs_diff(grad(&x, &gb), grad(&x, &gr)) < 1e-4, "input gradient, {case}");
                assert!(max_abs_diff(grad(&kernel, &gb), grad(&kernel, &gr)) < 1e-4, "kernel gradient, {case}");
            }
        }
    }
}

/// The matrix-product 1×1 convolution gives burn's `conv2d` and its gradients.
#[test]
fn pointwise_matches_a_one_by_one_convolution_and_its_gradients() {
    let ad = Device::flex().autodiff();
    let x = Tensor::<4>::random([3, 5, 4, 6], Distribution::Normal(0.0, 1.0), &ad).require_grad();
    let weight = Tensor::<4>::random([7, 5, 1, 1], Distribution::Normal(0.0, 1.0), &ad).require_grad();
    let y = pointwise(x.clone(), weight.clone());
    let reference = conv2d(x.clone(), weight.clone(), None, ConvOptions::new([1, 1], [0, 0], [1, 1], 1));
    assert!(max_abs_diff(y.clone(), reference.clone()) < 1e-5);
    let probe = |y: Tensor<4>| (y.clone() * y.detach().cos()).sum();
    let (gy, gr) = (probe(y).backward(), probe(reference).backward());
    let grad = |t: &Tensor<4>, g| t.grad(g).expect("gradient");
    assert!(max_abs_diff(grad(&x, &gy), grad(&x, &gr)) < 1e-4);
    assert!(max_abs_diff(grad(&weight, &gy), grad(&weight, &gr)) < 1e-4);
}
