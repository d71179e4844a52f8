//! The adapter baseline starts as the pretrained network.

use burn::module::Module;
use burn::prelude::Device;
use kiln_core::testing::max_abs_diff;
use kiln_efficient::adapter::AdapterResNet;

use crate::common::{INPUT, images, tiny_resnet};

#[test]
fn zero_initialised_adapters_leave_features_unchanged() {
    let device = Device::flex();
    let resnet = tiny_resnet(&device).valid();
    let model = match AdapterResNet::new(resnet.clone(), INPUT, 5, &device) {
        Ok(m) => m.valid(),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(model.adapters.len(), 4);
    // Same features: the adapted network's pooled output through the pretrained head's input.
    let x = images(2, &device);
    let plain = resnet.features(x.clone());
    let mut adapted = model.stem.features(x);
    for (block, adapter) in model.blocks.iter().zip(&model.adapters) {
        adapted = adapter.forward(block.forward(adapted));
    }
    assert!(max_abs_diff(plain, adapted) < 1e-6);
    // 4 adapters of C → C/8 → C (widths 4, 8, 16, 32; bottleneck at least 1) and a 32 → 5 head.
    let adapters: usize = [4usize, 8, 16, 32]
        .iter()
        .map(|&c| {
            let h = (c / 8).max(1);
            c * h + h + h * c + c
        })
        .sum();
    assert_eq!(model.trainable_params(), adapters + 32 * 5 + 5);
}
