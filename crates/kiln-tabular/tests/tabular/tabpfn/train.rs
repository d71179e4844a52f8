//! Prior-data fitting through the kiln-core engine: a tiny model learns from the prior stream.

use burn::prelude::Device;
use kiln_core::train::{Phase, TrainPhase, Trainer};
use kiln_tabular::tabpfn::train::PriorBatches;
use kiln_tabular::{PriorConfig, TabPfnConfig};

#[test]
fn a_tiny_model_learns_from_the_prior_stream() {
    let device = Device::flex();
    device.seed(0);
    let prior = PriorConfig::new(48).with_max_features(4).with_num_features(2).with_num_classes(2);
    let source = PriorBatches {
        prior: prior.clone(),
        batch_size: 8,
        steps: 60,
        min_train_fraction: 0.5,
        max_train_fraction: 0.7,
        seed: 1,
    };
    let held_out = PriorBatches { seed: 99, steps: 4, ..source.clone() };
    let model = TabPfnConfig::new()
        .with_max_features(4)
        .with_max_classes(2)
        .with_d_model(32)
        .with_d_hidden(64)
        .with_n_layers(2)
        .init(&device);
    let loss =
        |m: &kiln_tabular::TabPfn| Trainer::new(device.clone()).evaluate(m, &held_out).expect("held-out loss").loss;
    let before = loss(&model);
    let phases = [Phase::train("prior", TrainPhase::new(1, 3e-3))];
    let (model, report) = Trainer::new(device.clone()).with_seed(3).fit(model, &phases, &source, None).expect("train");
    assert_eq!(report.global_step, 60);
    let after = loss(&model);
    assert!(after < before - 0.05 && after < 0.62, "held-out loss {before} → {after}");
}

#[test]
fn prior_batches_are_reproducible_by_epoch_and_index() {
    let source = PriorBatches {
        prior: PriorConfig::new(40).with_max_features(8),
        batch_size: 3,
        steps: 10,
        min_train_fraction: 0.2,
        max_train_fraction: 0.8,
        seed: 5,
    };
    let (x, y_train, y_test, n_train) = source.arrays(2, 7).unwrap();
    assert_eq!(x.len(), 3 * 40 * 8);
    assert_eq!((y_train.len(), y_test.len()), (3 * n_train, 3 * (40 - n_train)));
    assert!((8..=32).contains(&n_train));
    assert!(x.iter().all(|v| v.is_finite()), "preprocessed inputs hold no NaN");
    assert_eq!(source.arrays(2, 7).unwrap(), (x.clone(), y_train, y_test, n_train), "same (epoch, index), same batch");
    assert_ne!(source.arrays(2, 8).unwrap().0, x, "another index, another batch");
}

#[test]
fn a_rejected_prior_draw_reaches_the_caller_of_fit() {
    let device = Device::flex();
    // Five classes asked of a prior that allows at most four: the draw fails; before, it was
    // silently replaced by a trivial dataset.
    let prior = PriorConfig { max_classes: 4, ..PriorConfig::new(16).with_max_features(4).with_num_classes(5) };
    let source =
        PriorBatches { prior, batch_size: 2, steps: 2, min_train_fraction: 0.5, max_train_fraction: 0.7, seed: 1 };
    let model =
        TabPfnConfig::new().with_max_features(4).with_max_classes(4).with_d_model(16).with_d_hidden(32).init(&device);
    let phases = [Phase::train("prior", TrainPhase::new(1, 1e-3))];
    let err = Trainer::new(device).fit(model, &phases, &source, None).expect_err("a failed draw is an error");
    assert!(matches!(err, kiln_core::CoreError::Batch { epoch: 0, index: 0, .. }), "{err}");
    assert!(err.to_string().contains("num_classes"), "{err}");
}
