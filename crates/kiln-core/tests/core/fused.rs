//! The fused training-mode batch norm (`kiln_core::nn::fused`) against burn's own: output, batch
//! statistics and the gradients of x, γ and β on every compiled device; running statistics of
//! the drop-in against `BatchNorm::forward`; inference unchanged; a hand-computed example.

use burn::module::{Module, Param};
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::Distribution;
use kiln_core::CoreError;
use kiln_core::nn::fused::{batch_norm, batch_norm_train};
use kiln_core::tensor::to_vec;
use kiln_core::testing::max_abs_diff;

const TOLERANCE: f32 = 1e-4;

/// Input, γ, β and the output gradient `dy` of one comparison, on the host.
struct Case {
    dims: [usize; 4],
    x: TensorData,
    gamma: TensorData,
    beta: TensorData,
    dy: TensorData,
}

impl Case {
    /// Random data on `device` (seeded): x ~ N(3, 2²) so the mean is far from 0, γ ~ N(1, 0.5²),
    /// β ~ N(0, 0.5²), dy ~ U(−1, 1).
    fn random(dims: [usize; 4], device: &Device, seed: u64) -> Self {
        device.seed(seed);
        let data = |shape: Vec<usize>, distribution| {
            let n: usize = shape.iter().product();
            TensorData::new(to_vec(Tensor::<1>::random([n], distribution, device)), shape)
        };
        Self {
            dims,
            x: data(dims.to_vec(), Distribution::Normal(3.0, 2.0)),
            gamma: data(vec![dims[1]], Distribution::Normal(1.0, 0.5)),
            beta: data(vec![dims[1]], Distribution::Normal(0.0, 0.5)),
            dy: data(dims.to_vec(), Distribution::Uniform(-1.0, 1.0)),
        }
    }
}

/// Output, mean, variance and the gradients of x, γ, β of one training-mode batch norm.
struct Run {
    output: Tensor<4>,
    mean: Tensor<1>,
    var: Tensor<1>,
    grad_x: Tensor<4>,
    grad_gamma: Tensor<1>,
    grad_beta: Tensor<1>,
}

/// Runs `case` on the autodiff device `ad`, fused or through burn's `batch_norm_train` (what
/// `BatchNorm::forward` runs in training mode), with loss `Σ y·dy`.
fn run(case: &Case, ad: &Device, epsilon: f64, fused: bool) -> Run {
    let x = Tensor::<4>::from_data(case.x.clone(), ad).require_grad();
    let gamma = Tensor::<1>::from_data(case.gamma.clone(), ad).require_grad();
    let beta = Tensor::<1>::from_data(case.beta.clone(), ad).require_grad();
    let (output, mean, var) = if fused {
        let result = batch_norm_train(x.clone(), gamma.clone(), beta.clone(), epsilon).expect("valid arguments");
        (result.output, result.mean, result.var)
    } else {
        let result = burn::tensor::module::batch_norm_train(x.clone(), gamma.clone(), beta.clone(), epsilon);
        (result.output, result.mean, result.variance)
    };
    let dy = Tensor::<4>::from_data(case.dy.clone(), ad);
    let grads = (output.clone() * dy).sum().backward();
    let grad = |t: Option<Tensor<1>>| t.expect("a gradient");
    Run {
        grad_x: x.grad(&grads).expect("a gradient of x"),
        grad_gamma: grad(gamma.grad(&grads)),
        grad_beta: grad(beta.grad(&grads)),
        output: output.inner(),
        mean: mean.inner(),
        var: var.inner(),
    }
}

/// Asserts that every part of `a` equals `b` within [`TOLERANCE`].
fn assert_runs_agree(a: Run, b: Run, what: &str) {
    let pairs4 = [("output", a.output, b.output), ("dx", a.grad_x, b.grad_x)];
    for (name, p, q) in pairs4 {
        let diff = max_abs_diff(p, q);
        assert!(diff <= TOLERANCE, "{what}: {name} differs by {diff}");
    }
    let pairs1 = [
        ("mean", a.mean, b.mean),
        ("var", a.var, b.var),
        ("dγ", a.grad_gamma, b.grad_gamma),
        ("dβ", a.grad_beta, b.grad_beta),
    ];
    for (name, p, q) in pairs1 {
        let diff = max_abs_diff(p, q);
        assert!(diff <= TOLERANCE, "{what}: {name} differs by {diff}");
    }
}

