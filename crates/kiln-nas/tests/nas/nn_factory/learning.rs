//! A short factory run on the embedded digits: the assembler meets the target density on
//! held-out tasks, customised networks classify the held-out tasks' test images, and the
//! L1-pruning baseline fine-tunes on the engine.

use burn::prelude::Device;
use kiln_core::train::{BatchSource, Trainer};
use kiln_data::{DataLoader, ImageBatcher, Normalize, digits};
use kiln_nas::nn_factory::{
    Assembler, Assembly, FactoryConfig, FactorySchedule, Gates, NnFactory, TaskSplit, fine_tune_phases, full_macs,
    gates::cost_of_counts, l1_pruned_assembly, task_examples, task_rows,
};
use kiln_nas::ofa::nas_data;

/// Density `MACs / MACs(full)` of the assembler's own thresholded gates (no snapping, no
/// budget cut).
fn raw_density(assembler: &Assembler<'_>, factory: &NnFactory, task: &kiln_nas::nn_factory::Task, s: f32) -> f64 {
    let z = assembler.logits(task, s).unwrap();
    let gates = Gates { active: z.iter().map(|l| l.iter().map(|&v| v > 0.0).collect()).collect() };
    // A layer without a positive logit keeps its largest (as in training).
    let counts: Vec<usize> = gates.counts().into_iter().map(|c| c.max(1)).collect();
    cost_of_counts(&factory.config, &counts, task.len()).macs as f64 / full_macs(&factory.config, task.len()) as f64
}

/// Density of the assembler's gates snapped to the target ([`Assembler::gates`]).
fn density(assembler: &Assembler<'_>, factory: &NnFactory, task: &kiln_nas::nn_factory::Task, s: f32) -> f64 {
    let gates = assembler.gates(task, s).unwrap();
    gates.cost(&factory.config, task.len()).macs as f64 / full_macs(&factory.config, task.len()) as f64
}

