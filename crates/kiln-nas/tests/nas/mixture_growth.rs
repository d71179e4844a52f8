//! MixtureGrowth: template mixing, orthogonal coefficients, growth, Net2Net, cost, save/load,
//! devices, and a short run on the digits.

use burn::module::{Module, Param};
use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::Distribution;
use kiln_core::testing::max_abs_diff;
use kiln_core::train::{BatchSource, Trainer};
use kiln_data::{DataLoader, ImageBatcher, Normalize, digits, split};
use kiln_nas::mixture_growth::{
    BlockLayout, GrowInit, GrowthStage, MixtureGrowth, MixtureGrowthConfig, NetworkForm, TemplateMixing, TemplateWrn,
    load_network, new_coefficients, save_network, smallest_right_singular_vector, symmetric_eigen,
};

fn tensor<const D: usize>(values: &[f32], shape: [usize; D], device: &Device) -> Tensor<D> {
    Tensor::from_data(TensorData::new(values.to_vec(), shape), device)
}

fn host<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    kiln_core::tensor::to_vec(t)
}

/// A tiny digits-sized configuration: WRN-10-1 (widths 16, 16, 32, 64) from WRN-10-½ seeds.
fn tiny() -> MixtureGrowthConfig {
    MixtureGrowthConfig::small().with_input(1, 10).with_size(10, 1)
}

/// Random BatchNorm affine parameters and statistics, so that concatenation is visible.
fn perturb_norms(mut net: TemplateWrn) -> TemplateWrn {
    let randomise = |n: burn::nn::BatchNorm| {
        let mut n = n;
        let c = n.gamma.dims()[0];
        let device = n.gamma.val().device();
        let r = |lo: f64, hi: f64| Tensor::<1>::random([c], Distribution::Uniform(lo, hi), &device);
        n.gamma = Param::from_tensor(r(0.5, 1.5));
        n.beta = Param::from_tensor(r(-0.5, 0.5));
        n.running_mean = burn::module::RunningState::new(r(-0.3, 0.3));
        n.running_var = burn::module::RunningState::new(r(0.5, 2.0));
        n
    };
    net.blocks = net
        .blocks
        .into_iter()
        .map(|mut b| {
            b.norm1 = randomise(b.norm1);
            b
        })
        .collect();
    net.last_norm = randomise(net.last_norm);
    net
}

#[test]
fn template_weight_is_the_coefficient_mix() {
    let device = Device::flex();
    // Two templates of a 2×3 weight, α = (2, −1): W = 2·T₀ − T₁.
    let t0 = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let t1 = [0.5, -1.0, 0.0, 2.0, 1.0, -3.0];
    let set = tensor(&[t0, t1].concat(), [2, 2, 3], &device);
    let single = TemplateMixing::from_parts(vec![set], vec![tensor(&[2.0, -1.0], [2], &device)], BlockLayout::Single);
    let expected: Vec<f32> = t0.iter().zip(&t1).map(|(a, b)| 2.0 * a - b).collect();
    assert_eq!(host(single.weight()), expected);

    // Grown 2×2 of 1×1 blocks, sets A = (1, 10), B = (100, 1000), members [0, 1, 0, 1]:
    // W₀ = 1·1 + 2·10 = 21 (set A), W₁ = 3·100 + 4·1000 = 4300 (set B),
    // W₂ = 5·1 + 6·10 = 65 (set A), W₃ = 7·100 + 8·1000 = 8700 (set B); W = [[W₀, W₂], [W₃, W₁]].
    let sets = vec![tensor(&[1.0, 10.0], [2, 1, 1], &device), tensor(&[100.0, 1000.0], [2, 1, 1], &device)];
    let coefs = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]].iter().map(|c| tensor(c, [2], &device)).collect();
    let grown = TemplateMixing::from_parts(sets.clone(), coefs, BlockLayout::Diagonal);
    assert_eq!(host(grown.weight()), vec![21.0, 65.0, 8700.0, 4300.0]);
    // The stem stacks along outputs, the classifier along inputs.
    let two = || [[1.0, 2.0], [3.0, 4.0]].iter().map(|c| tensor(c, [2], &device)).collect();
    let rows = TemplateMixing::from_parts(sets.clone(), two(), BlockLayout::Rows);
    assert_eq!((rows.weight_shape(), host(rows.weight())), ((2, 1), vec![21.0, 4300.0]));
    let cols = TemplateMixing::from_parts(sets, two(), BlockLayout::Columns);
    assert_eq!((cols.weight_shape(), host(cols.weight())), ((1, 2), vec![21.0, 4300.0]));
}

