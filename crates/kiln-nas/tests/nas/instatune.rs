//! InstaTune on the OFA supernet: the class split, the sandwich step and its loss, the
//! detached teacher, learning against the static baseline, the search, bad settings.

use std::time::Instant;

use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::Distribution;
use kiln_core::nn::{cross_entropy, distillation_loss};
use kiln_core::tensor::to_vec;
use kiln_core::train::{BatchSource, Trainer};
use kiln_data::digits;
use kiln_nas::instatune::{
    ClassSplit, InstaTuneConfig, InstaTuneError, InstaTuneModel, InstaTuneStage, SandwichRule, instatune_data,
    search_front, standalone_accuracy, task_examples, training_passes,
};
use kiln_nas::ofa::{OfaConfig, SubnetConfig, SubnetObjective, subnet_accuracy, subnet_macs};
use kiln_nas::search::{LinasConfig, Nsga2Config};

#[test]
fn tasks_hold_only_their_classes_relabelled_by_position() {
    let all = digits().unwrap();
    let split = ClassSplit::digits();
    let pretrain = task_examples(&all, &split.pretrain);
    let finetune = task_examples(&all, &split.finetune);
    let originals = |keep: &dyn Fn(usize) -> bool| all.iter().filter(|e| keep(e.label)).collect::<Vec<_>>();
    let (low, high) = (originals(&|l| l < 5), originals(&|l| l >= 5));
    assert_eq!(pretrain.len(), low.len());
    assert_eq!(finetune.len(), high.len());
    assert_eq!(pretrain.len() + finetune.len(), all.len());
    // Same images in the same order; labels 0–4 kept, 5–9 become 0–4.
    for (task, orig) in pretrain.iter().zip(&low) {
        assert_eq!((&task.image, task.label), (&orig.image, orig.label));
    }
    for (task, orig) in finetune.iter().zip(&high) {
        assert_eq!((&task.image, task.label), (&orig.image, orig.label - 5));
    }
    // A permuted class list relabels by position.
    let swapped = task_examples(&all, &[9, 5]);
    assert!(swapped.iter().all(|e| e.label < 2));
    assert_eq!(swapped.iter().filter(|e| e.label == 0).count(), all.iter().filter(|e| e.label == 9).count());

    // The loaders: every batch of every split has task labels 0..5 only, and the two tasks
    // together hold the whole 70/10/20 split.
    let data = instatune_data(&split, 64, 3).unwrap();
    let device = Device::flex();
    let mut total = 0;
    for task in [&data.pretrain, &data.finetune] {
        for source in [&task.train as &dyn BatchSource<_>, &task.valid, &task.test] {
            for i in 0..source.num_batches() {
                let labels = to_vec(source.batch(0, i, &device).unwrap().targets.float());
                assert!(labels.iter().all(|&l| [0.0, 1.0, 2.0, 3.0, 4.0].contains(&l)), "{labels:?}");
                total += labels.len();
            }
        }
    }
    assert_eq!(total, all.len());

    let overlapping = ClassSplit { pretrain: vec![0, 1, 2], finetune: vec![2, 3] };
    assert!(matches!(overlapping.validate(), Err(InstaTuneError::OverlappingClasses { class: 2 })));
    assert!(matches!(instatune_data(&overlapping, 64, 3), Err(InstaTuneError::OverlappingClasses { class: 2 })));
    let absent = ClassSplit { pretrain: vec![0], finetune: vec![11] };
    assert!(matches!(
        instatune_data(&absent, 64, 3),
        Err(InstaTuneError::EmptyTask { task: "finetune", split: "train" })
    ));
}

#[test]
fn the_sandwich_draws_largest_smallest_and_seeded_random_subnets() {
    let cfg = OfaConfig::digits();
    let rule = SandwichRule::default();
    let mut random = std::collections::HashSet::new();
    for seed in 0..50u64 {
        let subnets = rule.subnets(&cfg, seed);
        assert_eq!(subnets.len(), 4);
        assert_eq!(subnets[0], SubnetConfig::largest(&cfg));
        assert_eq!(subnets[1], SubnetConfig::smallest(&cfg));
        assert_eq!(subnets, rule.subnets(&cfg, seed), "deterministic per seed");
        random.extend(subnets[2..].iter().cloned());
    }
    // The random subnets vary: over 50 steps nearly all 100 are distinct (the space has
    // about 10⁸ subnets) and both resolutions occur.
    assert!(random.len() >= 95, "{} distinct random subnets", random.len());
    assert!(cfg.resolutions.iter().all(|r| random.iter().any(|s| s.resolution == *r)));
    let three = SandwichRule { random_subnets: 3, ..rule };
    assert_eq!(three.subnets(&cfg, 1).len(), 5);
    assert_eq!(three.subnets_per_step(), 5);
}

