//! DenseFPN: shapes per level, agreement with flex, save/load round trip.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::testing::max_abs_diff;
use kiln_semi::catnet::DenseFpnConfig;

/// `n` maps of `channels` channels, the finest `side × side`, halving.
fn pyramid(channels: &[usize], side: usize, device: &Device) -> Vec<Tensor<4>> {
    channels
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let s = side.div_ceil(1 << i);
            Tensor::<4>::random([2, c, s, s], Distribution::Normal(0.0, 1.0), device)
        })
        .collect()
}

#[test]
fn five_levels_five_stacks_keep_every_level_shape() {
    let device = Device::flex();
    let fpn = DenseFpnConfig::new(8, 5).init(&device);
    assert_eq!(fpn.levels(), 5);
    assert_eq!(fpn.stacks.len(), 5);
    let lens: Vec<usize> = fpn.top_down_weights.iter().map(|p| p.dims()[0]).collect();
    assert_eq!(lens, vec![4, 3, 2]);
    let lens: Vec<usize> = fpn.bottom_up_weights.iter().map(|p| p.dims()[0]).collect();
    assert_eq!(lens, vec![2, 3, 4]);
    let out = fpn.forward(pyramid(&[8; 5], 32, &device));
    let shapes: Vec<[usize; 4]> = out.iter().map(|t| t.dims()).collect();
    assert_eq!(shapes, vec![[2, 8, 32, 32], [2, 8, 16, 16], [2, 8, 8, 8], [2, 8, 4, 4], [2, 8, 2, 2]]);
}

#[test]
fn extra_levels_and_odd_sizes() {
    let device = Device::flex();
    // Three backbone maps (15, 8, 4 px) and two extra levels (2, 1 px).
    let fpn = DenseFpnConfig::new(6, 2).with_in_channels(vec![3, 4, 5]).init(&device);
    let out = fpn.forward(pyramid(&[3, 4, 5], 15, &device));
    let shapes: Vec<[usize; 4]> = out.iter().map(|t| t.dims()).collect();
    assert_eq!(shapes, vec![[2, 6, 15, 15], [2, 6, 8, 8], [2, 6, 4, 4], [2, 6, 2, 2], [2, 6, 1, 1]]);
}

#[test]
fn save_load_round_trip() {
    let device = Device::flex();
    let config = DenseFpnConfig::new(4, 2).with_levels(3);
    let fpn = config.init(&device);
    let dir = std::env::temp_dir().join(format!("kiln-semi-dfpn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dfpn.bpk");
    fpn.clone().save_file(&path).unwrap();
    let loaded = config.init(&device).load_file(&path);
    let x = pyramid(&[4; 3], 8, &device);
    let (a, b) = (fpn.forward(x.clone()), loaded.forward(x));
    for (a, b) in a.into_iter().zip(b) {
        assert_eq!(max_abs_diff(a, b), 0.0);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

kiln_core::test_device!(dense_fpn_matches_flex, |device| {
    let flex = Device::flex();
    let fpn = DenseFpnConfig::new(8, 2).init(&flex);
    let x = pyramid(&[8; 5], 16, &flex);
    let expected = fpn.forward(x.clone());
    let moved = fpn.to_device(&device);
    let got = moved.forward(x.into_iter().map(|t| t.to_device(&device)).collect());
    for (level, (g, e)) in got.into_iter().zip(expected).enumerate() {
        let d = max_abs_diff(g.to_device(&flex), e);
        assert!(d < 1e-4, "level {level} differs from flex by {d}");
    }
});