// Shapes: a plain one, batch 1 with H·W > 1, one channel, and H·W = 1 (M = N).
kiln_core::test_device!(fused_train_matches_burn, |device| {
    let ad = device.clone().autodiff();
    for (i, dims) in [[4, 3, 5, 6], [1, 2, 3, 4], [3, 1, 4, 4], [6, 5, 1, 1]].into_iter().enumerate() {
        let case = Case::random(dims, &device, 40 + i as u64);
        let what = format!("{:?}", case.dims);
        assert_runs_agree(run(&case, &ad, 1e-5, true), run(&case, &ad, 1e-5, false), &what);
    }
});

// The gradient-checkpointing strategy keeps x and γ as checkpointed parents.
kiln_core::test_device!(fused_train_matches_burn_under_checkpointing, |device| {
    let ad = device.clone().autodiff().gradient_checkpointing();
    let case = Case::random([2, 3, 4, 5], &device, 7);
    assert_runs_agree(run(&case, &ad, 1e-3, true), run(&case, &ad, 1e-3, false), "checkpointed");
});

// A permuted (non-contiguous) input gives the output and gradient of its contiguous copy.
kiln_core::test_device!(non_contiguous_input, |device| {
    let ad = device.clone().autodiff();
    device.seed(3);
    let nhwc = Tensor::<4>::random([2, 3, 4, 5], Distribution::Normal(-2.0, 1.5), &device);
    let (gamma, beta) = (Tensor::<1>::ones([5], &ad), Tensor::<1>::zeros([5], &ad));
    let x = Tensor::from_inner(nhwc.permute([0, 3, 1, 2])).require_grad();
    let copy = Tensor::<4>::from_data(x.to_data(), &ad).require_grad();
    let permuted = batch_norm_train(x.clone(), gamma.clone(), beta.clone(), 1e-5).expect("valid");
    let contiguous = batch_norm_train(copy.clone(), gamma, beta, 1e-5).expect("valid");
    let dy = Tensor::<4>::random([2, 5, 3, 4], Distribution::Uniform(-1.0, 1.0), &ad);
    let (g1, g2) =
        ((permuted.output.clone() * dy.clone()).sum().backward(), (contiguous.output.clone() * dy).sum().backward());
    assert!(max_abs_diff(permuted.output.inner(), contiguous.output.inner()) <= TOLERANCE);
    let (dx1, dx2) = (x.grad(&g1).expect("dx"), copy.grad(&g2).expect("dx"));
    assert!(max_abs_diff(dx1, dx2) <= TOLERANCE);
});

/// A `BatchNorm` with the given γ, β and momentum 0.3 on `device`.
fn module(case: &Case, device: &Device) -> BatchNorm {
    let mut norm = BatchNormConfig::new(case.dims[1]).with_momentum(0.3).init(device);
    norm.gamma = Param::from_tensor(Tensor::from_data(case.gamma.clone(), device));
    norm.beta = Param::from_tensor(Tensor::from_data(case.beta.clone(), device));
    norm
}

/// dγ and dβ of `norm` in `grads`.
fn parameter_grads(norm: &BatchNorm, grads: &burn::tensor::Gradients) -> (Tensor<1>, Tensor<1>) {
    (norm.gamma.val().grad(grads).expect("dγ"), norm.beta.val().grad(grads).expect("dβ"))
}

// Two training steps through the drop-in and through `BatchNorm::forward` on separate modules:
// the same outputs, parameter gradients and running statistics after each step.
kiln_core::test_device!(drop_in_matches_module_in_training, |device| {
    let ad = device.clone().autodiff();
    let case = Case::random([3, 4, 5, 5], &device, 11);
    let (plain, fused) = (module(&case, &ad), module(&case, &ad));
    for step in 0..2 {
        let x = |scale: f32| Tensor::<4>::from_data(case.x.clone(), &ad).mul_scalar(scale).require_grad();
        let (xa, xb) = (x(1.0 + step as f32), x(1.0 + step as f32));
        let dy = Tensor::<4>::from_data(case.dy.clone(), &ad);
        let a = plain.forward(xa.clone());
        let b = batch_norm(&fused, xb.clone());
        let (ga, gb) = ((a.clone() * dy.clone()).sum().backward(), (b.clone() * dy).sum().backward());
        assert!(max_abs_diff(a.inner(), b.inner()) <= TOLERANCE, "output, step {step}");
        let (dxa, dxb) = (xa.grad(&ga).expect("dx"), xb.grad(&gb).expect("dx"));
        assert!(max_abs_diff(dxa, dxb) <= TOLERANCE, "dx, step {step}");
        let ((dga, dba), (dgb, dbb)) = (parameter_grads(&plain, &ga), parameter_grads(&fused, &gb));
        assert!(max_abs_diff(dga, dgb) <= TOLERANCE, "dγ, step {step}");
        assert!(max_abs_diff(dba, dbb) <= TOLERANCE, "dβ, step {step}");
        let (ma, mb) = (plain.running_mean.value_sync(), fused.running_mean.value_sync());
        let (va, vb) = (plain.running_var.value_sync(), fused.running_var.value_sync());
        assert!(to_vec(mb.clone()).iter().all(|&m| m.abs() > 0.1), "running mean moved from 0, step {step}");
        assert!(max_abs_diff(ma, mb) <= TOLERANCE, "running mean, step {step}");
        assert!(max_abs_diff(va, vb) <= TOLERANCE, "running var, step {step}");
    }
});

