//! The ensemble learns the generated actions: every subnet and the fusion far above chance,
//! and the fusion not below its best subnet by more than a small tolerance.

use burn::prelude::Device;
use kiln_seq::ensemble::{EnsembleConfig, EnsembleRun, SkeletonSource, evaluate_ensemble, train_ensemble};
use kiln_seq::synth::skeleton::{SkeletonConfig, generate};

#[test]
fn ensemble_learns_generated_actions() {
    kiln_testkit::in_own_process("ensemble::learning::ensemble_learns_generated_actions", learns_alone);
}

fn learns_alone() {
    let device = Device::flex();
    let data = SkeletonConfig::default();
    let train = SkeletonSource::from_set(&generate(160, &data, 11).unwrap(), 32).unwrap();
    let test = SkeletonSource::from_set(&generate(80, &data, 12).unwrap(), 40).unwrap();
    let config = EnsembleConfig::small(20, 8);
    let (ensemble, reports) = train_ensemble(&config, &train, None, &EnsembleRun::new(device.clone(), 3)).unwrap();
    assert!(reports.iter().all(|r| r.completed && r.epochs() == config.train.epochs));
    let eval = evaluate_ensemble(&ensemble, &test, &device).unwrap();
    eprintln!("{eval:?}");
    assert_eq!(eval.samples, 80);
    // Chance is 1/8.
    for (k, acc) in eval.subnet_accuracy.iter().enumerate() {
        assert!(*acc >= 0.5, "subnet {k}: accuracy {acc}");
    }
    let (_, best) = eval.best_subnet();
    assert!(eval.fusion_accuracy >= 0.6, "fusion accuracy {}", eval.fusion_accuracy);
    assert!(eval.fusion_accuracy >= best - 0.05, "fusion {} vs best subnet {best}", eval.fusion_accuracy);
    // The oracle (some subnet right) bounds every subnet; leaving one subnet out still fuses well.
    assert!(eval.oracle_accuracy >= best);
    assert!(eval.fusion_without.iter().all(|&a| a >= 0.5), "{eval:?}");
    for a in 0..4 {
        assert_eq!(eval.disagreement[a][a], 0.0);
        for b in 0..4 {
            assert_eq!(eval.disagreement[a][b], eval.disagreement[b][a]);
        }
    }
}
