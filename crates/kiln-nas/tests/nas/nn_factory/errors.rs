//! Bad classes and budgets are typed errors naming the value; the cost model by hand.

use burn::prelude::Device;
use kiln_nas::nn_factory::{
    Assembler, FactoryConfig, FactoryError, Gates, Task, TaskSplit, fit_budget, full_macs, l1_pruned_assembly,
    random_assembly, smallest_macs, snap_to_density,
};

#[test]
fn bad_classes_are_typed_errors_naming_the_class() {
    assert!(matches!(Task::new(&[], 10), Err(FactoryError::EmptyTask)));
    let dup = Task::new(&[1, 4, 1], 10).unwrap_err();
    assert!(matches!(dup, FactoryError::DuplicateClass { class: 1 }), "{dup}");
    let out = Task::new(&[3, 12], 10).unwrap_err();
    assert!(matches!(out, FactoryError::ClassOutOfRange { class: 12, num_classes: 10 }), "{out}");
    assert!(out.to_string().contains("12"), "{out}");
    // A task valid for 20 classes is refused by a 10-class factory at customisation.
    let device = Device::flex();
    let factory = super::factory(0, &device);
    let wide = Task::new(&[2, 15], 20).unwrap();
    let err = Assembler::new(&factory).assemble(&wide, 1_000_000).unwrap_err();
    assert!(matches!(err, FactoryError::ClassOutOfRange { class: 15, .. }), "{err}");
}

#[test]
fn analytic_macs_by_hand() {
    let config = FactoryConfig::small();
    assert_eq!(config.output_sides(), vec![8, 4, 4, 2]);
    // One module (4 channels) per layer, 3-class head:
    // 8·8·4·1·9 + 4·4·4·4·9 + 4·4·4·4·9 + 2·2·4·4·9 + 4·3.
    assert_eq!(smallest_macs(&config, 3), 2304 + 2304 + 2304 + 576 + 12);
    // All 32 channels: 8·8·32·9 + 2 · 4·4·32·32·9 + 2·2·32·32·9 + 32·3.
    assert_eq!(full_macs(&config, 3), 18432 + 2 * 147_456 + 36_864 + 96);
}

#[test]
fn a_budget_below_the_smallest_assembly_is_a_typed_error() {
    let device = Device::flex();
    let factory = super::factory(0, &device);
    let config = &factory.config;
    let task = Task::new(&[1, 4, 7], 10).unwrap();
    let smallest = smallest_macs(config, 3);
    let err = Assembler::new(&factory).assemble(&task, smallest - 1).unwrap_err();
    assert!(
        matches!(err, FactoryError::BudgetTooSmall { macs, smallest: s } if macs == smallest - 1 && s == smallest),
        "{err}"
    );
    assert!(err.to_string().contains(&(smallest - 1).to_string()), "{err}");
    assert!(matches!(
        l1_pruned_assembly(&factory.supernet, config, &task, 10),
        Err(FactoryError::BudgetTooSmall { macs: 10, .. })
    ));
    assert!(matches!(random_assembly(config, &task, 0, 1), Err(FactoryError::BudgetTooSmall { macs: 0, .. })));
    // At exactly the smallest budget every layer keeps one module.
    let a = Assembler::new(&factory).assemble(&task, smallest).unwrap();
    assert_eq!(a.gates.counts(), vec![1; 4]);
    assert_eq!(a.cost.macs, smallest);
}