#[test]
fn orthogonal_init_is_the_smallest_right_singular_vector() {
    // C = [[2, 1], [1, 2]]: CᵀC = [[5, 4], [4, 5]], eigenvalues 1 (v = (1, −1)/√2) and 9.
    let h = std::f64::consts::FRAC_1_SQRT_2;
    let same_up_to_sign = |v: &[f64], w: [f64; 2]| {
        let plus = (v[0] - w[0]).abs().max((v[1] - w[1]).abs());
        let minus = (v[0] + w[0]).abs().max((v[1] + w[1]).abs());
        plus.min(minus) < 1e-9
    };
    let v = smallest_right_singular_vector(&[vec![2.0, 1.0], vec![1.0, 2.0]]).unwrap();
    assert!(same_up_to_sign(&v, [h, -h]), "{v:?}");
    // Rank-deficient: C = [[3, 0]] has null space (0, 1).
    let v = smallest_right_singular_vector(&[vec![3.0, 0.0]]).unwrap();
    assert!(same_up_to_sign(&v, [0.0, 1.0]), "{v:?}");
    // Growth with s = 2: α₂ = 2·(1, −1)/√2; then [C; α₂] has CᵀC + α₂α₂ᵀ = [[7, 2], [2, 7]],
    // eigenvalues 5 (v = (1, −1)/√2) and 9, so α₃ = 2·(1, −1)/√2 too.
    let mut rng = kiln_core::seed::rng(0, 0);
    let (c2, c3) = new_coefficients(&[2.0, 1.0], &[1.0, 2.0], GrowInit::Orthogonal, 2.0, &mut rng).unwrap();
    assert!(same_up_to_sign(&c2, [2.0 * h, -2.0 * h]), "{c2:?}");
    assert!(same_up_to_sign(&c3, [2.0 * h, -2.0 * h]), "{c3:?}");
    // The Jacobi eigen-solver on a 3×3 matrix with known spectrum: diag(1, 2, 3) rotated.
    let pairs = symmetric_eigen(&[vec![2.0, 1.0, 0.0], vec![1.0, 2.0, 0.0], vec![0.0, 0.0, 5.0]]);
    let values: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    assert!((values[0] - 1.0).abs() < 1e-12 && (values[1] - 3.0).abs() < 1e-12 && (values[2] - 5.0).abs() < 1e-12);
    // The other initialisations: zero, copy (α + s·u/‖u‖ with one u), random (in [0, s)).
    let (z2, z3) = new_coefficients(&[2.0, 1.0], &[1.0, 2.0], GrowInit::Zero, 1.0, &mut rng).unwrap();
    assert_eq!((z2, z3), (vec![0.0; 2], vec![0.0; 2]));
    let (p2, p3) = new_coefficients(&[2.0, 1.0], &[1.0, 2.0], GrowInit::Copy, 1.0, &mut rng).unwrap();
    let u: Vec<f64> = vec![p2[0] - 2.0, p2[1] - 1.0];
    assert!((u[0] * u[0] + u[1] * u[1] - 1.0).abs() < 1e-9 && (p3[0] - 1.0 - u[0]).abs() < 1e-12);
    let (r2, r3) = new_coefficients(&[2.0, 1.0], &[1.0, 2.0], GrowInit::Random, 0.5, &mut rng).unwrap();
    assert!(r2.iter().chain(&r3).all(|&x| (0.0..0.5).contains(&x)) && r2 != r3);
    assert!(new_coefficients(&[1.0], &[1.0, 2.0], GrowInit::Zero, 1.0, &mut rng).is_err());
}

