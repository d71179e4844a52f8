//! FedAvg: identity on identical models, the exact weighted mean by hand, settings.

use burn::prelude::Device;
use kiln_fed::FedError;
use kiln_fed::core::{Aggregator, ClientUpdate, NamedTensor, ParamSet};
use kiln_fed::fedavg::FedAvg;

use crate::common::mlp;

fn update(client: usize, num_examples: usize, params: ParamSet) -> ClientUpdate {
    ClientUpdate { client, num_examples, params, metrics: Vec::new() }
}

fn bits(p: &ParamSet) -> Vec<u32> {
    p.tensors.iter().flat_map(|t| t.values.iter().map(|v| v.to_bits())).collect()
}

#[test]
fn fedavg_of_identical_models_is_the_identity() {
    let device = Device::flex();
    let w = ParamSet::from_module(&mlp(16, 4, &device)).unwrap();
    let updates = [update(0, 17, w.clone()), update(1, 3, w.clone()), update(5, 101, w.clone())];
    let out = FedAvg::new().aggregate(&w, &updates).unwrap();
    assert_eq!(bits(&out), bits(&w));
}

/// `w = Σ (n_k / n) w_k` by hand: n = (3, 1), w₁ = (1, 2, −4), w₂ = (5, −2, 8)
/// → ((3 + 5)/4, (6 − 2)/4, (−12 + 8)/4) = (2, 1, −1), exactly.
#[test]
fn fedavg_of_two_hand_set_models_is_the_weighted_mean() {
    let device = Device::flex();
    let model = mlp(2, 0, &device);
    let template = ParamSet::from_module(&model).unwrap();
    let fill = |a: f32, b: f32, c: f32| {
        let mut p = template.clone();
        for t in &mut p.tensors {
            for (i, v) in t.values.iter_mut().enumerate() {
                *v = [a, b, c][i % 3];
            }
        }
        p
    };
    let (w1, w2) = (fill(1.0, 2.0, -4.0), fill(5.0, -2.0, 8.0));
    let out = FedAvg::new().aggregate(&template, &[update(0, 3, w1), update(1, 1, w2)]).unwrap();
    assert_eq!(out, fill(2.0, 1.0, -1.0));
    // Through the module and back: still exact.
    let averaged = out.apply_to(model).unwrap();
    assert_eq!(ParamSet::from_module(&averaged).unwrap(), fill(2.0, 1.0, -1.0));
}

#[test]
fn fedavg_rejects_an_update_of_another_layout() {
    let global = ParamSet { tensors: vec![NamedTensor { path: "w".into(), shape: vec![2], values: vec![0.0; 2] }] };
    let wrong = ParamSet { tensors: vec![NamedTensor { path: "w".into(), shape: vec![3], values: vec![0.0; 3] }] };
    let err = FedAvg::new().aggregate(&global, &[update(0, 1, global.clone()), update(9, 1, wrong)]).unwrap_err();
    assert!(matches!(&err, FedError::ParamMismatch { client: Some(9), .. }), "{err}");
    assert!(err.to_string().contains("client 9"), "{err}");
    let err = FedAvg::new().aggregate(&global, &[update(0, 0, global.clone())]).unwrap_err();
    assert!(matches!(err, FedError::InvalidSetting { field: "num_examples", .. }));
}

#[test]
fn fedavg_presets_and_settings() {
    let paper = FedAvg::new();
    let s = paper.settings();
    assert_eq!((s.fraction, s.local_epochs, s.batch_size), (0.1, 5, 10));
    assert_eq!(s.clients_per_round(100), 10);
    assert_eq!(s.clients_per_round(3), 1, "at least one client");
    let small = FedAvg::small();
    let s = small.settings();
    assert_eq!((small.clients, s.fraction, s.local_epochs, s.batch_size, s.rounds), (10, 0.5, 1, 16, 20));
    assert_eq!(s.clients_per_round(10), 5);
    for (bad, field) in [
        (FedAvg::small().with_fraction(0.0), "fraction"),
        (FedAvg::small().with_fraction(1.5), "fraction"),
        (FedAvg::small().with_local_epochs(0), "local_epochs"),
        (FedAvg::small().with_batch_size(0), "batch_size"),
        (FedAvg::small().with_rounds(0), "rounds"),
        (FedAvg::small().with_lr(f64::NAN), "lr"),
    ] {
        let err = bad.settings().validate().unwrap_err();
        assert!(matches!(err, FedError::InvalidSetting { field: f, .. } if f == field), "{err}");
    }
}
