//! The pool: descendant enumeration, descendants built from it, costs, stitch initialisation
//! from the learned maps, save/load, and every device against flex.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::Distribution;
use kiln_core::testing::max_abs_diff;
use kiln_nas::learngene::{
    Descendant, LearngeneError, LearngenePool, LearngenePoolConfig, PoolStage, paired_stitching, stitch_layers_per_pair,
};

fn images(device: &Device, n: usize) -> Tensor<4> {
    Tensor::<4>::random([n, 1, 8, 8], Distribution::Normal(0.0, 1.0), device)
}

#[test]
fn paired_stitching_matches_the_official_enumeration() {
    // The official comment for 6 blocks: 16 cuts over 5 stitch layers.
    let six = paired_stitching(6);
    let cuts: Vec<(usize, usize)> = six.iter().map(|&(c, _)| c).collect();
    let layers: Vec<usize> = six.iter().map(|&(_, l)| l).collect();
    assert_eq!(cuts[..7], [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2)]);
    assert_eq!(cuts.last(), Some(&(5, 5)));
    assert_eq!(layers, [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    assert_eq!((paired_stitching(9).len(), stitch_layers_per_pair(9)), (25, 8));
    assert_eq!((paired_stitching(3).len(), stitch_layers_per_pair(3)), (7, 2));
    assert_eq!(paired_stitching(1), vec![((0, 0), 0)]);
}

#[test]
fn descendants_are_instances_then_every_cut_of_every_pair() {
    // Paper: 3 instances of 9 blocks, 3 pairs of 25 cuts; 6 blocks: 16 cuts per pair.
    assert_eq!(LearngenePoolConfig::new().descendants().len(), 3 + 3 * 25);
    assert_eq!(LearngenePoolConfig::new().with_instance_depth(6).descendants().len(), 3 + 3 * 16);
    let cfg = LearngenePoolConfig::small();
    let all = cfg.descendants();
    assert_eq!(all.len(), 3 + 3 * 7);
    assert_eq!(all[..3], [Descendant::Instance(0), Descendant::Instance(1), Descendant::Instance(2)]);
    assert_eq!(all[3], Descendant::Stitched { front: 0, end: 1, front_last: 0, end_first: 0 });
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!(unique.len(), all.len());
    // Blocks of the descendants: d for a cut (j, j + 1), d + 1 for (j, j) (position j runs in
    // both), d + 2 for (j + 1, j).
    let depths: std::collections::BTreeSet<usize> = all.iter().map(|d| d.blocks(3)).collect();
    assert_eq!(depths.into_iter().collect::<Vec<_>>(), vec![3, 4, 5]);
}

#[test]
fn invalid_configs_and_descendants_are_errors() {
    let device = Device::flex();
    let mut cfg = LearngenePoolConfig::digits();
    cfg.pairs.push((2, 1));
    assert!(matches!(cfg.init(&device), Err(LearngeneError::Pair { front: 2, end: 1, .. })));
    let mut cfg = LearngenePoolConfig::digits();
    cfg.auxiliaries[1].vit.depth = 4;
    assert!(matches!(cfg.validate(), Err(LearngeneError::Depth { index: 1, .. })));
    let mut cfg = LearngenePoolConfig::digits();
    cfg.auxiliaries[0].vit.heads = 3;
    assert!(matches!(cfg.validate(), Err(LearngeneError::Vit { .. })));
    let pool = LearngenePoolConfig::digits().init(&device).unwrap();
    for bad in [
        Descendant::Instance(3),
        Descendant::Stitched { front: 1, end: 0, front_last: 0, end_first: 0 },
        Descendant::Stitched { front: 0, end: 1, front_last: 0, end_first: 2 },
    ] {
        assert!(matches!(pool.build(&bad), Err(LearngeneError::Descendant { .. })), "{bad:?}");
        assert!(pool.forward_descendant(&bad, images(&device, 1)).is_err());
    }
}

#[test]
fn built_descendants_match_the_pool_and_their_costs() {
    let device = Device::flex();
    device.seed(41);
    let pool = LearngenePoolConfig::digits().init(&device).unwrap();
    let x = images(&device, 3);
    for d in pool.descendants() {
        let net = pool.build(&d).unwrap();
        let diff = max_abs_diff(net.forward(x.clone()), pool.forward_descendant(&d, x.clone()).unwrap());
        assert!(diff < 1e-5, "{d:?}: {diff}");
        assert_eq!(pool.cost(&d).unwrap().params, net.num_params() as u64, "{d:?}");
    }
    assert_eq!(pool.stored_params(), pool.num_params() as u64);
    // A stitched descendant's MACs by hand: Ti embedding and block 0, the stitch over 5
    // tokens, B's blocks 1 and 2 and head.
    let cfg = &pool.config.auxiliaries;
    let (ti, b) = (&cfg[0].vit, &cfg[2].vit);
    let d = Descendant::Stitched { front: 0, end: 2, front_last: 0, end_first: 1 };
    let macs = ti.embed_cost().macs + ti.block_cost().macs + 5 * 16 * 32 + 2 * b.block_cost().macs + b.head_cost().macs;
    assert_eq!(pool.cost(&d).unwrap().macs, macs);
    // The Ti instance is the smallest descendant; S → B repeating a position (2 S blocks, 3 B
    // blocks) the largest, above B itself.
    let by_macs = |d: &Descendant| pool.cost(d).unwrap().macs;
    assert_eq!(pool.descendants().into_iter().min_by_key(by_macs), Some(Descendant::Instance(0)));
    let largest = Descendant::Stitched { front: 1, end: 2, front_last: 1, end_first: 0 };
    assert_eq!(pool.descendants().into_iter().max_by_key(by_macs), Some(largest));
    assert!(by_macs(&largest) > by_macs(&Descendant::Instance(2)));
    assert_eq!(pool.widest(), Descendant::Instance(2));
}

#[test]
fn the_pool_stores_less_than_full_depth_anchors() {
    // SN-Net stitches anchors as deep as the ancestry; the pool's instances are shallower.
    let device = Device::flex();
    let cfg = LearngenePoolConfig::small();
    let pool = cfg.init(&device).unwrap();
    let anchors: u64 = cfg.instances().iter().map(|v| v.clone().with_depth(cfg.ancestry.depth).cost().params).sum();
    assert!(pool.stored_params() < anchors, "{} vs {anchors}", pool.stored_params());
    // The smallest descendant is smaller than the smallest anchor.
    let smallest = pool.descendants().iter().map(|d| pool.cost(d).unwrap().params).min().unwrap();
    assert!(smallest < cfg.instances()[0].clone().with_depth(cfg.ancestry.depth).cost().params);
}

#[test]
fn finetuning_draws_every_descendant_and_evaluates_the_widest() {
    let device = Device::flex();
    let pool = LearngenePoolConfig::digits().init(&device).unwrap();
    let drawn: std::collections::HashSet<Descendant> =
        (0..2000).map(|seed| pool.sample_descendant(PoolStage::Random, true, seed)).collect();
    assert_eq!(drawn.len(), pool.descendants().len());
    for (stage, training) in [(PoolStage::Random, false), (PoolStage::Widest, true)] {
        assert_eq!(pool.sample_descendant(stage, training, 5), Descendant::Instance(2));
    }
}

#[test]
fn stitch_layers_start_from_the_mean_transposed_maps() {
    let device = Device::flex();
    device.seed(42);
    let cfg = LearngenePoolConfig::digits();
    let auxiliaries: Vec<_> = (0..3).map(|i| cfg.auxiliary(i, &device).unwrap()).collect();
    assert_eq!(auxiliaries[0].rep_maps.len(), 3);
    assert_eq!(auxiliaries[1].rep_maps.len(), 1);
    let mean = |i: usize| auxiliaries[i].mean_rep_map().unwrap();
    let by_hand = (auxiliaries[0].rep_maps[0].weight.val()
        + auxiliaries[0].rep_maps[1].weight.val()
        + auxiliaries[0].rep_maps[2].weight.val())
        / 3.0;
    assert!(max_abs_diff(mean(0), by_hand) < 1e-6);
    let ti_to_b = mean(0).transpose();
    let ti_to_s = mean(0).transpose().matmul(mean(1));
    let s_to_b = mean(1).transpose();
    let pool = LearngenePool::from_auxiliaries(&cfg, auxiliaries).unwrap();
    // Pairs (0, 1), (0, 2), (1, 2); every window's layer starts equal, with zero bias.
    for (pair, want) in [(0, ti_to_s), (1, ti_to_b), (2, s_to_b)] {
        assert_eq!(pool.stitches[pair].layers.len(), 2);
        for layer in &pool.stitches[pair].layers {
            assert!(max_abs_diff(layer.linear.weight.val(), want.clone()) < 1e-6, "pair {pair}");
            let bias = layer.linear.bias.as_ref().unwrap().val();
            assert!(max_abs_diff(bias.clone(), bias.zeros_like()) == 0.0);
        }
    }
    // Each layer has its own parameters.
    let (a, b) = (&pool.stitches[1].layers[0].linear.weight, &pool.stitches[1].layers[1].linear.weight);
    assert_ne!(a.id, b.id);
}

#[test]
fn a_descendant_saves_and_loads() {
    let device = Device::flex();
    device.seed(43);
    let x = images(&device, 4);
    let pool = LearngenePoolConfig::digits().init(&device).unwrap();
    let dir = std::env::temp_dir().join(format!("kiln-nas-learngene-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, d) in [Descendant::Instance(1), Descendant::Stitched { front: 0, end: 2, front_last: 2, end_first: 1 }]
        .iter()
        .enumerate()
    {
        let net = pool.build(d).unwrap();
        let path = dir.join(format!("descendant-{i}.bpk"));
        net.clone().save_file(&path).unwrap();
        let fresh = LearngenePoolConfig::digits().init(&device).unwrap().build(d).unwrap();
        assert!(max_abs_diff(fresh.forward(x.clone()), net.forward(x.clone())) > 1e-3);
        let reloaded = fresh.load_file(&path);
        let diff = max_abs_diff(reloaded.forward(x.clone()), net.forward(x.clone()));
        assert!(diff < 1e-6, "{d:?}: {diff}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

kiln_core::test_device!(every_device_agrees_with_flex, |device| {
    let flex = Device::flex();
    flex.seed(44);
    let x = images(&flex, 3);
    let pool = LearngenePoolConfig::digits().init(&flex).unwrap();
    let moved = pool.clone().to_device(&device);
    let xd = Tensor::<4>::from_data(x.to_data(), &device);
    for d in pool.descendants() {
        let want = pool.forward_descendant(&d, x.clone()).unwrap();
        let got = moved.forward_descendant(&d, xd.clone()).unwrap().to_device(&flex);
        let diff = max_abs_diff(got, want);
        assert!(diff < 1e-4, "{d:?}: {diff} from flex");
    }
});