#[test]
fn assembler_meets_density_on_held_out_tasks_and_customised_nets_classify() {
    let device = Device::flex();
    device.seed(3);
    let data = nas_data(3).unwrap();
    let schedule = FactorySchedule { pretrain_epochs: 4, pretrain_lr: 3e-3, assemble_epochs: 16, assemble_lr: 1e-2 };
    let start = std::time::Instant::now();
    let (factory, report) = Trainer::new(device.clone())
        .with_seed(3)
        .with_progress(false)
        .fit(FactoryConfig::small().init(&device).unwrap(), &schedule.phases(), &data.train, None)
        .unwrap();
    eprintln!("factory trained in {:.1}s", start.elapsed().as_secs_f64());
    assert!(report.completed);

    let split = TaskSplit::new(&factory.config);
    let assembler = Assembler::new(&factory).with_validation(data.valid.batch(0, 0, &device).unwrap());
    // The same measure for an untrained assembler (its gates ignore the target).
    let fresh = FactoryConfig::small().init(&device).unwrap();
    let untrained = Assembler::new(&fresh);
    let (mut all, mut before) = (Vec::new(), Vec::new());
    for target in [0.25f32, 0.5] {
        let error = |a: &Assembler<'_>, f: &NnFactory| -> Vec<f64> {
            split.held_out.iter().map(|t| raw_density(a, f, t, target) - f64::from(target)).collect()
        };
        let errors = error(&assembler, &factory);
        before.extend(error(&untrained, &fresh).into_iter().map(f64::abs));
        let bias = errors.iter().sum::<f64>() / errors.len() as f64;
        let mean_abs = errors.iter().map(|e| e.abs()).sum::<f64>() / errors.len() as f64;
        let max_abs = errors.iter().map(|e| e.abs()).fold(0.0, f64::max);
        eprintln!("target {target}: bias {bias:.3}, mean |error| {mean_abs:.3}, max {max_abs:.3}");
        assert!(bias.abs() <= 0.08, "target {target}: bias {bias}");
        all.extend(errors.into_iter().map(f64::abs));
        // Snapped to the target (what customisation starts from): every held-out task within
        // the 0.05.
        for task in &split.held_out {
            let snapped = density(&assembler, &factory, task, target) - f64::from(target);
            assert!(
                snapped.abs() <= 0.05,
                "target {target}, task {:?}: snapped density off by {snapped}",
                task.classes()
            );
        }
    }
    // The raw thresholded gates show that the assembler learned the target. Measured over
    // runs (the initialisation depends on the tests running beside this one, which reseed the
    // shared flex device): mean |error| 0.026–0.049 at 0.25, 0.049–0.065 at 0.5, 0.043–0.046
    // over both; bias up to −0.065 at 0.5; the largest single error ~0.13 (one middle-layer
    // module is ~0.05–0.08 of the density, so hard gates move in coarse steps), hence 0.07
    // here and the snapping above for the 0.05 per task.
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    eprintln!("mean |density − target|: {:.3} trained, {:.3} untrained", mean(&all), mean(&before));
    assert!(mean(&all) <= 0.07, "mean |density − target| on held-out tasks {}", mean(&all));
    assert!(mean(&all) < 0.5 * mean(&before), "{} vs untrained {}", mean(&all), mean(&before));

    // Customised networks at half the MACs on the held-out tasks' test images.
    let test = data.test.batch(0, 0, &device).unwrap();
    let (mut ours, mut pruned) = (Vec::new(), Vec::new());
    for task in &split.held_out {
        let budget = full_macs(&factory.config, task.len()) / 2;
        let t = std::time::Instant::now();
        let assembly = assembler.assemble(task, budget).unwrap();
        let elapsed = t.elapsed();
        assert!(assembly.cost.macs <= budget);
        let Some((images, local)) = task_rows(&test, task).unwrap() else { continue };
        let accuracy = |a: &Assembly| {
            let (net, _) = assembler.extract(a).unwrap();
            let predicted = net.forward(images.clone()).argmax(1).reshape([local.dims()[0]]);
            kiln_core::tensor::to_vec(predicted.equal(local.clone()).float().mean())[0]
        };
        ours.push(accuracy(&assembly));
        pruned.push(accuracy(&l1_pruned_assembly(&factory.supernet, &factory.config, task, budget).unwrap()));
        if ours.len() == 1 {
            eprintln!("one customisation (K = 16 candidates) took {elapsed:?}");
        }
    }
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    eprintln!(
        "held-out accuracy at 0.5 density: ours {:.3}, L1-pruned before fine-tuning {:.3}",
        mean(&ours),
        mean(&pruned)
    );
    // Measured 0.84 (ours) and 0.72 (pruned, before fine-tuning).
    assert!(mean(&ours) >= 0.75, "customised accuracy {}", mean(&ours));

    // The baseline: L1 pruning to a quarter of the MACs, then fine-tuning on the task's images.
    let task = &split.held_out[0];
    let s = kiln_data::split(digits().unwrap(), 0.1, 0.2, 3);
    let batcher = ImageBatcher::new(Normalize::fit(&s.train));
    let train = DataLoader::new(task_examples(&s.train, task), batcher.clone(), 32).shuffled(3);
    let test = DataLoader::new(task_examples(&s.test, task), batcher, 256);
    let budget = full_macs(&factory.config, task.len()) / 4;
    let assembly = l1_pruned_assembly(&factory.supernet, &factory.config, task, budget).unwrap();
    let (net, _) = assembler.extract(&assembly).unwrap();
    let trainer = Trainer::new(device.clone()).with_seed(3).with_progress(false);
    let before = trainer.evaluate(&net, &test).unwrap().accuracy().unwrap();
    let (tuned, _) = trainer.fit(net, &fine_tune_phases(3, 3e-3), &train, None).unwrap();
    let after = trainer.evaluate(&tuned, &test).unwrap().accuracy().unwrap();
    eprintln!("L1-pruned at 0.25 on {:?}: {before:.3} before, {after:.3} after fine-tuning", task.classes());
    assert!(after >= 0.7 && after > before, "{before} → {after}");
}
