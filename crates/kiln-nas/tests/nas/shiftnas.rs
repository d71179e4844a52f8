//! ShiftNAS on the OFA supernet: the differentiable MACs and the relaxed forward at hard
//! one-hots, gradients to the generator, the probability shift, learning, typed errors.

use std::time::Instant;

use burn::module::Module;
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::Distribution;
use kiln_core::tensor::to_vec;
use kiln_core::train::Trainer;
use kiln_nas::ofa::{OfaConfig, SubnetConfig, nas_data, subnet_accuracy, subnet_macs};
use kiln_nas::shiftnas::{
    MacBins, MacTables, ProbabilityShift, RelaxedArch, ShiftNasConfig, ShiftNasError, ShiftNasPhase, ShiftState,
};
use rand::Rng;

/// `n` subnets drawn uniformly per gene with `seed`.
fn random_subnets(cfg: &OfaConfig, n: usize, seed: u64) -> Vec<SubnetConfig> {
    let choices = SubnetConfig::gene_choices(cfg);
    let mut rng = kiln_core::seed::rng(seed, 1);
    (0..n)
        .map(|_| {
            let genes: Vec<usize> = choices.iter().map(|&c| rng.random_range(0..c)).collect();
            SubnetConfig::decode(&genes, cfg)
        })
        .collect()
}