#[test]
fn assemblies_fit_their_budget() {
    let device = Device::flex();
    let factory = super::factory(3, &device);
    let config = &factory.config;
    let task = Task::new(&[0, 5], 10).unwrap();
    for fraction in [0.1, 0.25, 0.5, 0.9] {
        let budget = (full_macs(config, 2) as f64 * fraction) as u64;
        let ours = Assembler::new(&factory).assemble(&task, budget).unwrap();
        let pruned = l1_pruned_assembly(&factory.supernet, config, &task, budget).unwrap();
        let random = random_assembly(config, &task, budget, 7).unwrap();
        for a in [&ours, &pruned, &random] {
            assert!(a.cost.macs <= budget, "{} > {budget}", a.cost.macs);
            assert_eq!(a.cost, a.gates.cost(config, 2));
        }
        // Greedy pruning stops at the first assembly within the budget: one more module of
        // the smallest cost would not fit, so the pruned assembly is not far below.
        assert!(pruned.cost.macs as f64 >= 0.5 * budget as f64, "{fraction}: {}", pruned.cost.macs);
    }
}

#[test]
fn l1_pruning_removes_the_least_important_modules_first() {
    let config = FactoryConfig::small();
    let mut score = vec![vec![1.0f32; 8]; 4];
    score[1][3] = 0.0;
    score[2][6] = 0.1;
    let full = Gates::full(&config);
    // Just below the full cost: exactly one module goes, the least important one.
    let budget = full.cost(&config, 2).macs - 1;
    let one = fit_budget(full.clone(), &score, &config, 2, budget).unwrap();
    assert!(!one.active[1][3]);
    assert_eq!(one.counts(), vec![8, 7, 8, 8]);
    let two = fit_budget(full, &score, &config, 2, one.cost(&config, 2).macs - 1).unwrap();
    assert!(!two.active[1][3] && !two.active[2][6]);
}

#[test]
fn snapping_reaches_the_target_density_until_no_single_switch_helps() {
    let config = FactoryConfig::small();
    let full = full_macs(&config, 3) as f64;
    let density = |g: &Gates| g.cost(&config, 3).macs as f64 / full;
    // Distinct scores: module m of layer l scores (7 − m) + l / 10.
    let score: Vec<Vec<f32>> = (0..4).map(|l| (0..8).map(|m| (7 - m) as f32 + l as f32 / 10.0).collect()).collect();
    let one_each = Gates { active: (0..4).map(|_| (0..8).map(|m| m == 0).collect()).collect() };
    for (start, target) in
        [(one_each.clone(), 0.5), (one_each, 0.25), (Gates::full(&config), 0.3), (Gates::full(&config), 0.75)]
    {
        let snapped = snap_to_density(start, &score, &config, 3, target);
        snapped.check(&config).unwrap();
        let error = density(&snapped) - target;
        assert!(error.abs() <= 0.05, "target {target}: density {}", density(&snapped));
        // Stopping rule, by brute force: no single switch in the right direction gets closer.
        for l in 0..4 {
            for m in 0..8 {
                let mut next = snapped.clone();
                next.active[l][m] = !next.active[l][m];
                if next.check(&config).is_ok() && (error < 0.0) == next.active[l][m] {
                    assert!((density(&next) - target).abs() >= error.abs(), "switching {l},{m} helps at {target}");
                }
            }
        }
    }
    // Already at the target: nothing moves; at 1.0 everything is switched on.
    let full_gates = Gates::full(&config);
    assert_eq!(snap_to_density(full_gates.clone(), &score, &config, 3, 1.0), full_gates);
    let one_each = Gates { active: (0..4).map(|_| (0..8).map(|m| m == 0).collect()).collect() };
    assert_eq!(snap_to_density(one_each, &score, &config, 3, 1.0), full_gates);
}

#[test]
fn held_out_tasks_are_distinct_and_never_sampled_for_training() {
    let config = FactoryConfig::small();
    let split = TaskSplit::new(&config);
    assert_eq!(split.held_out.len(), 20);
    for t in &split.held_out {
        assert!((2..=5).contains(&t.len()), "{t:?}");
        assert!(split.is_held_out(t));
    }
    let mut rng = kiln_core::seed::rng(5, 0);
    for i in 0..2000 {
        let class = i % 10;
        let t = split.training_task_with(class, &mut rng).unwrap();
        assert!(t.local(class).is_some() && !split.is_held_out(&t), "{t:?}");
        assert!((2..=5).contains(&t.len()));
    }
}