// Inference (a plain device, or training off on an autodiff device) folds the running
// statistics into one scale and shift per channel: the same values as `BatchNorm::forward` up to
// float rounding, the same gradients for x, γ and β (a frozen norm in fine-tuning), and the
// running statistics unchanged.
kiln_core::test_device!(drop_in_inference_matches_the_module, |device| {
    let ad = device.clone().autodiff();
    let case = Case::random([2, 3, 4, 4], &device, 5);
    let norm = module(&case, &ad);
    let _ = batch_norm(&norm, Tensor::<4>::from_data(case.x.clone(), &ad));
    let valid = norm.valid();
    let x = Tensor::<4>::from_data(case.x.clone(), &device).add_scalar(1.0);
    let running = to_vec(valid.running_mean.value_sync());
    assert!(running.iter().all(|m| m.abs() > 0.01), "running mean moved from 0: {running:?}");
    assert!(max_abs_diff(batch_norm(&valid, x.clone()), valid.forward(x.clone())) <= TOLERANCE);
    assert_eq!(to_vec(valid.running_mean.value_sync()), running, "running mean untouched");
    let mut eval = norm.clone();
    eval.training = eval.training.clone().with_value(false);
    let input = || Tensor::<4>::from_data(case.x.clone(), &ad).require_grad();
    let (xa, xb) = (input(), input());
    let dy = Tensor::<4>::from_data(case.dy.clone(), &ad);
    let (a, b) = (eval.forward(xa.clone()), batch_norm(&eval, xb.clone()));
    assert!(max_abs_diff(a.clone().inner(), b.clone().inner()) <= TOLERANCE, "output in eval");
    let (ga, gb) = ((a * dy.clone()).sum().backward(), (b * dy).sum().backward());
    assert!(max_abs_diff(xa.grad(&ga).expect("dx"), xb.grad(&gb).expect("dx")) <= TOLERANCE, "dx in eval");
    let ((dga, dba), (dgb, dbb)) = (parameter_grads(&eval, &ga), parameter_grads(&eval, &gb));
    assert!(max_abs_diff(dga, dgb) <= TOLERANCE, "dγ in eval");
    assert!(max_abs_diff(dba, dbb) <= TOLERANCE, "dβ in eval");
    assert_eq!(to_vec(eval.running_mean.value_sync()), running, "running mean untouched in eval");
});

