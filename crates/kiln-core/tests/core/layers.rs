//! Shared layers: shapes, gradients against hand-computed values, and agreement between devices.

use burn::module::Module;
use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::nn::{CnnConfig, MlpConfig, ResNetConfig, cross_entropy};
use kiln_core::testing::{max_abs_diff, on_every_device};

#[test]
fn cross_entropy_value_and_gradient_match_hand_computation() {
    let device = Device::flex().autodiff();
    // logits [[0, ln 3]], target 1: p = softmax = [1/4, 3/4]; loss = -ln(3/4); dL/dz = p - onehot.
    let logits = Tensor::<2>::from_data([[0.0f32, 3f32.ln()]], &device).require_grad();
    let targets = Tensor::<1, Int>::from_data([1i64], &device);
    let loss = cross_entropy(logits.clone(), targets);
    let value = loss.clone().into_scalar::<f32>();
    assert!((value - (-(0.75f32).ln())).abs() < 1e-6, "{value}");
    let grads = loss.backward();
    let g = logits.grad(&grads).unwrap().into_data();
    g.assert_approx_eq::<f32>(&TensorData::from([[0.25f32, -0.25]]), burn::tensor::Tolerance::absolute(1e-6));
}

#[test]
fn shapes_on_every_device() {
    on_every_device(|spec, device| {
        let mlp = MlpConfig::new(64, 10).init(&device);
        assert_eq!(mlp.forward(Tensor::zeros([3, 64], &device)).dims(), [3, 10], "{spec}");
        let cnn = CnnConfig::new(1, 10).init(&device);
        let x = Tensor::<4>::zeros([2, 1, 8, 8], &device);
        assert_eq!(cnn.features(x.clone()).dims(), [2, 64, 4, 4], "{spec}");
        assert_eq!(cnn.forward(x).dims(), [2, 10], "{spec}");
        let resnet = ResNetConfig::new(3, 5).init(&device);
        let x = Tensor::<4>::zeros([2, 3, 32, 32], &device);
        assert_eq!(resnet.features(x.clone()).dims(), [2, 64, 8, 8], "{spec}");
        assert_eq!(resnet.forward(x).dims(), [2, 5], "{spec}");
    });
}

/// Every shared layer gives the same forward pass on every compiled device as on flex.
#[test]
fn devices_agree_with_flex() {
    let flex = Device::flex();
    flex.seed(11);
    let mlp = MlpConfig::new(16, 4).init(&flex);
    let cnn = CnnConfig::new(3, 4).init(&flex);
    let resnet = ResNetConfig::new(3, 4).with_blocks(vec![1, 1]).init(&flex);
    let v = Tensor::<2>::random([4, 16], burn::tensor::Distribution::Normal(0.0, 1.0), &flex);
    let x = Tensor::<4>::random([2, 3, 16, 16], burn::tensor::Distribution::Normal(0.0, 1.0), &flex);
    let reference = (mlp.forward(v.clone()), cnn.forward(x.clone()), resnet.forward(x.clone()));
    on_every_device(|spec, device| {
        let (a, b, c) = (
            mlp.clone().to_device(&device).forward(v.clone().to_device(&device)),
            cnn.clone().to_device(&device).forward(x.clone().to_device(&device)),
            resnet.clone().to_device(&device).forward(x.clone().to_device(&device)),
        );
        assert!(max_abs_diff(a.to_device(&flex), reference.0.clone()) < 1e-4, "mlp on {spec}");
        assert!(max_abs_diff(b.to_device(&flex), reference.1.clone()) < 1e-4, "cnn on {spec}");
        assert!(max_abs_diff(c.to_device(&flex), reference.2.clone()) < 1e-4, "resnet on {spec}");
    });
}

#[test]
fn receptive_field_of_the_small_cnn_matches_hand_computation() {
    use kiln_core::nn::BackboneConfig;
    // conv3 (s1, p1) → pool2 → conv3 → pool2 → conv3: size 3, 4, 8, 10, 18; jump 1, 2, 2, 4, 4;
    // position 0 is centred on input coordinate 2.0 (the middle of the first 4×4 cell).
    let backbone = BackboneConfig::Cnn { in_channels: 1, channels: vec![8, 8, 8] }.init(&Device::flex());
    let rf = backbone.receptive_field();
    assert_eq!((rf.size, rf.jump), (18, 4));
    assert!((rf.start - 2.0).abs() < 1e-12, "{}", rf.start);
    assert_eq!(rf.input_box(0, 0, 32, 32), (0, 0, 10, 10));
    assert_eq!(rf.input_box(7, 3, 32, 32), (21, 5, 31, 22));
}
