//! `Backbone::stages`: every stage's output, the last equal to `features`.

use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::nn::BackboneConfig;
use kiln_core::testing::max_abs_diff;

fn shapes(stages: &[Tensor<4>]) -> Vec<[usize; 4]> {
    stages.iter().map(Tensor::dims).collect()
}

/// The CNN's stages are its blocks: every block but the last halves the map (2×2 max-pool).
#[test]
fn cnn_stages_are_its_blocks_and_end_with_the_features() {
    let device = Device::flex();
    device.seed(11);
    let backbone = BackboneConfig::Cnn { in_channels: 3, channels: vec![8, 16, 24, 32] }.init(&device);
    let x = Tensor::<4>::random([2, 3, 64, 64], Distribution::Default, &device);
    let stages = backbone.stages(x.clone());
    assert_eq!(shapes(&stages), vec![[2, 8, 32, 32], [2, 16, 16, 16], [2, 24, 8, 8], [2, 32, 8, 8]]);
    let last = stages.last().cloned().expect("four stages");
    assert_eq!(max_abs_diff(last, backbone.features(x)), 0.0);
}

/// The ResNet's stages end before each stride-2 block: with blocks `[2, 1, 2]` there are three
/// stages (not five blocks), widths `16 · 2^i`, each after the first at half the resolution.
#[test]
fn resnet_stages_end_before_each_stride_two_block() {
    let device = Device::flex();
    device.seed(12);
    let backbone = BackboneConfig::ResNet { in_channels: 3, blocks: vec![2, 1, 2], base_width: 16 }.init(&device);
    let x = Tensor::<4>::random([2, 3, 32, 32], Distribution::Default, &device);
    let stages = backbone.stages(x.clone());
    assert_eq!(shapes(&stages), vec![[2, 16, 32, 32], [2, 32, 16, 16], [2, 64, 8, 8]]);
    let last = stages.last().cloned().expect("three stages");
    assert_eq!(max_abs_diff(last, backbone.features(x)), 0.0);
}
