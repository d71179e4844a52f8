//! A short run of both stages on the embedded digits: an ancestry, three distilled auxiliary
//! models, the pool assembled from them and fine-tuned one random descendant per step.

use burn::prelude::Device;
use kiln_core::train::{Phase, TrainPhase, Trainer};
use kiln_nas::learngene::{DistillConfig, FinetuneConfig, LearngenePool, LearngenePoolConfig};

use crate::snnet::digit_loaders;

#[test]
fn distillation_and_finetuning_learn_the_digits() {
    let device = Device::flex();
    device.seed(7);
    let (train, test) = digit_loaders(7, 64);
    let trainer = Trainer::new(device.clone()).with_seed(7);
    let accuracy = |net: &kiln_nas::learngene::DescendantNet| trainer.evaluate(net, &test).unwrap().accuracy().unwrap();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;

    // The ancestry: the 6-block ViT trained with cross-entropy.
    let mut cfg = LearngenePoolConfig::digits();
    let (ancestry, _) = trainer
        .fit(cfg.ancestry.init(&device), &[Phase::train("ancestry", TrainPhase::new(4, 3e-3))], &train, None)
        .unwrap();
    let ancestry_acc = trainer.evaluate(&ancestry, &test).unwrap().accuracy().unwrap();

    // Stage 1: distil each auxiliary (short and at a higher rate than the paper's 5e-4).
    cfg.distill = DistillConfig { epochs: 3, lr: 3e-3, ..DistillConfig::new() };
    let mut auxiliaries = Vec::new();
    for i in 0..cfg.auxiliaries.len() {
        let distillation = cfg.distillation(ancestry.clone(), i, &device).unwrap();
        let (distilled, report) = trainer.fit(distillation, &cfg.distill.phases(), &train, None).unwrap();
        let loss = |e: usize| report.records[e].train["loss"];
        let (first, last) = (loss(0), loss(report.records.len() - 1));
        eprintln!(
            "auxiliary {i}: distillation loss {first:.3} → {last:.3}, terms {:?}",
            report.records.last().unwrap().train
        );
        assert!(last < 0.8 * first, "auxiliary {i}: loss {first} → {last}");
        auxiliaries.push(distilled.auxiliary);
    }

    // The pool: instances from the students, stitches from their maps.
    let pool = LearngenePool::from_auxiliaries(&cfg, auxiliaries).unwrap();
    let before: Vec<f64> = pool.descendants().iter().map(|d| accuracy(&pool.build(d).unwrap())).collect();
    // The same instances with randomly initialised stitch layers, for comparison.
    let random = LearngenePool { stitches: cfg.init(&device).unwrap().stitches, ..pool.clone() };
    let random_init: Vec<f64> = random.descendants().iter().map(|d| accuracy(&random.build(d).unwrap())).collect();

    // Stage 2: fine-tune one random descendant per step.
    cfg.finetune = FinetuneConfig { epochs: 10, lr: 5e-4, ..FinetuneConfig::new() };
    let (pool, _) = trainer.fit(pool, &cfg.finetune.phases(), &train, None).unwrap();
    let after: Vec<f64> = pool.descendants().iter().map(|d| accuracy(&pool.build(d).unwrap())).collect();
    eprintln!("ancestry {ancestry_acc:.3}; instances before {:.3?} after {:.3?}", &before[..3], &after[..3]);
    eprintln!("stitched mean before: maps {:.3}, random {:.3}", mean(&before[3..]), mean(&random_init[3..]));
    eprintln!(
        "descendants mean before {:.3} after {:.3}; min after {:.3}",
        mean(&before),
        mean(&after),
        after.iter().cloned().fold(1.0, f64::min)
    );
    for (d, acc) in pool.descendants().iter().zip(&after) {
        eprintln!("{d:?} {acc:.3} ({} params)", pool.cost(d).unwrap().params);
    }
    // The distilled instances beat chance (0.1); the narrowest by less.
    assert!(before[0] > 0.5 && before[1..3].iter().all(|&a| a > 0.7), "{before:?}");
    // Fine-tuning one random descendant per step teaches the stitched descendants without
    // losing the instances.
    let (stitched_before, stitched_after) = (mean(&before[3..]), mean(&after[3..]));
    assert!(stitched_after > 0.35 && stitched_after > stitched_before + 0.2, "{stitched_before} → {stitched_after}");
    assert!(after[..3].iter().all(|&a| a > 0.4), "{after:?}");
}