/// `−(1/n) Σ_i Σ_c softmax(teacher_i)_c log softmax(student_i)_c`, on the host.
fn hand_kd(student: &[f32], teacher: &[f32], classes: usize) -> f64 {
    let n = student.len() / classes;
    let mut total = 0.0;
    for i in 0..n {
        let (s, t) = (&student[i * classes..(i + 1) * classes], &teacher[i * classes..(i + 1) * classes]);
        let lse = |r: &[f32]| r.iter().map(|&v| (v as f64).exp()).sum::<f64>().ln();
        let (ls, lt) = (lse(s), lse(t));
        total -= s.iter().zip(t).map(|(&sv, &tv)| (tv as f64 - lt).exp() * (sv as f64 - ls)).sum::<f64>();
    }
    total / n as f64
}

#[test]
fn the_sandwich_loss_is_the_hand_sum_of_its_four_terms() {
    let device = Device::flex();
    device.seed(5);
    let cfg = OfaConfig { num_classes: 5, ..OfaConfig::digits() };
    let model = InstaTuneModel::new(cfg.init(&device));
    let images = Tensor::<4>::random([6, 1, 8, 8], Distribution::Normal(0.0, 1.0), &device);
    let labels = [0i64, 3, 4, 3, 1, 2];
    let targets = Tensor::<1, Int>::from_data(TensorData::from(labels), &device);
    let rule = SandwichRule { random_subnets: 2, student_ce_weight: 0.5, kd_weight: 2.0 };
    for seed in [17u64, 18] {
        let loss = model.sandwich_loss(images.clone(), targets.clone(), &rule, seed);
        assert_eq!(loss.subnets, rule.subnets(&cfg, seed));
        let logits: Vec<Vec<f32>> =
            loss.subnets.iter().map(|s| to_vec(model.supernet.forward_subnet(s, images.clone()))).collect();
        assert_eq!(to_vec(loss.largest_logits.clone()), logits[0]);
        let expected = crate::hand::cross_entropy(&logits[0], &labels, 5)
            + logits[1..]
                .iter()
                .map(|l| 0.5 * crate::hand::cross_entropy(l, &labels, 5) + 2.0 * hand_kd(l, &logits[0], 5))
                .sum::<f64>();
        let got = f64::from(to_vec(loss.total)[0]);
        assert!((got - expected).abs() < 1e-6 * expected.max(1.0), "{got} vs {expected}");
    }
}

#[test]
fn the_teacher_logits_are_detached() {
    let device = Device::flex();
    device.seed(8);
    let ad = device.clone().autodiff();
    let cfg = OfaConfig { num_classes: 5, ..OfaConfig::digits() };
    let model = InstaTuneModel::new(cfg.init(&ad));
    let images = Tensor::<4>::random([5, 1, 8, 8], Distribution::Normal(0.0, 1.0), &ad);
    let targets = Tensor::<1, Int>::from_data(TensorData::from([4i64, 0, 2, 1, 3]), &ad);
    let rule = SandwichRule::default();
    let seed = 3;
    let grads_of = |loss: Tensor<1>| {
        let grads = loss.backward();
        let head = to_vec(model.supernet.head.weight.val().grad(&grads).unwrap());
        let stem = to_vec(model.supernet.stem.weight.val().grad(&grads).unwrap());
        [head, stem].concat()
    };
    let ours = grads_of(model.sandwich_loss(images.clone(), targets.clone(), &rule, seed).total);
    // By hand: the teacher's soft targets as a constant tensor (no graph at all), and the
    // same composition with the teacher left attached (gradient through it twice).
    let subnets = rule.subnets(&cfg, seed);
    let compose = |detached: bool| {
        let largest = model.supernet.forward_subnet(&subnets[0], images.clone());
        let teacher = if detached { Tensor::<2>::from_data(largest.clone().into_data(), &ad) } else { largest.clone() };
        let mut total = cross_entropy(largest, targets.clone());
        for s in &subnets[1..] {
            let logits = model.supernet.forward_subnet(s, images.clone());
            total = total
                + cross_entropy(logits.clone(), targets.clone())
                + distillation_loss(logits, teacher.clone(), 1.0);
        }
        total
    };
    let hand = grads_of(compose(true));
    let attached = grads_of(compose(false));
    let diff = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
    assert!(diff(&ours, &hand) < 1e-6, "detached teacher: {}", diff(&ours, &hand));
    assert!(diff(&ours, &attached) > 1e-4, "an attached teacher changes the gradient: {}", diff(&ours, &attached));
}