// One channel, x = [1, 3, 5, 7] as [2, 1, 1, 2], γ = 2, β = 1, ε = 1: μ = 4, σ² = 5,
// r = 1/sqrt(6), x̂ = k·r with k = [−3, −1, 1, 3], y = 2·k·r + 1. With dy = [1, 0, 0, 0]:
// dβ = 1, dγ = x̂₀ = −3r, dx = (2r/4)·(4·dy − 1 + 3r·x̂) = (r/2)·(4·dy − 1 + k/2)
// = r·[0.75, −0.75, −0.25, 0.25].
kiln_core::test_device!(hand_computed_one_channel, |device| {
    let ad = device.clone().autodiff();
    let x = Tensor::<4>::from_data(TensorData::new(vec![1.0f32, 3.0, 5.0, 7.0], [2, 1, 1, 2]), &ad).require_grad();
    let gamma = Tensor::<1>::from_data([2.0f32], &ad).require_grad();
    let beta = Tensor::<1>::from_data([1.0f32], &ad).require_grad();
    let result = batch_norm_train(x.clone(), gamma.clone(), beta.clone(), 1.0).expect("valid");
    let r = 1.0 / 6f32.sqrt();
    let close = |got: Vec<f32>, want: &[f32], what: &str| {
        assert_eq!(got.len(), want.len(), "{what}");
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= 1e-5, "{what}: {got:?} vs {want:?}");
        }
    };
    close(to_vec(result.mean.inner()), &[4.0], "mean");
    close(to_vec(result.var.inner()), &[5.0], "var");
    close(to_vec(result.output.clone().inner()), &[-6.0 * r + 1.0, -2.0 * r + 1.0, 2.0 * r + 1.0, 6.0 * r + 1.0], "y");
    let dy = Tensor::<4>::from_data(TensorData::new(vec![1.0f32, 0.0, 0.0, 0.0], [2, 1, 1, 2]), &ad);
    let grads = (result.output * dy).sum().backward();
    close(to_vec(beta.grad(&grads).expect("dβ")), &[1.0], "dβ");
    close(to_vec(gamma.grad(&grads).expect("dγ")), &[-3.0 * r], "dγ");
    close(to_vec(x.grad(&grads).expect("dx")), &[0.75 * r, -0.75 * r, -0.25 * r, 0.25 * r], "dx");
});

/// Whether `result` is the error of an invalid configuration.
fn is_invalid<T>(result: kiln_core::Result<T>) -> bool {
    matches!(result, Err(CoreError::InvalidConfig(_)))
}

#[test]
fn invalid_arguments_are_errors() {
    let device = Device::flex();
    let x = Tensor::<4>::ones([2, 3, 2, 2], &device);
    let (gamma, beta) = (Tensor::<1>::ones([3], &device), Tensor::<1>::zeros([3], &device));
    let short = Tensor::<1>::ones([2], &device);
    assert!(is_invalid(batch_norm_train(x.clone(), short.clone(), beta.clone(), 1e-5)), "γ per channel");
    assert!(is_invalid(batch_norm_train(x.clone(), gamma.clone(), short, 1e-5)), "β per channel");
    assert!(is_invalid(batch_norm_train(x.clone(), gamma.clone(), beta.clone(), 0.0)), "ε > 0");
    assert!(is_invalid(batch_norm_train(x, gamma.clone(), beta.clone(), f64::NAN)), "finite ε");
    assert!(is_invalid(batch_norm_train(Tensor::<1>::ones([3], &device), gamma.clone(), beta.clone(), 1e-5)), "rank 1");
    assert!(is_invalid(batch_norm_train(Tensor::<4>::ones([0, 3, 2, 2], &device), gamma, beta, 1e-5)), "empty");
}

/// The flex primitive of a tensor on the flex device.
#[cfg(feature = "flex")]
fn flex<const D: usize>(tensor: Tensor<D>) -> burn::backend::flex::FlexTensor {
    tensor.try_into_primitive::<burn::backend::Flex>().expect("a flex tensor")
}

// The flex backward writes dx over the output gradient's buffer, copy-on-write: a gradient held
// elsewhere stays as it was, and a shared and an owned gradient give the same dx.
#[cfg(feature = "flex")]
#[test]
fn flex_backward_leaves_a_shared_output_gradient_untouched() {
    use burn::backend::Flex;
    use kiln_core::nn::fused::FusedBatchNormBackend;

    let device = Device::flex();
    let case = Case::random([2, 3, 4, 4], &device, 9);
    let x = Tensor::<4>::from_data(case.x.clone(), &device);
    let gamma = Tensor::<1>::from_data(case.gamma.clone(), &device);
    let beta = Tensor::<1>::from_data(case.beta.clone(), &device);
    let stats = batch_norm_train(x.clone(), gamma.clone(), beta, 1e-5).expect("valid");
    let dy = || flex(Tensor::<4>::from_data(case.dy.clone(), &device));
    let backward = |dy| {
        let (x, gamma, mean, var) =
            (flex(x.clone()), flex(gamma.clone()), flex(stats.mean.clone()), flex(stats.var.clone()));
        <Flex as FusedBatchNormBackend>::fused_batch_norm_backward(x, gamma, mean, var, 1e-5, dy).x.into_data()
    };
    let shared = dy();
    let copied = backward(shared.clone());
    assert_eq!(shared.into_data(), case.dy, "the shared gradient is untouched");
    let in_place = backward(dy());
    assert_eq!(copied, in_place);
    assert_ne!(copied, case.dy, "dx is not dy");
}
