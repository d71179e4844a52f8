//! The extension convolution (`kiln_core::nn::fused::conv2d`) against burn's `Conv2d::forward`:
//! output and the gradients of x, w and bias on every compiled device, for strides, paddings
//! (same, explicit asymmetric) and 1–4 input channels; a finite-difference check; hand values.

use burn::module::{Module, Param};
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::Distribution;
use kiln_core::nn::fused::conv2d;
use kiln_core::tensor::to_vec;
use kiln_core::testing::max_abs_diff;

const TOLERANCE: f32 = 1e-4;

/// One convolution to compare: input shape, outputs, kernel, stride, padding, bias.
struct Case {
    input: [usize; 4],
    outputs: usize,
    kernel: [usize; 2],
    stride: [usize; 2],
    padding: PaddingConfig2d,
    bias: bool,
}

impl Case {
    fn conv(&self, device: &Device) -> Conv2d {
        Conv2dConfig::new([self.input[1], self.outputs], self.kernel)
            .with_stride(self.stride)
            .with_padding(self.padding.clone())
            .with_bias(self.bias)
            .init(device)
    }
}

fn cases() -> Vec<Case> {
    let case = |input, outputs, kernel, stride, padding, bias| Case { input, outputs, kernel, stride, padding, bias };
    vec![
        case([3, 1, 7, 6], 5, [3, 3], [1, 1], PaddingConfig2d::Explicit(1, 1, 1, 1), false),
        case([2, 3, 9, 8], 4, [3, 3], [2, 2], PaddingConfig2d::Valid, true),
        case([2, 2, 6, 7], 3, [5, 3], [1, 2], PaddingConfig2d::Same, true),
        case([1, 4, 5, 5], 2, [2, 3], [2, 1], PaddingConfig2d::Explicit(1, 0, 2, 1), false),
        case([2, 1, 4, 4], 2, [5, 5], [1, 1], PaddingConfig2d::Explicit(2, 2, 2, 2), true),
    ]
}

/// Output and gradients (x, w, bias) of `conv` on `x` with loss `Σ y·dy`, fused or burn's.
fn run(conv: &Conv2d, x: &TensorData, dy: &TensorData, ad: &Device, fused: bool) -> Vec<Tensor<1>> {
    let input = Tensor::<4>::from_data(x.clone(), ad).require_grad();
    let output = if fused { conv2d(conv, input.clone()) } else { conv.forward(input.clone()) };
    let dy = Tensor::<4>::from_data(dy.clone(), ad);
    let grads = (output.clone() * dy).sum().backward();
    let mut parts = vec![
        output.inner().flatten(0, 3),
        input.grad(&grads).expect("dx").flatten(0, 3),
        conv.weight.val().grad(&grads).expect("dw").flatten(0, 3),
    ];
    if let Some(bias) = &conv.bias {
        parts.push(bias.val().grad(&grads).expect("db"));
    }
    parts
}

kiln_core::test_device!(conv_matches_burn_with_gradients, |device| {
    let ad = device.clone().autodiff();
    for (i, case) in cases().into_iter().enumerate() {
        device.seed(60 + i as u64);
        let conv = case.conv(&ad);
        let x = Tensor::<4>::random(case.input, Distribution::Normal(0.5, 1.0), &device);
        let reference = conv.forward(x.clone().to_device(&ad)).inner();
        let dy = Tensor::<4>::random(reference.dims(), Distribution::Uniform(-1.0, 1.0), &device);
        let (x, dy) = (x.into_data(), dy.into_data());
        let (fused, burn) = (run(&conv, &x, &dy, &ad, true), run(&conv, &x, &dy, &ad, false));
        for (name, (a, b)) in ["output", "dx", "dw", "db"].iter().zip(fused.into_iter().zip(burn)) {
            let diff = max_abs_diff(a, b);
            assert!(diff <= TOLERANCE, "case {i}: {name} differs by {diff}");
        }
    }
});

// The first layer of a network: an input without gradient, only the weights train.
kiln_core::test_device!(conv_of_an_untracked_input, |device| {
    let ad = device.clone().autodiff();
    device.seed(5);
    let conv = Conv2dConfig::new([1, 3], [3, 3]).with_padding(PaddingConfig2d::Same).init(&ad);
    let x = Tensor::<4>::random([2, 1, 5, 5], Distribution::Normal(0.0, 1.0), &ad);
    let (fused, burn) = (conv2d(&conv, x.clone()), conv.forward(x));
    let (g1, g2) = (fused.clone().powi_scalar(2).sum().backward(), burn.clone().powi_scalar(2).sum().backward());
    assert!(max_abs_diff(fused.inner(), burn.inner()) <= TOLERANCE);
    let (dw1, dw2) = (conv.weight.val().grad(&g1).expect("dw"), conv.weight.val().grad(&g2).expect("dw"));
    assert!(max_abs_diff(dw1, dw2) <= TOLERANCE);
});

#[test]
fn gradients_match_finite_differences() {
    let device = Device::flex();
    let ad = device.clone().autodiff();
    device.seed(9);
    let conv =
        Conv2dConfig::new([2, 2], [3, 3]).with_stride([2, 1]).with_padding(PaddingConfig2d::Explicit(1, 0, 1, 1));
    let conv = conv.init(&ad);
    let x = to_vec(Tensor::<1>::random([2 * 2 * 5 * 4], Distribution::Normal(0.0, 1.0), &device));
    // L(x) = Σ sin(y): non-linear in y, so the check sees every output's gradient.
    let loss = |x: &[f32]| -> f64 {
        let input = Tensor::<4>::from_data(TensorData::new(x.to_vec(), [2, 2, 5, 4]), &device);
        let conv = conv.clone().valid();
        let y = to_vec(conv2d(&conv, input));
        y.iter().map(|&v| f64::from(v).sin()).sum()
    };
    let input = Tensor::<4>::from_data(TensorData::new(x.clone(), [2, 2, 5, 4]), &ad).require_grad();
    let grads = conv2d(&conv, input.clone()).sin().sum().backward();
    let analytic = to_vec(input.grad(&grads).expect("dx"));
    let h = 1e-2f32;
    for i in [0, 7, 13, 22, 39] {
        let (mut plus, mut minus) = (x.clone(), x.clone());
        plus[i] += h;
        minus[i] -= h;
        let numeric = (loss(&plus) - loss(&minus)) / (2.0 * f64::from(h));
        let err = (numeric - f64::from(analytic[i])).abs();
        assert!(err < 2e-3, "dx[{i}]: analytic {} vs numeric {numeric}", analytic[i]);
    }
}

#[test]
fn hand_computed_convolution() {
    // One 3×3 image, a 2×2 kernel [[1, 2], [3, 4]], stride 1, no padding:
    // y[0,0] = 1·1 + 2·2 + 3·4 + 4·5 = 37, y[0,1] = 47, y[1,0] = 67, y[1,1] = 77.
    let device = Device::flex();
    let mut conv = Conv2dConfig::new([1, 1], [2, 2]).with_bias(false).init(&device);
    conv.weight = Param::from_tensor(Tensor::from_data(TensorData::new(vec![1f32, 2., 3., 4.], [1, 1, 2, 2]), &device));
    let x =
        Tensor::<4>::from_data(TensorData::new((1..=9).map(|v| v as f32).collect::<Vec<_>>(), [1, 1, 3, 3]), &device);
    assert_eq!(to_vec(conv2d(&conv, x)), vec![37.0, 47.0, 67.0, 77.0]);
}