#[test]
fn configs_validate_with_typed_errors_and_typed_phases() {
    assert!(InstaTuneConfig::new().validate().is_ok());
    assert!(InstaTuneConfig::small().validate().is_ok());
    let small = InstaTuneConfig::small;
    let bad = |c: InstaTuneConfig| c.validate().unwrap_err();
    let classes = |pretrain: Vec<usize>, finetune: Vec<usize>| InstaTuneConfig {
        classes: ClassSplit { pretrain, finetune },
        ..small()
    };
    assert!(matches!(bad(classes(vec![], vec![5])), InstaTuneError::EmptyClasses { task: "pretrain" }));
    assert!(matches!(bad(classes(vec![0], vec![])), InstaTuneError::EmptyClasses { task: "finetune" }));
    assert!(matches!(
        bad(classes(vec![0, 1, 0], vec![5])),
        InstaTuneError::DuplicateClass { task: "pretrain", class: 0 }
    ));
    assert!(matches!(bad(classes(vec![0, 1], vec![5, 1])), InstaTuneError::OverlappingClasses { class: 1 }));
    let reused = InstaTuneConfig { new_head: false, ..classes(vec![0, 1], vec![5, 6, 7]) };
    assert!(matches!(bad(reused), InstaTuneError::HeadSize { pretrain: 2, finetune: 3 }));
    assert!(InstaTuneConfig { new_head: false, ..small() }.validate().is_ok());
    assert!(matches!(
        bad(InstaTuneConfig { pretrain_epochs: 0, ..small() }),
        InstaTuneError::ZeroEpochs { stage: "pretrain" }
    ));
    assert!(matches!(
        bad(InstaTuneConfig { finetune_epochs: 0, ..small() }),
        InstaTuneError::ZeroEpochs { stage: "finetune" }
    ));
    assert!(matches!(bad(InstaTuneConfig { finetune_lr: -1.0, ..small() }), InstaTuneError::LearningRate(_)));
    assert!(matches!(bad(InstaTuneConfig { pretrain_lr: f64::NAN, ..small() }), InstaTuneError::LearningRate(_)));
    let weights = |student_ce_weight, kd_weight| InstaTuneConfig {
        sandwich: SandwichRule { random_subnets: 2, student_ce_weight, kd_weight },
        ..small()
    };
    assert!(matches!(bad(weights(-0.1, 1.0)), InstaTuneError::LossWeight { name: "student_ce_weight", .. }));
    assert!(matches!(bad(weights(1.0, f64::INFINITY)), InstaTuneError::LossWeight { name: "kd_weight", .. }));
    assert!(matches!(bad(InstaTuneConfig { batch_size: 0, ..small() }), InstaTuneError::ZeroBatchSize));
    assert!(InstaTuneConfig { finetune_epochs: 0, ..small() }.finetune_phases().is_err());

    let config = small();
    let stages = |phases: Vec<kiln_core::train::Phase<InstaTuneModel>>| {
        phases.into_iter().map(|p| (p.epochs(), p.stage)).collect::<Vec<_>>()
    };
    assert_eq!(stages(config.pretrain_phases().unwrap()), vec![(4, InstaTuneStage::Pretrain)]);
    assert_eq!(
        stages(config.finetune_phases().unwrap()),
        vec![(3, InstaTuneStage::ElasticFinetune(SandwichRule::default()))]
    );
    assert_eq!(stages(config.static_finetune_phases().unwrap()), vec![(3, InstaTuneStage::StaticFinetune)]);
    assert_eq!(
        stages(config.elastic_pretrain_phases().unwrap()),
        vec![(4, InstaTuneStage::ElasticFinetune(SandwichRule::default()))]
    );
    assert!(InstaTuneConfig { pretrain_epochs: 0, ..small() }.elastic_pretrain_phases().is_err());
    assert_eq!(config.ofa_config(&OfaConfig::digits()).num_classes, 5);
    assert_eq!(training_passes(3, 10, 4), 120);
}