#[test]
fn zero_growth_sums_the_seed_logits_and_net2net_preserves_a_seed() {
    let device = Device::flex();
    device.seed(3);
    let config = tiny();
    let a = perturb_norms(config.init_seed(&device).unwrap());
    let b = perturb_norms(config.init_seed(&device).unwrap());
    let x = Tensor::<4>::random([4, 1, 8, 8], Distribution::Normal(0.0, 1.0), &device);
    let sum = a.forward(x.clone()) + b.forward(x.clone());
    let zero = MixtureGrowth::grow([&a, &b], GrowInit::Zero).unwrap();
    assert_eq!(zero.form, NetworkForm::Grown);
    assert_eq!(zero.feature_width(), 64);
    let diff = max_abs_diff(zero.forward(x.clone()), sum.clone());
    assert!(diff < 1e-5, "zero growth vs summed seeds: {diff}");
    // The new blocks matter: orthogonal coefficients change the function.
    let ortho = MixtureGrowth::grow([&a, &b], GrowInit::Orthogonal).unwrap();
    assert!(max_abs_diff(ortho.forward(x.clone()), sum) > 1e-3);
    // Net2Net's widening computes the seed's function.
    let wide = MixtureGrowth::net2net(&a).unwrap();
    let diff = max_abs_diff(wide.forward(x.clone()), a.forward(x));
    assert!(diff < 1e-4, "net2net vs seed: {diff}");
    // Only seeds grow.
    assert!(MixtureGrowth::grow([&zero, &b], GrowInit::Zero).is_err());
    let other = tiny().with_size(16, 1).init_seed(&device).unwrap();
    assert!(MixtureGrowth::grow([&a, &other], GrowInit::Zero).is_err());
}

