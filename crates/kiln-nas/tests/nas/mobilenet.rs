//! MobileNetV3 elements of the supernet: h-swish, squeeze-and-excitation with elastic width, and
//! the small-image preset.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::tensor::to_vec;
use kiln_core::testing::max_abs_diff;
use kiln_nas::elastic::{Activation, ElasticMbBlockConfig, h_sigmoid, make_divisible, se_mid};
use kiln_nas::ofa::{OfaConfig, SubnetConfig, subnet_macs, subnet_params};

fn assert_close(got: Vec<f32>, want: &[f32]) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() < 1e-6, "index {i}: got {g}, want {w} ({got:?})");
    }
}

#[test]
fn make_divisible_and_se_width_follow_mobilenet() {
    assert_eq!(make_divisible(4, 8), 8, "never below the divisor");
    assert_eq!(make_divisible(12, 8), 16, "(12 + 4) / 8 * 8");
    assert_eq!(make_divisible(20, 8), 24);
    assert_eq!(make_divisible(27, 8), 32, "24 would be more than 10% below 27");
    assert_eq!(se_mid(72), 24, "72 / 4 = 18 → 16 is more than 10% below → 24");
    assert_eq!(se_mid(96), 24);
}

#[test]
fn hard_activations_match_their_formulas() {
    let device = Device::flex();
    let x = Tensor::<1>::from_floats([-4.0, -3.0, 0.0, 1.0, 3.0, 6.0], &device);
    assert_close(to_vec(h_sigmoid(x.clone())), &[0.0, 0.0, 0.5, 4.0 / 6.0, 1.0, 1.0]);
    assert_close(to_vec(Activation::HSwish.forward(x.clone())), &[0.0, 0.0, 0.0, 4.0 / 6.0, 3.0, 6.0]);
    assert_close(to_vec(Activation::Relu.forward(x)), &[0.0, 0.0, 0.0, 1.0, 3.0, 6.0]);
}

#[test]
fn sorting_a_block_with_se_keeps_its_function() {
    let device = Device::flex();
    device.seed(3);
    let block = ElasticMbBlockConfig::new(8, 8)
        .with_max_expand(6)
        .with_kernel_sizes(vec![5, 3])
        .with_activation(Activation::HSwish)
        .with_use_se(true)
        .init(&device);
    assert_eq!(block.se.as_ref().map(|se| se.max_mid()), Some(se_mid(48)));
    let x = Tensor::<4>::random([2, 8, 6, 6], Distribution::Normal(0.0, 1.0), &device);
    let full = block.forward(x.clone(), 5, 48);
    let sorted = block.sort_channels();
    assert!(max_abs_diff(sorted.forward(x, 5, 48), full) < 1e-5);
}

#[test]
fn small_image_preset_extracts_exactly_and_counts_its_se() {
    let device = Device::flex();
    device.seed(4);
    let config = OfaConfig::mobilenet_v3_small_images(3, 10);
    let supernet = config.init(&device);
    for (seed, resolution) in [(0, 28), (1, 64)] {
        let mut cfg = supernet.sample_subnet(kiln_nas::ofa::OfaStage::Width, seed);
        cfg.resolution = resolution;
        let x = Tensor::<4>::random([2, 3, 32, 32], Distribution::Normal(0.0, 1.0), &device);
        let extracted = supernet.extract(&cfg);
        let diff = max_abs_diff(extracted.forward(x.clone()), supernet.forward_subnet(&cfg, x));
        assert!(diff < 1e-4, "subnet {cfg:?}: {diff}");
        assert_eq!(subnet_params(&config, &cfg), extracted.num_params(), "SE weights and biases are counted");
    }
    let (small, large) = (SubnetConfig::smallest(&config), SubnetConfig::largest(&config));
    assert_eq!((small.resolution, large.resolution), (28, 64));
    assert!(subnet_macs(&config, &small) * 5 < subnet_macs(&config, &large));
}

#[test]
fn every_device_agrees_with_flex_on_supernet_and_extracted_subnet() {
    let flex = Device::flex();
    flex.seed(5);
    let config = OfaConfig::mobilenet_v3_small_images(1, 10);
    let supernet = config.init(&flex);
    let mut cfg = supernet.sample_subnet(kiln_nas::ofa::OfaStage::Width, 2);
    cfg.resolution = 28;
    let x = Tensor::<4>::random([2, 1, 28, 28], Distribution::Normal(0.0, 1.0), &flex);
    let want = to_vec(supernet.forward_subnet(&cfg, x.clone()));
    kiln_core::testing::on_every_device(|spec, device| {
        let moved = supernet.clone().to_device(&device);
        let xd = Tensor::<4>::from_data(x.to_data(), &device);
        let got = to_vec(moved.forward_subnet(&cfg, xd.clone()));
        let extracted = to_vec(moved.extract(&cfg).forward(xd));
        for (name, values) in [("supernet", got), ("extracted", extracted)] {
            let diff = values.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
            assert!(diff < 1e-3, "{spec} {name}: max diff {diff} from flex");
        }
    });
}