fn max_abs_diff(a: Tensor<2>, b: Tensor<2>) -> f32 {
    to_vec(a).iter().zip(to_vec(b)).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn differentiable_macs_equal_subnet_macs_at_hard_one_hots() {
    let device = Device::flex();
    // The digits space and a MobileNetV3-style one (SE, five units, six resolutions).
    for cfg in [OfaConfig::digits(), OfaConfig::mobilenet_v3_small_images(3, 10)] {
        let tables = MacTables::new(&cfg);
        let mut subnets = random_subnets(&cfg, 200, 3);
        subnets.push(SubnetConfig::smallest(&cfg));
        subnets.push(SubnetConfig::largest(&cfg));
        for subnet in &subnets {
            let arch = RelaxedArch::from_subnet(&cfg, subnet, &device);
            let got = f64::from(to_vec(tables.macs(&arch))[0]);
            let want = subnet_macs(&cfg, subnet) as f64;
            assert!((got - want).abs() <= 1e-6 * want, "{got} vs {want} for {}", subnet.describe(&cfg));
        }
    }
    // And at the straight-through one-hots the generator emits (hard forward values).
    let model = ShiftNasConfig::small().init(&device).unwrap();
    let cfg = &model.supernet.config;
    for seed in 0..20u64 {
        let arch = model.generator.sample(seed as usize % model.bins.len(), 1.0, Some(seed));
        let got = f64::from(to_vec(model.tables.macs(&arch))[0]);
        let want = subnet_macs(cfg, &arch.decode(cfg)) as f64;
        assert!((got - want).abs() <= 1e-6 * want, "{got} vs {want}");
    }
}

#[test]
fn relaxed_forward_at_hard_one_hots_is_the_subnet() {
    let device = Device::flex();
    device.seed(11);
    let model = ShiftNasConfig::small().init(&device).unwrap();
    let cfg = model.supernet.config.clone();
    let images = Tensor::<4>::random([5, 1, 8, 8], Distribution::Normal(0.0, 1.0), &device);
    let mut subnets = random_subnets(&cfg, 12, 7);
    subnets.push(SubnetConfig::smallest(&cfg));
    subnets.push(SubnetConfig::largest(&cfg));
    for subnet in &subnets {
        let arch = RelaxedArch::from_subnet(&cfg, subnet, &device);
        assert_eq!(&arch.decode(&cfg), subnet);
        let diff = max_abs_diff(
            model.forward_relaxed(&arch, images.clone()),
            model.supernet.forward_subnet(subnet, images.clone()),
        );
        assert!(diff < 1e-5, "{diff} for {}", subnet.describe(&cfg));
    }
    // The generator's straight-through samples run their decoded subnets.
    for seed in 0..6u64 {
        let arch = model.generator.sample(seed as usize % 4, 1.0, Some(seed));
        let subnet = arch.decode(&cfg);
        let diff = max_abs_diff(
            model.forward_relaxed(&arch, images.clone()),
            model.supernet.forward_subnet(&subnet, images.clone()),
        );
        assert!(diff < 1e-5, "{diff} for {}", subnet.describe(&cfg));
    }
}

#[test]
fn gradients_of_ce_and_mac_loss_reach_the_generator() {
    let device = Device::flex();
    device.seed(12);
    let ad = device.clone().autodiff();
    let model = ShiftNasConfig::small().init(&ad).unwrap();
    let images = Tensor::<4>::random([4, 1, 8, 8], Distribution::Normal(0.0, 1.0), &ad);
    let targets = Tensor::<1, Int>::from_data(TensorData::from([1i64, 4, 7, 9]), &ad);
    let arch = model.generator.sample(1, 1.0, Some(3));
    let loss = model.loss(&arch, 1, images, targets, 2.0);
    let grads = loss.total.backward();
    let norm = |g: Option<Tensor<2>>| to_vec(g.expect("a gradient")).iter().map(|v| v.abs()).sum::<f32>();
    let bin = norm(model.generator.bin_embedding.grad(&grads));
    let head = norm(model.generator.heads[0].weight.grad(&grads));
    let input = norm(model.generator.lstm.input_gate.input_transform.weight.grad(&grads));
    assert!(bin > 0.0 && head > 0.0 && input > 0.0, "bin {bin}, head {head}, LSTM {input}");
    // The generator's rows for other bins get none: only e_k is read.
    let rows = to_vec(model.generator.bin_embedding.grad(&grads).unwrap());
    let width = rows.len() / 4;
    assert!(rows[..width].iter().all(|&v| v == 0.0) && rows[width..2 * width].iter().any(|&v| v != 0.0));
    // The MAC term alone also reaches the generator (through the one-hots, not the supernet).
    let arch = model.generator.sample(1, 1.0, Some(3));
    let grads = ((model.tables.macs(&arch) - model.bins.target(1)) / model.bins.target(1)).abs().backward();
    assert!(norm(model.generator.heads[0].weight.grad(&grads)) > 0.0);
    assert!(model.supernet.head.weight.grad(&grads).is_none(), "the MAC term does not touch the supernet");
}

#[test]
fn probability_shift_matches_a_hand_computation() {
    let shift = ProbabilityShift { rate: 0.5, momentum: 0.8 };
    let mut state = ShiftState::new(3);
    assert_eq!(state.probabilities(), vec![1.0 / 3.0; 3]);
    // First visits only record the losses: Δ stays 0, θ unchanged.
    shift.observe(&mut state, 0, 2.0);
    shift.observe(&mut state, 1, 1.0);
    assert_eq!(state.theta, vec![0.0; 3]);
    assert_eq!(state.last_loss, vec![Some(2.0), Some(1.0), None]);
    // Bin 0 drops 2.0 → 1.5: Δ_0 = 0.8·0 + 0.2·0.5 = 0.1, mean Δ = 0.1/3,
    // θ = 0.5·(0.1 − 1/30, −1/30, −1/30) = (1/30, −1/60, −1/60).
    shift.observe(&mut state, 0, 1.5);
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
    assert!(close(&state.delta, &[0.1, 0.0, 0.0]), "{:?}", state.delta);
    assert!(close(&state.theta, &[1.0 / 30.0, -1.0 / 60.0, -1.0 / 60.0]), "{:?}", state.theta);
    // Bin 1 rises 1.0 → 1.4: Δ_1 = 0.2·(−0.4) = −0.08; Δ = (0.1, −0.08, 0), mean 0.02/3;
    // θ += 0.5·(Δ − mean).
    shift.observe(&mut state, 1, 1.4);
    let mean = 0.02 / 3.0;
    let want = [1.0 / 30.0 + 0.5 * (0.1 - mean), -1.0 / 60.0 + 0.5 * (-0.08 - mean), -1.0 / 60.0 + 0.5 * (0.0 - mean)];
    assert!(close(&state.theta, &want), "{:?} vs {want:?}", state.theta);
    // p = softmax(θ): the bin whose loss still falls is drawn most, the one that rose least.
    let p = state.probabilities();
    let z: f64 = want.iter().map(|t| t.exp()).sum();
    assert!(close(&p, &want.map(|t| t.exp() / z)));
    assert!(p[0] > p[2] && p[2] > p[1]);
    // Draws follow p (deterministic per seed).
    let draws: Vec<usize> = (0..3000).map(|s| state.draw(s)).collect();
    assert_eq!(state.draw(5), state.draw(5));
    let freq0 = draws.iter().filter(|&&k| k == 0).count() as f64 / 3000.0;
    assert!((freq0 - p[0]).abs() < 0.03, "{freq0} vs {}", p[0]);
}

#[test]
fn bad_configs_and_budgets_are_typed_errors() {
    let device = Device::flex();
    let small = ShiftNasConfig::small;
    assert_eq!(ShiftNasConfig::new().validate(), Ok(()));
    assert_eq!(small().validate(), Ok(()));
    let bad = |c: ShiftNasConfig| c.init(&device).map(|_| ()).unwrap_err();
    assert_eq!(bad(ShiftNasConfig { bins: 1, ..small() }), ShiftNasError::TooFewBins(1));
    assert_eq!(bad(ShiftNasConfig { bin_samples: 3, ..small() }), ShiftNasError::TooFewSamples { samples: 3, bins: 4 });
    assert_eq!(bad(ShiftNasConfig { epochs: 0, ..small() }), ShiftNasError::ZeroEpochs);
    assert_eq!(bad(ShiftNasConfig { hidden: 0, ..small() }), ShiftNasError::ZeroWidth("hidden width"));
    assert_eq!(
        bad(ShiftNasConfig { temperature: 0.0, ..small() }),
        ShiftNasError::NotPositive { name: "temperature", value: 0.0 }
    );
    assert!(matches!(
        bad(ShiftNasConfig { lambda: f64::NAN, ..small() }),
        ShiftNasError::NotPositive { name: "lambda", .. }
    ));
    assert_eq!(bad(ShiftNasConfig { shift_momentum: 1.0, ..small() }), ShiftNasError::Momentum(1.0));
    let no_res = OfaConfig { resolutions: Vec::new(), ..OfaConfig::digits() };
    assert_eq!(bad(ShiftNasConfig { ofa: no_res, ..small() }), ShiftNasError::EmptyChoices("resolutions"));
    // More bins than distinct MAC values: an empty bin.
    let tiny = OfaConfig {
        depths: vec![1],
        kernel_sizes: vec![3],
        expand_ratios: vec![2],
        resolutions: vec![8],
        ..OfaConfig::digits()
    };
    assert!(matches!(MacBins::from_space(&tiny, 3, 100, 0), Err(ShiftNasError::EmptyBin { bin: 0, .. })));
    // Budgets and bins.
    let model = small().init(&device).unwrap();
    let cfg = &model.supernet.config;
    let floor = subnet_macs(cfg, &SubnetConfig::smallest(cfg));
    let err = model.for_budget(floor - 1).unwrap_err();
    assert_eq!(err, ShiftNasError::BudgetBelowSmallest { budget: floor - 1, smallest: floor });
    assert!(err.to_string().contains(&(floor - 1).to_string()), "{err}");
    assert!(subnet_macs(cfg, &model.for_budget(floor).unwrap()) <= floor);
    assert_eq!(model.generate(4).unwrap_err(), ShiftNasError::BinOutOfRange { bin: 4, bins: 4 });
    let phases = small().phases().unwrap();
    assert_eq!(phases.len(), 2);
    assert_eq!(phases[0].stage.phase, ShiftNasPhase::GeneratorWarmUp);
    assert_eq!(phases[1].stage, small().stage());
    assert_eq!(ShiftNasConfig { warm_up_epochs: 0, ..small() }.phases().unwrap().len(), 1);
    assert!(ShiftNasConfig { lr: -1.0, ..small() }.phases().is_err());
}

#[test]
fn bins_split_the_space_by_quantiles() {
    let cfg = OfaConfig::digits();
    let bins = MacBins::from_space(&cfg, 4, 2000, 0).unwrap();
    assert_eq!(bins.len(), 4);
    assert_eq!(bins.edges[0], subnet_macs(&cfg, &SubnetConfig::smallest(&cfg)) as f64);
    assert_eq!(bins.edges[4], subnet_macs(&cfg, &SubnetConfig::largest(&cfg)) as f64);
    // Fresh uniform subnets fall in each bin about a quarter of the time.
    let subnets = random_subnets(&cfg, 2000, 99);
    for k in 0..4 {
        let share = subnets.iter().filter(|s| bins.contains(k, subnet_macs(&cfg, s))).count() as f64 / 2000.0;
        assert!((share - 0.25).abs() < 0.05, "bin {k}: {share}");
        assert_eq!(bins.target(k), (bins.edges[k] + bins.edges[k + 1]) / 2.0);
    }
}

#[test]
fn shiftnas_trains_a_generator_that_hits_its_bins_on_digits() {
    let start = Instant::now();
    let device = Device::flex();
    device.seed(8);
    let data = nas_data(8).unwrap();
    let settings = ShiftNasConfig { epochs: 1, ..ShiftNasConfig::small() };
    let model = settings.init(&device).unwrap();
    let (model, report) =
        Trainer::new(device.clone()).with_seed(8).fit(model, &settings.phases().unwrap(), &data.train, None).unwrap();
    assert!(report.completed);
    let trained = start.elapsed().as_secs_f64();
    let cfg = model.supernet.config.clone();
    let bins = model.bins.clone();
    let hits: Vec<bool> =
        (0..bins.len()).map(|k| bins.contains(k, subnet_macs(&cfg, &model.generate(k).unwrap()))).collect();
    let macs: Vec<u64> = (0..bins.len()).map(|k| subnet_macs(&cfg, &model.generate(k).unwrap())).collect();
    // Draws of the trained sampler: k ~ p, then a Gumbel sample of G(k).
    let state = model.shift_state();
    let draws = 200u64;
    let sampled_hits = (0..draws)
        .filter(|&s| {
            let k = state.draw(s);
            let arch = model.generator.sample(k, settings.temperature, Some(s));
            bins.contains(k, subnet_macs(&cfg, &arch.decode(&cfg)))
        })
        .count() as f64
        / draws as f64;
    let argmax_hits = (0..draws).filter(|&s| hits[state.draw(s)]).count() as f64 / draws as f64;
    eprintln!(
        "shiftnas: edges {:?}, argmax MACs {macs:?}, hits {hits:?}, argmax-draw hit rate {argmax_hits:.3}, \
         sampled hit rate {sampled_hits:.3}, p {:?}, trained in {trained:.1} s",
        bins.edges,
        state.probabilities()
    );
    // Measured (seed 8, alone): 30 warm-up epochs of the generator (600 steps, the sampled
    // and the arg-max architecture's MAC errors) then 1 joint epoch (20 steps) in 16.3 s on 2
    // cores; argmax MACs 289856, 464960, 680000, 1324480 against edges 121136, 405536, 565808,
    // 819008, 1772352: every bin hit (argmax-draw hit rate 1.0), Gumbel-sampled hit rate
    // 0.995; the bin-3 architecture's test accuracy 0.889. Over initialisations 0–7 (a scratch
    // loop) the arg-max hit every bin in 7 of 8 and the sampled rate was 0.51–1.0; with the
    // sampled term alone and 10 warm-up epochs, 2 of 8. The initialisation comes from the
    // device's process-wide generator, which tests running beside this one also draw from.
    // Without the warm-up, 2 joint epochs (40 steps) hit 3 bins of 4 (argmax draws 0.795,
    // sampled 0.585).
    assert!(argmax_hits >= 0.9, "argmax hit rate {argmax_hits}");
    assert!(sampled_hits >= 0.8, "sampled hit rate {sampled_hits}");
    // A budget at a bin's upper edge gets the generated architecture of that bin or a higher
    // one that fits (an inner edge is a subnet's MACs, which the next bin may emit).
    for (k, &hit) in hits.iter().enumerate() {
        let budget = bins.edges[k + 1] as u64;
        let subnet = model.for_budget(budget).unwrap();
        assert!(subnet_macs(&cfg, &subnet) <= budget);
        if hit {
            assert!((k..bins.len()).any(|j| model.generate(j).unwrap() == subnet), "bin {k}");
        }
    }
    // The supernet learned under the generated architectures: the largest bin's is well above
    // chance (0.1).
    let accuracy =
        subnet_accuracy(&model.supernet, &model.generate(3).unwrap(), &data.train, &data.test, &device).unwrap();
    eprintln!("shiftnas: bin-3 architecture accuracy {accuracy:.3}, {:.1} s in all", start.elapsed().as_secs_f64());
    assert!(accuracy >= 0.3, "accuracy {accuracy}");
}

#[test]
fn save_and_load_keep_weights_generator_and_theta() {
    let device = Device::flex();
    device.seed(21);
    let model = ShiftNasConfig::small().init(&device).unwrap();
    let mut state = model.shift_state();
    assert_eq!(state, ShiftState::new(4), "θ starts at 0 with no losses seen");
    let shift = ProbabilityShift { rate: 0.3, momentum: 0.5 };
    for (bin, loss) in [(0, 2.0), (0, 1.0), (2, 3.0), (0, 0.5)] {
        shift.observe(&mut state, bin, loss);
    }
    model.set_shift_state(&state);
    let dir = std::env::temp_dir().join(format!("kiln-nas-shiftnas-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("shiftnas.bpk");
    model.clone().save_file(&path).unwrap();
    let fresh = ShiftNasConfig::small().init(&device).unwrap();
    assert_ne!(fresh.shift_state(), model.shift_state());
    // The loaded tensors may read the file lazily: the folder is removed at the end.
    let reloaded = fresh.load_file(&path);
    let (a, b) = (reloaded.shift_state(), model.shift_state());
    let close = |x: &[f64], y: &[f64]| x.iter().zip(y).all(|(p, q)| (p - q).abs() < 1e-6);
    assert!(close(&a.theta, &b.theta) && close(&a.delta, &b.delta), "{a:?} vs {b:?}");
    assert_eq!(a.last_loss, vec![Some(0.5), None, Some(3.0), None]);
    let images = Tensor::<4>::random([3, 1, 8, 8], Distribution::Normal(0.0, 1.0), &device);
    for k in 0..4 {
        assert_eq!(reloaded.generate(k).unwrap(), model.generate(k).unwrap());
        let arch = model.generator.sample(k, 1.0, Some(k as u64));
        let diff =
            max_abs_diff(reloaded.forward_relaxed(&arch, images.clone()), model.forward_relaxed(&arch, images.clone()));
        assert!(diff < 1e-6, "bin {k}: {diff}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A soft architecture (random probabilities per gene, every choice non-zero) on `device`.
fn soft_arch(cfg: &OfaConfig, seed: u64, device: &Device) -> RelaxedArch {
    let mut rng = kiln_core::seed::rng(seed, 2);
    let genes = SubnetConfig::gene_choices(cfg)
        .into_iter()
        .map(|n| {
            let weights: Vec<f32> = (0..n).map(|_| rng.random_range(0.1f32..1.0)).collect();
            let total: f32 = weights.iter().sum();
            let probabilities: Vec<f32> = weights.iter().map(|w| w / total).collect();
            Tensor::<1>::from_data(TensorData::new(probabilities, [n]), device)
        })
        .collect();
    RelaxedArch { genes }
}

kiln_core::test_device!(every_device_agrees_with_flex, |device| {
    let flex = Device::flex();
    flex.seed(18);
    let model = ShiftNasConfig::small().init(&flex).unwrap();
    let moved = model.clone().to_device(&device);
    let cfg = model.supernet.config.clone();
    let images = Tensor::<4>::random([3, 1, 8, 8], Distribution::Normal(0.0, 1.0), &flex);
    let images_d = Tensor::<4>::from_data(images.to_data(), &device);
    let bins: Vec<usize> = (0..model.bins.len()).collect();
    for (want, got) in model.generator.logits(&bins).into_iter().zip(moved.generator.logits(&bins)) {
        let diff = max_abs_diff(got.to_device(&flex), want);
        assert!(diff < 1e-4, "generator logits: {diff} from flex");
    }
    let mut archs: Vec<(RelaxedArch, RelaxedArch)> =
        (0..3).map(|seed| (soft_arch(&cfg, seed, &flex), soft_arch(&cfg, seed, &device))).collect();
    for subnet in [SubnetConfig::smallest(&cfg), SubnetConfig::largest(&cfg)] {
        archs.push((RelaxedArch::from_subnet(&cfg, &subnet, &flex), RelaxedArch::from_subnet(&cfg, &subnet, &device)));
    }
    for (on_flex, on_device) in &archs {
        let want = to_vec(model.tables.macs(on_flex))[0];
        let got = to_vec(moved.tables.macs(on_device))[0];
        assert!((got - want).abs() <= 1e-5 * want.abs(), "MACs {got} vs {want} on flex");
        let want = model.forward_relaxed(on_flex, images.clone());
        let got = moved.forward_relaxed(on_device, images_d.clone()).to_device(&flex);
        let diff = max_abs_diff(got, want);
        assert!(diff < 1e-4, "relaxed forward: {diff} from flex");
    }
});
