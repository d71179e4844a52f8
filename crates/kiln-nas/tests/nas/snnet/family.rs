//! SN-Net's stitching space, stitched forward passes, costs, save/load and devices.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::testing::max_abs_diff;
use kiln_nas::snnet::{
    SnNet, SnNetConfig, SnNetError, StitchConfig, StitchPosition, sliding_window_stitches, stitch_configs,
};
use kiln_nas::stitch::{StitchLayer, least_squares_tokens};
use kiln_nas::vit::VitConfig;

fn p(front_block: usize, end_block: usize) -> StitchPosition {
    StitchPosition { front_block, end_block }
}

#[test]
fn sliding_window_positions_by_hand() {
    // Kernel 2, stride 1, depth 3: windows {0,1}, {1,2}, {2}; the last adds nothing.
    let (positions, layers, n) = sliding_window_stitches(3, 2, 1);
    assert_eq!(positions, vec![p(0, 0), p(0, 1), p(1, 0), p(1, 1), p(1, 2), p(2, 1), p(2, 2)]);
    assert_eq!(layers, vec![0, 0, 0, 0, 1, 1, 1]);
    assert_eq!(n, 2);
    // Kernel 3, stride 1, depth 4: {0,1,2} adds 9, {1,2,3} adds (1,3),(2,3),(3,1),(3,2),(3,3).
    let (positions, layers, n) = sliding_window_stitches(4, 3, 1);
    assert_eq!(positions.len(), 14);
    assert_eq!(&positions[9..], &[p(1, 3), p(2, 3), p(3, 1), p(3, 2), p(3, 3)]);
    assert_eq!((layers[8], layers[9], n), (0, 1, 2));
}

#[test]
fn config_count_matches_the_official_get_stitch_configs() {
    // The official paired_stitching gives 4 + 3(d − 2) = 3d − 2 positions on d − 1 layers
    // (d ≥ 2); get_stitch_configs with 3 anchors and nearest stitching keeps the 3 anchors and
    // the pairs (0,1), (1,2): 3 + 2(3d − 2) = 6d − 1 configurations; 71 for DeiT's 12 blocks.
    for depth in 1..=12 {
        let (configs, layers) = stitch_configs(3, depth, 2, 1);
        assert_eq!(configs.len(), 6 * depth - 1, "depth {depth}");
        assert_eq!(layers, depth.saturating_sub(1).max(1), "depth {depth}");
    }
    assert_eq!(stitch_configs(3, 12, 2, 1).0.len(), 71);
    let net = SnNetConfig::digits().init(&Device::flex()).unwrap();
    assert_eq!(net.configs().len(), 23);
    assert_eq!(&net.configs()[..3], &[StitchConfig::Anchor(0), StitchConfig::Anchor(1), StitchConfig::Anchor(2)]);
    assert_eq!(net.stitch_layers.len(), 2);
    assert_eq!(net.stitch_layers[1].len(), 3);
    assert_eq!(net.stitch_layers[1][0].dims(), (32, 64));
}

#[test]
fn invalid_sn_nets_are_errors() {
    let device = Device::flex();
    let mut cfg = SnNetConfig::digits();
    cfg.anchors[1] = cfg.anchors[1].clone().with_depth(3);
    assert_eq!(cfg.init(&device).err(), Some(SnNetError::Mismatch { index: 1, what: "depth" }));
    let single = SnNetConfig::from_anchors(vec![VitConfig::digits()]);
    assert_eq!(single.init(&device).err(), Some(SnNetError::TooFewAnchors(1)));
    let net = SnNetConfig::digits().init(&device).unwrap();
    assert!(matches!(net.config_at(23), Err(SnNetError::UnknownConfig { index: 23, count: 23 })));
    let foreign = StitchConfig::Stitched { front: 2, position: p(0, 1), layer: 0 };
    assert!(net.try_forward_config(&foreign, Tensor::zeros([1, 1, 8, 8], &device)).is_err());
}