#[test]
fn instatune_trains_its_subnets_for_the_new_task_and_searches_them() {
    let start = Instant::now();
    let device = Device::flex();
    device.seed(4);
    // Shorter than `small()` (4 + 3 epochs) to keep the test fast on 2 shared cores.
    let config = InstaTuneConfig { pretrain_epochs: 1, finetune_epochs: 1, ..InstaTuneConfig::small() };
    let data = instatune_data(&config.classes, config.batch_size, 4).unwrap();
    let trainer = Trainer::new(device.clone()).with_seed(4);
    let base = OfaConfig::digits();
    let (pretrained, pretrain_passes) = config.pretrain(&base, &data, &device, &trainer).unwrap();
    let pretrained_at = start.elapsed().as_secs_f64();
    let (elastic, elastic_passes) = config.elastic_finetune(&pretrained, &data, &device, &trainer).unwrap();
    let elastic_at = start.elapsed().as_secs_f64();
    let (fixed, static_passes) = config.static_finetune(&pretrained, &data, &device, &trainer).unwrap();
    let cfg = &elastic.config;
    let (largest, smallest) = (SubnetConfig::largest(cfg), SubnetConfig::smallest(cfg));
    let (standalone, standalone_passes) =
        config.standalone_finetune(&pretrained, &smallest, &data, &device, &trainer).unwrap();
    let trained = start.elapsed().as_secs_f64();
    let accuracy =
        |net, subnet| subnet_accuracy(net, subnet, &data.finetune.train, &data.finetune.test, &device).unwrap();
    let pretrain_largest =
        subnet_accuracy(&pretrained, &largest, &data.pretrain.train, &data.pretrain.test, &device).unwrap();
    let (elastic_largest, elastic_smallest) = (accuracy(&elastic, &largest), accuracy(&elastic, &smallest));
    let (static_largest, static_smallest) = (accuracy(&fixed, &largest), accuracy(&fixed, &smallest));
    let standalone_smallest = standalone_accuracy(&standalone, &data.finetune.test, &device).unwrap();
    eprintln!(
        "instatune: pretrain largest {pretrain_largest:.3} (0-4); on 5-9: elastic largest {elastic_largest:.3}, \
         smallest {elastic_smallest:.3}; static largest {static_largest:.3}, sliced smallest {static_smallest:.3}; \
         standalone smallest {standalone_smallest:.3}; passes pretrain {pretrain_passes}, elastic {elastic_passes}, \
         static {static_passes}, standalone {standalone_passes}; trained in {trained:.1} s (pretrained at {pretrained_at:.1}, elastic at {elastic_at:.1})"
    );
    // Measured (seed 4, the 7 InstaTune tests together, 2 cores shared with other builds at
    // load ≈ 6): pretraining 1.000 on 0–4; on 5–9 elastic largest 0.913 and smallest 0.803,
    // static largest 0.956 but its sliced smallest 0.251 (near chance, 0.2: a subnet the
    // static run never trained), standalone smallest 0.175 after its one epoch from sliced
    // weights under a new head (0.945 after 3 epochs); trained in 35.0 s, 45.5 s with the
    // search. With 2 pretraining epochs: 0.940, 0.874, 0.967, 0.262; with `small()` (4 + 3
    // epochs): 0.967, 0.934, 0.984, 0.257. The margins allow for other tests sharing the
    // device's generator.
    assert!(pretrain_largest >= 0.85, "pretrained full network on 0–4: {pretrain_largest}");
    assert!(elastic_largest >= 0.75, "InstaTune largest subnet: {elastic_largest}");
    assert!(elastic_smallest >= 0.6, "InstaTune smallest subnet: {elastic_smallest}");
    assert!(static_largest >= 0.75, "static fine-tune: {static_largest}");
    assert!(
        elastic_smallest >= static_smallest + 0.25,
        "InstaTune's smallest subnet {elastic_smallest} vs sliced from the static fine-tune {static_smallest}"
    );
    let steps = data.finetune.train.num_batches() * config.finetune_epochs;
    assert_eq!((elastic_passes, static_passes, standalone_passes), (4 * steps, steps, steps));
    assert_eq!(pretrain_passes, data.pretrain.train.num_batches() * config.pretrain_epochs);

    // The elastic-pretraining baseline: 4 passes per pretraining step, and its smallest subnet
    // is trained on 0–4 where the statically pretrained network's slice is not (measured, seed
    // 4: 0.949 against 0.159).
    let (pre_elastic, pre_elastic_passes) = config.elastic_pretrain(&base, &data, &device, &trainer).unwrap();
    assert_eq!(pre_elastic_passes, 4 * pretrain_passes);
    let on_first =
        |net, subnet| subnet_accuracy(net, subnet, &data.pretrain.train, &data.pretrain.test, &device).unwrap();
    let (elastic_first, sliced_first) = (on_first(&pre_elastic, &smallest), on_first(&pretrained, &smallest));
    eprintln!(
        "elastic pretraining: smallest on 0-4 {elastic_first:.3} vs sliced from static pretraining {sliced_first:.3}"
    );
    assert!(elastic_first >= sliced_first + 0.2, "{elastic_first} vs {sliced_first}");

    // The search of the fine-tuned supernet: a small LINAS budget on accuracy and MACs.
    let objectives = [SubnetObjective::Accuracy, SubnetObjective::Macs];
    let settings = LinasConfig {
        initial: 3,
        budget: 4,
        validate_per_iteration: 1,
        inner: Nsga2Config { population: 12, generations: 10, ..Nsga2Config::default() },
        ..LinasConfig::default()
    };
    let (trace, front) = search_front(&elastic, &data.finetune, &device, &objectives, &settings).unwrap();
    assert_eq!(trace.len(), 4);
    assert!(!front.is_empty());
    for member in &front {
        assert_eq!(member.values[1], subnet_macs(cfg, &member.subnet) as f64);
        assert!((0.0..=1.0).contains(&member.values[0]));
        // Nothing in the front is dominated by any evaluation of the trace.
        assert!(!trace.evaluations.iter().any(|(_, v)| v[0] >= member.values[0]
            && v[1] <= member.values[1]
            && (v[0] > member.values[0] || v[1] < member.values[1])));
    }
    eprintln!("instatune: front of {} subnets, {:.1} s in all", front.len(), start.elapsed().as_secs_f64());
}

