//! The segmenter's shapes: logits at the input size, decoder features at half and ASPP
//! features at a quarter of it.

use burn::prelude::Device;
use kiln_semi::mgd::SegNetConfig;

use super::common::{pseudo_random, tensor4};

#[test]
fn segmenter_shapes() {
    let device = Device::flex();
    let cfg = SegNetConfig::new()
        .with_num_classes(5)
        .with_width(8)
        .with_blocks(2)
        .with_aspp_channels(12)
        .with_decoder_channels(10);
    let net = cfg.init(&device).unwrap_or_else(|e| panic!("{e}"));
    let out = net.forward(tensor4(&pseudo_random(2 * 3 * 32 * 32, 1), [2, 3, 32, 32], &device));
    assert_eq!(out.logits.dims(), [2, 5, 32, 32]);
    assert_eq!(out.features.dims(), [2, 10, 16, 16]);
    assert_eq!(out.aspp.dims(), [2, 12, 8, 8]);
    let out = net.forward(tensor4(&pseudo_random(3 * 24 * 40, 2), [1, 3, 24, 40], &device));
    assert_eq!(out.logits.dims(), [1, 5, 24, 40]);
    assert_eq!(out.features.dims(), [1, 10, 12, 20]);
}

#[test]
fn invalid_sizes_are_rejected() {
    let device = Device::flex();
    assert!(SegNetConfig::new().with_width(0).init(&device).is_err());
    assert!(SegNetConfig::new().with_aspp_rates(vec![1, 0]).init(&device).is_err());
}