#[test]
fn identical_anchors_with_identity_stitches_give_the_anchors_logits() {
    let device = Device::flex();
    device.seed(11);
    let anchor = VitConfig::digits().with_depth(3).init(&device);
    let mut net = SnNet::from_anchors(vec![anchor.clone(), anchor.clone(), anchor.clone()], 2, 1, &device).unwrap();
    for pair in &mut net.stitch_layers {
        pair.iter_mut().for_each(|layer| *layer = StitchLayer::identity(32, &device));
    }
    let x = Tensor::<4>::random([4, 1, 8, 8], Distribution::Normal(0.0, 1.0), &device);
    let expected = anchor.forward(x.clone());
    let mut same_depth = 0;
    for cfg in net.configs() {
        let logits = net.forward_config(cfg, x.clone());
        let diff = max_abs_diff(logits, expected.clone());
        match cfg {
            StitchConfig::Stitched { position, .. } if position.end_block == position.front_block + 1 => {
                same_depth += 1;
                assert!(diff < 1e-5, "{cfg:?}: {diff}");
            }
            StitchConfig::Anchor(_) => assert!(diff < 1e-6),
            // (j, j) repeats block j, (j + 1, j) repeats two: other networks.
            _ => assert!(diff > 1e-4, "{cfg:?} should differ: {diff}"),
        }
        assert_eq!(
            net.blocks_of(cfg),
            match cfg {
                StitchConfig::Stitched { position, .. } => position.front_block + 4 - position.end_block,
                StitchConfig::Anchor(_) => 3,
            }
        );
    }
    assert_eq!(same_depth, 2 * 2, "(0,1) and (1,2) for each of the two pairs");
}

#[test]
fn least_squares_init_averages_the_fits_of_a_layers_positions() {
    // Depth 2, kernel 2: one stitch layer per pair, serving (0,0), (0,1), (1,0), (1,1). Position
    // (j, k) fits the front's tokens after block j to the end's tokens entering block k (the
    // embedding for k = 0); the layer is the mean of the four fits.
    let device = Device::flex();
    device.seed(12);
    let base = VitConfig::digits().with_depth(2);
    let (front, end) = (base.clone().with_width(16, 1).init(&device), base.init(&device));
    let x = Tensor::<4>::random([16, 1, 8, 8], Distribution::Normal(0.0, 1.0), &device);
    let net = SnNet::from_anchors(vec![front.clone(), end.clone()], 2, 1, &device).unwrap();
    assert_eq!(net.stitch_layers[0].len(), 1);
    let net = net.init_stitches_least_squares(x.clone()).unwrap();
    let features = |vit: &kiln_nas::vit::Vit| {
        let e = vit.embed(x.clone());
        let o0 = vit.blocks[0].forward(e.clone());
        let o1 = vit.blocks[1].forward(o0.clone());
        [e, o0, o1]
    };
    let (f, e) = (features(&front), features(&end));
    let fits: Vec<(Vec<f32>, Vec<f32>)> = [(0, 0), (0, 1), (1, 0), (1, 1)]
        .iter()
        .map(|&(j, k)| least_squares_tokens(f[j + 1].clone(), e[k].clone()).unwrap())
        .collect();
    let (weights, biases): (Vec<Vec<f32>>, Vec<Vec<f32>>) = fits.into_iter().unzip();
    let mean = |parts: &[Vec<f32>]| -> Vec<f32> {
        (0..parts[0].len()).map(|i| parts.iter().map(|p| p[i]).sum::<f32>() / parts.len() as f32).collect()
    };
    let layer = &net.stitch_layers[0][0].linear;
    let weight = kiln_core::tensor::to_vec(layer.weight.val());
    let bias = kiln_core::tensor::to_vec(layer.bias.as_ref().expect("stitch bias").val());
    let diff = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(u, v)| (u - v).abs()).fold(0.0, f32::max);
    assert!(diff(&weight, &mean(&weights)) < 1e-5);
    assert!(diff(&bias, &mean(&biases)) < 1e-5);
    for cfg in net.configs() {
        let logits = kiln_core::tensor::to_vec(net.forward_config(cfg, x.clone()));
        assert!(logits.iter().all(|v| v.is_finite()), "{cfg:?}");
    }
    // Paired identical activations (identical anchors at a depth-keeping position (j, j + 1))
    // fit a map that reproduces them.
    let (w, b) = least_squares_tokens(e[1].clone(), e[1].clone()).unwrap();
    let same = StitchLayer::from_host(w, b, 32, 32, &device);
    let err = max_abs_diff(same.forward(e[1].clone()), e[1].clone());
    assert!(err < 1e-3, "{err}");
}

