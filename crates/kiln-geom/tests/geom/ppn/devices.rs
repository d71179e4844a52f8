//! flex agrees with every compiled device on a forward pass of both nets.

use burn::module::Module;
use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::device::compiled_devices;
use kiln_core::testing::max_abs_diff;

use super::tiny;

#[test]
fn flex_agrees_with_every_compiled_device() {
    let flex = Device::flex();
    kiln_core::seed::seed_device(&flex, 9);
    let config = tiny();
    let ppn = config.init(&flex).expect("model");
    let n = config.cells;
    let values: Vec<f32> = (0..config.frames * n * n).map(|i| f32::from(u8::from((i * 7919) % 11 < 3))).collect();
    let input =
        |device: &Device| Tensor::<4>::from_data(TensorData::new(values.clone(), [1, config.frames, n, n]), device);
    let reference = (ppn.seg.forward(input(&flex)), ppn.recon.forward(input(&flex)));
    for (spec, device) in compiled_devices() {
        let moved = ppn.clone().fork(&device);
        let seg = moved.seg.forward(input(&device));
        let recon = moved.recon.forward(input(&device));
        let d_seg = max_abs_diff(seg, reference.0.clone());
        let d_recon = max_abs_diff(recon, reference.1.clone());
        assert!(d_seg < 1e-4 && d_recon < 1e-4, "{spec}: segmentation {d_seg}, reconstruction {d_recon}");
    }
}
