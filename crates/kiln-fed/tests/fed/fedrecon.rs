//! Federated reconnaissance: count-weighted merging by hand, merged = central means, typed
//! errors, nearest-prototype classification, class-incremental learning on digits.

use burn::prelude::Device;
use kiln_core::train::{Phase, TrainPhase, Trainer};
use kiln_data::{DataLoader, VectorBatcher, VectorExample};
use kiln_fed::FedError;
use kiln_fed::core::{PrototypeEntry, clients_from_shards, split_iid};
use kiln_fed::fedrecon::{PrototypeStore, Reconnaissance, local_prototypes};

use crate::common::{digit_vectors, mlp};

fn entry(label: usize, count: usize, vector: &[f32]) -> PrototypeEntry {
    PrototypeEntry { label, count, vector: vector.to_vec() }
}

/// Class 3: n = (3, 1), p = ((1, 2), (5, −2)) → ((3 + 5)/4, (6 − 2)/4) = (2, 1), N = 4.
#[test]
fn store_merges_by_count_weighted_mean() {
    let a = [entry(3, 3, &[1.0, 2.0]), entry(0, 0, &[9.0, 9.0])];
    let b = [entry(3, 1, &[5.0, -2.0]), entry(7, 2, &[0.5, 0.25])];
    let mut store = PrototypeStore::new();
    store.merge(0, &a).unwrap();
    store.merge(1, &b).unwrap();
    assert_eq!(store.prototype(3), Some(vec![2.0, 1.0]));
    assert_eq!(store.count(3), 4);
    assert_eq!(store.prototype(7), Some(vec![0.5, 0.25]));
    assert_eq!(store.classes(), vec![3, 7], "a count of 0 adds no class");
    let mut reversed = PrototypeStore::new();
    reversed.merge(1, &b).unwrap();
    reversed.merge(0, &a).unwrap();
    assert_eq!(reversed.prototype(3), store.prototype(3));
}

#[test]
fn bad_prototypes_are_typed_errors_and_merge_nothing() {
    let mut store = PrototypeStore::new();
    store.merge(0, &[entry(1, 2, &[1.0, 1.0])]).unwrap();
    let before = store.clone();
    let err = store.merge(4, &[entry(2, 1, &[0.0, 0.0]), entry(5, 1, &[1.0, 2.0, 3.0])]).unwrap_err();
    assert!(matches!(&err, FedError::ParamMismatch { client: Some(4), path, .. } if path == "prototype[5]"), "{err}");
    let err = store.merge(6, &[entry(1, 1, &[f32::NAN, 0.0])]).unwrap_err();
    assert!(matches!(&err, FedError::ParamMismatch { client: Some(6), .. }), "{err}");
    assert_eq!(store, before);
    assert!(store.classify(&[vec![0.0; 3]]).is_err());
}

#[test]
fn nearest_prototype_classifies_by_hand() {
    let mut store = PrototypeStore::new();
    assert_eq!(store.classify(&[vec![1.0, 0.0]]).unwrap(), vec![None]);
    store.merge(0, &[entry(4, 1, &[0.0, 0.0]), entry(9, 1, &[10.0, 0.0])]).unwrap();
    let got = store.classify(&[vec![1.0, 0.0], vec![9.0, 3.0], vec![5.0, 0.0]]).unwrap();
    assert_eq!(got, vec![Some(4), Some(9), Some(4)], "a tie goes to the smaller class");
}

/// Prototypes merged from three clients equal the class means of all their data at once.
#[test]
fn merged_prototypes_equal_central_means() {
    let device = Device::flex();
    let (train, _) = digit_vectors(2);
    let train: Vec<VectorExample> = train.into_iter().take(300).collect();
    let model = mlp(16, 3, &device);
    let clients = clients_from_shards(&train, &split_iid(train.len(), 3, 0).unwrap(), &device);
    let mut recon = Reconnaissance::new(model.clone(), VectorBatcher::default());
    let record = recon.mission(&clients).unwrap();
    assert_eq!(record.clients, vec![0, 1, 2]);
    assert!(record.bytes_received > 0);
    let central = local_prototypes(&model, &train, &VectorBatcher::default(), 64, &device).unwrap();
    assert_eq!(record.classes, central.iter().map(|e| e.label).collect::<Vec<_>>());
    for e in &central {
        assert_eq!(recon.store().count(e.label), e.count);
        let merged = recon.store().prototype(e.label).unwrap();
        let diff = merged.iter().zip(&e.vector).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(diff < 1e-5, "class {}: {diff}", e.label);
    }
}

#[test]
fn reconnaissance_learns_new_digit_classes() {
    kiln_testkit::in_own_process(
        "fedrecon::reconnaissance_learns_new_digit_classes",
        reconnaissance_learns_new_digit_classes_alone,
    );
}

/// An MLP pretrained on digits 0–4 only; mission 1 reports 0–4, mission 2 brings 5–9 (never
/// trained on). Nearest-prototype accuracy on the test digits of the known classes.
fn reconnaissance_learns_new_digit_classes_alone() {
    let device = Device::flex();
    let (train, test) = digit_vectors(4);
    let (old, new): (Vec<_>, Vec<_>) = train.into_iter().partition(|e| e.label < 5);
    let loader = DataLoader::new(old.clone(), VectorBatcher::default(), 32).shuffled(4);
    let phases = [Phase::train("pretrain", TrainPhase::new(15, 3e-3))];
    let (model, _) =
        Trainer::new(device.clone()).with_seed(4).fit(mlp(128, 4, &device), &phases, &loader, None).unwrap();

    let mut recon = Reconnaissance::new(model, VectorBatcher::default());
    let first = clients_from_shards(&old, &split_iid(old.len(), 3, 1).unwrap(), &device);
    recon.mission(&first).unwrap();
    let test_old: Vec<VectorExample> = test.iter().filter(|e| e.label < 5).cloned().collect();
    let before = recon.accuracy(&test_old, &device).unwrap();

    let second = clients_from_shards(&new, &split_iid(new.len(), 3, 2).unwrap(), &device);
    let record = recon.mission(&second).unwrap();
    assert_eq!(record.classes, (0..10).collect::<Vec<_>>());
    let all = recon.accuracy(&test, &device).unwrap();
    let test_new: Vec<VectorExample> = test.iter().filter(|e| e.label >= 5).cloned().collect();
    let novel = recon.accuracy(&test_new, &device).unwrap();
    eprintln!("reconnaissance: old classes {before:.3}, all 10 {all:.3}, new classes only {novel:.3}");
    assert!(before >= 0.9, "classes 0–4 after mission 1: {before}");
    assert!(all >= 0.78, "all classes after mission 2: {all}");
}