#[test]
fn cost_of_grown_and_scratch_networks_follows_the_block_structure() {
    let device = Device::flex();
    let config = tiny();
    let seed = config.init_seed(&device).unwrap();
    let grown = MixtureGrowth::grow([&seed, &seed], GrowInit::Zero).unwrap();
    let scratch = config.init_scratch(&device).unwrap();
    let (s, g, f) = (seed.cost(8, 8), grown.cost(8, 8), scratch.cost(8, 8));
    // Hand counts of the seed's stem (8×8 × 8 out × 1 in × 9) and classifier (32 → 10).
    let (stem, head) = (8 * 8 * 8 * 9u64, 32 * 10u64);
    // Inner convolutions double both widths (4×), the stem and classifier one (2×).
    assert_eq!(g.macs, 4 * s.macs - 2 * (stem + head));
    assert_eq!(f.macs, g.macs);
    // Grown parameters: both seeds', plus two new coefficient vectors (T = 2) per inner layer.
    let inner = seed.conv_layers().len() as u64 - 1;
    assert_eq!(g.params, 2 * s.params + 4 * inner);
    // Hand count of the seed (widths 8, 8, 16, 32; T = 2): stem 146, block 1 2324 (BN 16, two
    // 3×3 8→8 convolutions 1154 each), block 2 7190, block 3 28710, last BN 64, classifier 642.
    assert_eq!(s.params, 39_076);
    // burn's count also has the BNs' running mean and variance (2 × 64 channels).
    assert_eq!(seed.num_params() as u64, s.params + 2 * 64);
    // MACs: stem 4608, block 1 2 × 36864, block 2 18432 + 36864 + 2048 (shortcut) at 4×4,
    // block 3 18432 + 36864 + 2048 at 2×2, classifier 320.
    assert_eq!(s.macs, 193_344);
    // A depth that is not 6n + 4 is refused with the field named.
    let err = config.clone().with_size(11, 1).init_seed(&device).unwrap_err();
    assert!(err.to_string().contains("depth 11"), "{err}");
    // Per-epoch forward MACs of a run: both seeds, then the grown network.
    let mut run = config.clone();
    (run.seed_epochs, run.grown_epochs) = (2, 1);
    assert_eq!(run.epoch_macs(8, 8, 10, &device).unwrap(), vec![2 * s.macs * 10, 2 * s.macs * 10, g.macs * 10]);
}

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-nas-mixture-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn grown_network_saves_and_loads() {
    let device = Device::flex();
    device.seed(4);
    let config = tiny();
    let (a, b) = (perturb_norms(config.init_seed(&device).unwrap()), perturb_norms(config.init_seed(&device).unwrap()));
    let grown = MixtureGrowth::grow([&a, &b], GrowInit::Orthogonal).unwrap();
    let dir = scratch_dir("store");
    save_network(&grown, &config, &dir).unwrap();
    let (loaded, spec) = load_network(&dir, &device).unwrap();
    assert_eq!((spec.form, &spec.config), (NetworkForm::Grown, &config));
    let x = Tensor::<4>::random([3, 1, 8, 8], Distribution::Normal(0.0, 1.0), &device);
    let diff = max_abs_diff(loaded.forward(x.clone()), grown.forward(x));
    assert!(diff < 1e-6, "{diff}");
    // A missing directory is an error naming the file.
    let err = load_network(&dir.join("missing"), &device).unwrap_err();
    assert!(err.to_string().contains("network.json"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

kiln_core::test_device!(grown_network_matches_flex, |device| {
    let flex = Device::flex();
    flex.seed(5);
    let config = tiny();
    let (a, b) = (perturb_norms(config.init_seed(&flex).unwrap()), perturb_norms(config.init_seed(&flex).unwrap()));
    let grown = MixtureGrowth::grow([&a, &b], GrowInit::Orthogonal).unwrap();
    let dir = scratch_dir(&format!("device-{:?}", std::thread::current().id()).replace(['(', ')'], ""));
    save_network(&grown, &config, &dir).unwrap();
    let (on_device, _) = load_network(&dir, &device).unwrap();
    let values: Vec<f32> = (0..2 * 64).map(|i| ((i * 37 % 23) as f32 / 11.0) - 1.0).collect();
    let expected = grown.forward(tensor(&values, [2, 1, 8, 8], &flex));
    let got = on_device.forward(tensor(&values, [2, 1, 8, 8], &device));
    let diff = kiln_core::testing::max_abs_diff_of_reads(
        kiln_core::tensor::try_to_vec(expected),
        kiln_core::tensor::try_to_vec(got),
    );
    assert!(diff < 1e-4, "{diff}");
    let _ = std::fs::remove_dir_all(&dir);
});

#[test]
fn grown_network_learns_the_digits() {
    let device = Device::flex();
    device.seed(6);
    let data = split(digits().unwrap(), 0.0, 0.2, 6);
    let batcher = ImageBatcher::new(Normalize::fit(&data.train));
    let train = DataLoader::new(data.train, batcher.clone(), 64).shuffled(6);
    let test = DataLoader::new(data.test, batcher, 256);
    let mut config = tiny();
    (config.seed_epochs, config.grown_epochs) = (2, 1);
    let phases = config.phases(train.num_batches());
    let stages: Vec<GrowthStage> = phases.iter().map(|p| p.stage).collect();
    assert_eq!(stages, vec![GrowthStage::Seeds, GrowthStage::Grow, GrowthStage::Grown]);
    // Coefficients train without weight decay (official `get_optimizer`), the rest with 5e-4.
    let seeds = phases[0].train_phase().unwrap();
    assert_eq!((seeds.groups[0].path.as_str(), seeds.groups[0].weight_decay), ("coefficients", Some(0.0)));
    assert!(
        matches!(seeds.optimizer, kiln_core::train::OptimizerConfig::Sgd { weight_decay, .. } if weight_decay == 5e-4)
    );
    let trainer = Trainer::new(device.clone()).with_seed(6).with_progress(false);
    let (model, report) = trainer.fit(MixtureGrowth::new(&config, &device).unwrap(), &phases, &train, None).unwrap();
    assert!(report.completed);
    assert!(model.seeds.is_empty() && model.grown.as_ref().map(|g| g.form) == Some(NetworkForm::Grown));
    let accuracy = trainer.evaluate(&model, &test).unwrap().accuracy().unwrap();
    // Measured 0.95 (seed 6): 2 seed epochs, orthogonal growth, 1 grown epoch; chance is 0.1.
    assert!(accuracy > 0.8, "grown network test accuracy {accuracy}");
}
