//! LARS (`kiln_core::train::Lars`) against hand computations of SimCLR's update
//! (`tf2/lars_optimizer.py`): `g ← g + wd·w`, `trust = η‖w‖/‖g‖` (1 when a norm is 0),
//! `v ← m·v + lr·trust·g`, `w ← w − v`; biases and normalisation parameters get
//! `v ← m·v + lr·g` without decay or trust.

use burn::module::{Param, ParamId};
use burn::nn::{Linear, LinearConfig};
use burn::optim::{GradientsParams, Optimizer};
use burn::prelude::{Device, Tensor};
use kiln_core::train::{Lars, OptimizerConfig, ParamGroupSettings};

fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().try_to_vec::<f32>().unwrap_or_default()
}

fn assert_close(actual: &[f32], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!((f64::from(*a) - e).abs() < 1e-5, "{actual:?} vs {expected:?}");
    }
}

#[test]
fn two_steps_match_the_hand_computation() {
    let device = Device::flex();
    let lars = Lars::new(0.9, 0.1, 0.5);
    let w = Tensor::<1>::from_floats([3.0, 4.0], &device);
    // Step 1: g' = [0.3, -0.4] + 0.1·[3, 4] = [0.6, 0]; trust = 0.5·5/0.6; lr·trust = 0.41667;
    // v = [0.25, 0]; w = [2.75, 4].
    let (w, state) = lars.step(0.1, w, Tensor::from_floats([0.3, -0.4], &device), None);
    assert_close(&values(w.clone()), &[2.75, 4.0]);
    // Step 2: g' = [0, 0.5] + 0.1·[2.75, 4] = [0.275, 0.9]; ‖w‖ = √23.5625, ‖g'‖ = √0.885625.
    let (w, _) = lars.step(0.1, w, Tensor::from_floats([0.0, 0.5], &device), state);
    let scaled = 0.1 * 0.5 * 23.5625f64.sqrt() / 0.885625f64.sqrt();
    let v = [0.9 * 0.25 + scaled * 0.275, 0.9 * 0.0 + scaled * 0.9];
    assert_close(&values(w), &[2.75 - v[0], 4.0 - v[1]]);
}

#[test]
fn a_zero_gradient_or_zero_weight_has_trust_ratio_one() {
    let device = Device::flex();
    let lars = Lars::new(0.9, 0.0, 0.001);
    let (w, _) = lars.step(0.1, Tensor::<1>::from_floats([3.0, 4.0], &device), Tensor::zeros([2], &device), None);
    assert_eq!(values(w), vec![3.0, 4.0], "zero gradient: nothing moves, no NaN");
    let (w, _) = lars.step(0.1, Tensor::<1>::zeros([2], &device), Tensor::zeros([2], &device), None);
    assert_eq!(values(w), vec![0.0, 0.0]);
    // ‖w‖ = 0: trust 1, a plain SGD step w = −lr·g.
    let (w, _) = lars.step(0.1, Tensor::<1>::zeros([2], &device), Tensor::from_floats([1.0, -2.0], &device), None);
    assert_close(&values(w), &[-0.1, 0.2]);
}

/// `Linear(2 → 1)` with weight `[[3], [4]]` and bias `[0.5]`.
fn linear(device: &Device) -> Linear {
    let mut layer = LinearConfig::new(2, 1).init(device);
    layer.weight = Param::from_tensor(Tensor::from_floats([[3.0], [4.0]], device));
    layer.bias = Some(Param::from_tensor(Tensor::from_floats([0.5], device)));
    layer
}

/// Gradients of `sum(layer(x))` for `x = [[1, 2]]`: `∂w = [[1], [2]]`, `∂b = [1]`.
fn grads(layer: &Linear, device: &Device) -> GradientsParams {
    let x = Tensor::<2>::from_floats([[1.0, 2.0]], device);
    GradientsParams::from_grads(layer.forward(x).sum().backward(), layer)
}

fn weight_and_bias(layer: &Linear) -> (Vec<f32>, Vec<f32>) {
    (values(layer.weight.val()), layer.bias.as_ref().map(|b| values(b.val())).unwrap_or_default())
}

#[test]
fn the_config_excludes_the_bias_from_decay_and_adaptation() {
    let device = Device::flex().autodiff();
    let mut optim = OptimizerConfig::lars(0.1).init();
    let layer = linear(&device);
    let layer = optim.step(1.0, layer.clone(), grads(&layer, &device));
    let (w, b) = weight_and_bias(&layer);
    // Weight: g' = [1, 2] + 0.1·[3, 4] = [1.3, 2.4], trust = 0.001·5/√7.45.
    let trust = 0.001 * 5.0 / 7.45f64.sqrt();
    assert_close(&w, &[3.0 - trust * 1.3, 4.0 - trust * 2.4]);
    // Bias: no decay, trust 1: v = lr·1, b = 0.5 − 1.
    assert_close(&b, &[-0.5]);
    // Second step, same gradient: v = 0.9·1 + 1 = 1.9, b = −0.5 − 1.9.
    let layer = optim.step(1.0, layer.clone(), grads(&layer, &device));
    assert_close(&weight_and_bias(&layer).1, &[-2.4]);
}

#[test]
fn a_decay_group_keeps_the_bias_excluded() {
    let device = Device::flex().autodiff();
    let groups = [ParamGroupSettings { path: "weight".into(), lr: 1.0, weight_decay: Some(0.0) }];
    let mut optim = OptimizerConfig::lars(0.1).init_with_groups(&groups);
    let layer = linear(&device);
    let (w, b) = weight_and_bias(&optim.step(1.0, layer.clone(), grads(&layer, &device)));
    // Weight without decay: g = [1, 2], trust = 0.001·5/√5.
    let trust = 0.001 * 5.0 / 5f64.sqrt();
    assert_close(&w, &[3.0 - trust, 4.0 - 2.0 * trust]);
    assert_close(&b, &[-0.5]);
}

#[test]
fn the_exclusion_rule_matches_biases_and_norm_parameters_by_last_segment() {
    let group = Lars::excluded_params();
    let id = ParamId::new();
    for path in ["bias", "head.0.bias", "encoder.bn1.gamma", "encoder.bn1.beta", "norm.gamma"] {
        assert!(group.matches(&id, Some(path)), "{path} should be excluded");
    }
    for path in ["weight", "head.0.weight", "bias_net.weight", "gammas.weight", "conv.kernel"] {
        assert!(!group.matches(&id, Some(path)), "{path} should use LARS");
    }
}

#[test]
fn the_state_survives_a_byte_round_trip() {
    let device = Device::flex().autodiff();
    let mut optim = OptimizerConfig::lars(0.1).init();
    let layer = linear(&device);
    let layer = optim.step(1.0, layer.clone(), grads(&layer, &device));
    let bytes = optim.into_bytes().unwrap();
    let mut restored = OptimizerConfig::lars(0.1).init().from_bytes(bytes).unwrap();
    let expected = optim.step(1.0, layer.clone(), grads(&layer, &device));
    let actual = restored.step(1.0, layer.clone(), grads(&layer, &device));
    assert_eq!(weight_and_bias(&expected), weight_and_bias(&actual));
}