#[test]
fn fine_tuning_starts_from_the_pretrained_weights_with_a_new_or_reused_head() {
    let device = Device::flex();
    device.seed(9);
    let config = InstaTuneConfig {
        classes: ClassSplit { pretrain: (0..5).collect(), finetune: vec![7, 8, 9] },
        ..InstaTuneConfig::small()
    };
    let pretrained = config.ofa_config(&OfaConfig::digits()).init(&device);
    let images = Tensor::<4>::random([3, 1, 8, 8], Distribution::Normal(0.0, 1.0), &device);
    let start = config.finetune_start(&pretrained, &device);
    // A new 3-way head on the same 32 pooled features; the backbone is the pretrained one.
    assert_eq!(start.head.weight.dims(), [32, 3]);
    assert_eq!(start.config.num_classes, 3);
    assert_eq!(to_vec(start.stem.weight.val()), to_vec(pretrained.stem.weight.val()));
    let block = |net: &kiln_nas::ofa::OfaSupernet| to_vec(net.units[1][2].project.weight.val());
    assert_eq!(block(&start), block(&pretrained));
    assert_eq!(start.forward_subnet(&SubnetConfig::largest(&start.config), images.clone()).dims(), [3, 3]);
    // Re-using the head keeps the network as it is (same classes count required).
    let reused = InstaTuneConfig { new_head: false, ..InstaTuneConfig::small() };
    let kept = reused.finetune_start(&pretrained, &device);
    let largest = SubnetConfig::largest(&pretrained.config);
    assert_eq!(
        to_vec(kept.forward_subnet(&largest, images.clone())),
        to_vec(pretrained.forward_subnet(&largest, images))
    );
}
