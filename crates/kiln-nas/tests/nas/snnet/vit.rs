//! The DeiT-style ViT: shapes, analytic cost by hand, traces, config errors.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::testing::max_abs_diff;
use kiln_nas::macs::Cost;
use kiln_nas::vit::{VitConfig, VitError};

/// 8×8 one-channel images, patch 4 (4 patches, 5 tokens), width 8, one block, 2 heads, MLP
/// ratio 4, 3 classes.
fn tiny() -> VitConfig {
    VitConfig { image_size: 8, channels: 1, patch_size: 4, width: 8, depth: 1, heads: 2, mlp_ratio: 4, classes: 3 }
}

#[test]
fn tiny_vit_cost_by_hand() {
    let cfg = tiny();
    assert_eq!(cfg.tokens(), 5);
    // Patch embedding: 2×2 outputs × 8 channels × (1·4·4) = 512 MACs; 8·16 + 8 = 136 params.
    // Class token 8, positions 5·8 = 40 params.
    assert_eq!(cfg.embed_cost(), Cost::new(512, 136 + 8 + 40));
    // Block over 5 tokens: Q, K, V, O 4·5·8·8 = 1280 MACs, 4·(64 + 8) = 288 params; QKᵀ and AV
    // 2·5²·8 = 400 MACs; fc1 5·8·32 = 1280 MACs, 256 + 32 params; fc2 5·32·8 = 1280 MACs,
    // 256 + 8 params; two LayerNorms 32 params.
    assert_eq!(cfg.block_cost(), Cost::new(1280 + 400 + 1280 + 1280, 288 + 288 + 264 + 32));
    // Final LayerNorm 16 params; head 8·3 = 24 MACs, 27 params.
    assert_eq!(cfg.head_cost(), Cost::new(24, 16 + 27));
    assert_eq!(cfg.cost(), Cost::new(512 + 4240 + 24, 184 + 872 + 43));
    let vit = cfg.init(&Device::flex());
    assert_eq!(vit.num_params() as u64, cfg.cost().params, "every parameter is counted once");
    let deeper = cfg.clone().with_depth(3);
    assert_eq!(deeper.cost().macs, cfg.cost().macs + 2 * cfg.block_cost().macs);
    assert_eq!(deeper.init(&Device::flex()).num_params() as u64, deeper.cost().params);
}

#[test]
fn deit_presets_have_the_papers_sizes() {
    // DeiT-Ti/S/B: 5.7M, 22M, 86M parameters (Touvron et al., Table 1).
    let millions = |c: VitConfig| c.cost().params as f64 / 1e6;
    assert!((millions(VitConfig::deit_tiny()) - 5.7).abs() < 0.1);
    assert!((millions(VitConfig::deit_small()) - 22.0).abs() < 0.3);
    assert!((millions(VitConfig::deit_base()) - 86.0).abs() < 0.8);
    // 197 tokens; DeiT-Ti ≈ 1.3 GMACs ("1.3 GFLOPs" in the paper counts MACs).
    assert_eq!(VitConfig::deit_tiny().tokens(), 197);
    let gmacs = VitConfig::deit_tiny().cost().macs as f64 / 1e9;
    assert!((gmacs - 1.3).abs() < 0.1, "{gmacs}");
}

#[test]
fn forward_shapes_and_trace_agree() {
    let device = Device::flex();
    device.seed(4);
    let cfg = tiny().with_depth(2);
    let vit = cfg.init(&device);
    let x = Tensor::<4>::random([3, 1, 8, 8], Distribution::Normal(0.0, 1.0), &device);
    assert_eq!(vit.embed(x.clone()).dims(), [3, 5, 8]);
    let logits = vit.forward(x.clone());
    assert_eq!(logits.dims(), [3, 3]);
    let trace = vit.forward_traced(x.clone());
    assert_eq!((trace.block_outputs.len(), trace.attention_outputs.len()), (2, 2));
    assert!(max_abs_diff(trace.logits.clone(), logits.clone()) < 1e-6);
    assert!(max_abs_diff(vit.classify(trace.block_outputs[1].clone()), logits) < 1e-6);
    // The block output is input + attention branch + MLP branch: with the MLP's output layer
    // zeroed, it is input + attention branch.
    let mut block = vit.blocks[0].clone();
    block.fc2.weight = block.fc2.weight.map(|w| w.zeros_like());
    block.fc2.bias = block.fc2.bias.map(|b| b.map(|b| b.zeros_like()));
    let input = vit.embed(x);
    let (out, attention) = block.forward_traced(input.clone());
    assert!(max_abs_diff(out, input + attention.clone()) < 1e-6);
    assert!(max_abs_diff(attention, trace.attention_outputs[0].clone()) < 1e-6);
}

#[test]
fn invalid_configs_are_errors() {
    let device = Device::flex();
    assert_eq!(tiny().with_width(9, 2).try_init(&device).err(), Some(VitError::Heads { width: 9, heads: 2 }));
    assert_eq!(
        tiny().with_images(8, 1, 3).try_init(&device).err(),
        Some(VitError::Patch { image_size: 8, patch_size: 3 })
    );
    assert_eq!(tiny().with_classes(0).validate(), Err(VitError::Zero("classes")));
}