#[test]
fn costs_of_stitched_networks_lie_between_the_anchors() {
    let net = SnNetConfig::small().init(&Device::flex()).unwrap();
    let cfgs = &net.config.anchors;
    for (a, c) in cfgs.iter().enumerate() {
        assert_eq!(net.cost(&StitchConfig::Anchor(a)).unwrap(), c.cost());
    }
    let (ti, s) = (&cfgs[0], &cfgs[1]);
    // Ti blocks 0..=1, stitch 24 → 48 on 17 tokens, S blocks 2..=3.
    let cfg = StitchConfig::Stitched { front: 0, position: p(1, 2), layer: 1 };
    let by_hand = ti.embed_cost()
        + ti.block_cost()
        + ti.block_cost()
        + kiln_nas::macs::Cost::new(17 * 24 * 48, 24 * 48 + 48)
        + s.block_cost()
        + s.block_cost()
        + s.head_cost();
    assert_eq!(net.cost(&cfg).unwrap(), by_hand);
    // Same-depth stitches (j, j+1) grow monotonically from Ti towards S as j falls.
    let macs: Vec<u64> = (0..3)
        .map(|j| net.cost(&StitchConfig::Stitched { front: 0, position: p(j, j + 1), layer: j }).unwrap().macs)
        .collect();
    let (ti_macs, s_macs) = (ti.cost().macs, s.cost().macs);
    assert!(macs.windows(2).all(|w| w[0] > w[1]), "{macs:?}");
    assert!(macs.iter().all(|&m| ti_macs < m && m < s_macs), "{macs:?} not in ({ti_macs}, {s_macs})");
}

#[test]
fn save_and_load_round_trip() {
    let device = Device::flex();
    device.seed(13);
    let x = Tensor::<4>::random([8, 1, 8, 8], Distribution::Normal(0.0, 1.0), &device);
    let net = SnNetConfig::digits().init(&device).unwrap().init_stitches_least_squares(x.clone()).unwrap();
    let dir = std::env::temp_dir().join(format!("kiln-nas-snnet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("snnet.bpk");
    net.clone().save_file(&path).unwrap();
    let reloaded = SnNetConfig::digits().init(&device).unwrap().load_file(&path);
    for cfg in net.configs() {
        let diff = max_abs_diff(reloaded.forward_config(cfg, x.clone()), net.forward_config(cfg, x.clone()));
        assert!(diff < 1e-6, "{cfg:?}: {diff}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

kiln_core::test_device!(every_device_agrees_with_flex, |device| {
    let flex = Device::flex();
    flex.seed(14);
    let x = Tensor::<4>::random([4, 1, 8, 8], Distribution::Normal(0.0, 1.0), &flex);
    let net = SnNetConfig::digits().init(&flex).unwrap().init_stitches_least_squares(x.clone()).unwrap();
    let moved = net.clone().to_device(&device);
    let xd = Tensor::<4>::from_data(x.to_data(), &device);
    let refit = moved.clone().init_stitches_least_squares(xd.clone()).unwrap();
    for cfg in net.configs() {
        let want = kiln_core::tensor::to_vec(net.forward_config(cfg, x.clone()));
        for (name, model) in [("moved", &moved), ("refitted", &refit)] {
            let got = kiln_core::tensor::to_vec(model.forward_config(cfg, xd.clone()));
            let diff = got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
            // A refit solves its least squares on the device's activations: allow for their
            // rounding passing through the fit.
            let tol = if name == "moved" { 1e-4 } else { 1e-3 };
            assert!(diff < tol, "{cfg:?} {name}: {diff} from flex");
        }
    }
});

#[test]
fn stitching_steps_draw_every_configuration_reproducibly() {
    let net = SnNetConfig::digits().init(&Device::flex()).unwrap();
    let drawn: std::collections::HashSet<StitchConfig> = (0..2000).map(|seed| net.sample_config(seed)).collect();
    assert_eq!(drawn.len(), net.configs().len());
    assert!((0..50).all(|seed| net.sample_config(seed) == net.sample_config(seed)));
}
