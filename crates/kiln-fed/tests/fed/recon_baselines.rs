//! Gradient baselines of federated reconnaissance: the grown head keeps the old outputs, one
//! client's FedAvg is its local fine-tuning, the upper bound trains on the union of what was
//! seen, bytes are the encoded messages, and a small run learns a new class.

use burn::prelude::Device;
use kiln_core::train::{Phase, TrainPhase, Trainer};
use kiln_data::{DataLoader, VectorBatcher, VectorExample};
use kiln_fed::FedError;
use kiln_fed::core::{Client, Message, ParamSet, clients_from_shards, encode, split_iid};
use kiln_fed::fedrecon::{Baseline, BaselineSettings, GradientBaseline, Reconnaissance, regrow_head};

use crate::common::{digit_vectors, max_diff, mlp};

fn of_classes(items: &[VectorExample], classes: &[usize]) -> Vec<VectorExample> {
    items.iter().filter(|e| classes.contains(&e.label)).cloned().collect()
}

fn quick() -> BaselineSettings {
    BaselineSettings { epochs: 2, rounds: 2, ..BaselineSettings::default() }
}

/// Output `j` of the new head is the old output `columns[j]`, bit for bit, or zeros.
#[test]
fn regrown_head_keeps_old_outputs_bit_for_bit() {
    let device = Device::flex();
    let model = mlp(8, 1, &device);
    let before = ParamSet::from_module(&model).unwrap();
    let grown = regrow_head(model, &[Some(3), Some(0), None, Some(9)], &device).unwrap();
    let after = ParamSet::from_module(&grown).unwrap();
    let (w0, w1) = (before.get("head.weight").unwrap(), after.get("head.weight").unwrap());
    assert_eq!(w0.shape, vec![8, 10]);
    assert_eq!(w1.shape, vec![8, 4]);
    for i in 0..8 {
        assert_eq!(w1.values[i * 4].to_bits(), w0.values[i * 10 + 3].to_bits());
        assert_eq!(w1.values[i * 4 + 1].to_bits(), w0.values[i * 10].to_bits());
        assert_eq!(w1.values[i * 4 + 2], 0.0);
        assert_eq!(w1.values[i * 4 + 3].to_bits(), w0.values[i * 10 + 9].to_bits());
    }
    let (b0, b1) = (before.get("head.bias").unwrap(), after.get("head.bias").unwrap());
    assert_eq!(b1.values, vec![b0.values[3], b0.values[0], 0.0, b0.values[9]]);
    for t in before.tensors.iter().filter(|t| !t.path.starts_with("head")) {
        assert_eq!(after.get(&t.path), Some(t), "{} changed", t.path);
    }
    assert!(matches!(regrow_head(grown.clone(), &[Some(4)], &device), Err(FedError::InvalidSetting { .. })));
    assert!(matches!(regrow_head(grown, &[], &device), Err(FedError::InvalidSetting { .. })));
}

#[test]
fn bad_settings_and_missions_are_typed_errors() {
    let device = Device::flex();
    let model = mlp(8, 1, &device);
    for settings in [
        BaselineSettings { epochs: 0, ..BaselineSettings::default() },
        BaselineSettings { rounds: 0, ..BaselineSettings::default() },
        BaselineSettings { batch_size: 0, ..BaselineSettings::default() },
        BaselineSettings { lr: f64::NAN, ..BaselineSettings::default() },
    ] {
        let err = GradientBaseline::new(Baseline::FedAvg, model.clone(), &[0], settings, &device, 0).err();
        assert!(matches!(err, Some(FedError::InvalidSetting { .. })), "{err:?}");
    }
    let twice = GradientBaseline::new(Baseline::Upper, model.clone(), &[0, 2, 0], quick(), &device, 0).err();
    assert!(matches!(twice, Some(FedError::InvalidSetting { field: "known", .. })), "{twice:?}");
    let mut fed = GradientBaseline::new(Baseline::FedAvg, model, &[0, 1], quick(), &device, 0).unwrap();
    assert!(matches!(fed.mission(&[]), Err(FedError::InvalidSetting { field: "clients", .. })));
    let (train, _) = digit_vectors(0);
    let clients = [Client::new(3, train[..5].to_vec(), device.clone()), Client::new(3, train[5..9].to_vec(), device)];
    assert!(matches!(fed.mission(&clients), Err(FedError::DuplicateClient { client: 3 })));
}

/// FedAvg over one client: broadcast, the client's fits, a weighted mean of one update —
/// the same parameters, bit for bit, as that client fine-tuning alone (the lower bound).
#[test]
fn one_client_fedavg_equals_its_local_fine_tuning() {
    let device = Device::flex();
    let (train, _) = digit_vectors(1);
    let data = of_classes(&train, &[0, 1, 2, 3])[..120].to_vec();
    let model = mlp(16, 2, &device);
    let client = [Client::new(7, data, device.clone())];
    let mut fed = GradientBaseline::new(Baseline::FedAvg, model.clone(), &[0, 1, 2], quick(), &device, 5).unwrap();
    let mut lower = GradientBaseline::new(Baseline::Lower, model.clone(), &[0, 1, 2], quick(), &device, 5).unwrap();
    let a = fed.mission(&client).unwrap();
    let b = lower.mission(&client).unwrap();
    assert_eq!(a.classes, vec![0, 1, 2, 3]);
    assert_eq!((a.clients.clone(), a.examples), (b.clients, b.examples));
    assert!(a.bytes_received > 0 && b.bytes_received == 0 && b.bytes_sent == 0);
    let (pa, pb) = (ParamSet::from_module(fed.model()).unwrap(), ParamSet::from_module(lower.model()).unwrap());
    assert_eq!(max_diff(&pa, &pb), 0.0);
    let start = ParamSet::from_module(&model).unwrap();
    let (w, w0) = (pa.get("hidden.0.weight").unwrap(), start.get("hidden.0.weight").unwrap());
    assert!(w.values != w0.values, "the encoder was fine-tuned");
}

/// Two missions over 2 clients: the upper bound's training set is every shard of both, in
/// mission then client order; the lower bound trains on its smallest-id client alone.
#[test]
fn upper_bound_trains_on_the_union_of_what_was_seen() {
    let device = Device::flex();
    let (train, _) = digit_vectors(3);
    let settings = BaselineSettings { epochs: 1, rounds: 1, ..BaselineSettings::default() };
    let mut upper =
        GradientBaseline::new(Baseline::Upper, mlp(8, 3, &device), &[0], settings.clone(), &device, 1).unwrap();
    let mut lower = GradientBaseline::new(Baseline::Lower, mlp(8, 3, &device), &[0], settings, &device, 1).unwrap();
    let m1 = of_classes(&train, &[0, 1])[..40].to_vec();
    let m2 = of_classes(&train, &[2])[..30].to_vec();
    let first =
        vec![Client::new(1, m1[20..].to_vec(), device.clone()), Client::new(0, m1[..20].to_vec(), device.clone())];
    let second =
        vec![Client::new(4, m2[..10].to_vec(), device.clone()), Client::new(6, m2[10..].to_vec(), device.clone())];
    let r1 = upper.mission(&first).unwrap();
    assert_eq!((r1.clients, r1.examples, r1.classes), (vec![0, 1], 40, vec![0, 1]));
    let r2 = upper.mission(&second).unwrap();
    let union: Vec<VectorExample> = m1.iter().chain(&m2).cloned().collect();
    assert_eq!(upper.training_set(), union.as_slice());
    assert_eq!((r2.examples, r2.bytes_sent, r2.bytes_received, r2.classes), (70, 0, 0, vec![0, 1, 2]));
    let l1 = lower.mission(&first).unwrap();
    let l2 = lower.mission(&second).unwrap();
    assert_eq!((l1.clients, l1.examples, l2.clients, l2.examples), (vec![0], 20, vec![4], 10));
    assert!(lower.training_set().is_empty());
}

/// Per round, K broadcasts and K updates (no metrics), each as long as its encoding.
#[test]
fn fedavg_bytes_are_the_encoded_messages() {
    let device = Device::flex();
    let (train, _) = digit_vectors(5);
    let data = of_classes(&train, &[0, 1, 2])[..60].to_vec();
    let shards = vec![(0..25).collect(), (25..45).collect(), (45..60).collect::<Vec<_>>()];
    let clients = clients_from_shards(&data, &shards, &device);
    let mut fed = GradientBaseline::new(Baseline::FedAvg, mlp(8, 4, &device), &[0, 1], quick(), &device, 0).unwrap();
    let record = fed.mission(&clients).unwrap();
    let params = ParamSet::from_module(fed.model()).unwrap();
    assert_eq!(params.get("head.bias").unwrap().shape, vec![3]);
    let broadcast = encode(&Message::Broadcast { round: 1, params: params.clone() }).len() as u64;
    let updates: u64 = [(0, 25), (1, 20), (2, 15)]
        .iter()
        .map(|&(client, n)| {
            encode(&Message::Update { client, num_examples: n, params: params.clone(), metrics: vec![] }).len() as u64
        })
        .sum();
    assert_eq!(record.bytes_sent, 2 * 3 * broadcast);
    assert_eq!(record.bytes_received, 2 * updates);
    // 64·8 + 8 + 8·3 + 3 floats: about 2.2 kB per message.
    assert_eq!(params.num_values(), 64 * 8 + 8 + 8 * 3 + 3);
    assert!(broadcast > 4 * params.num_values() as u64);
}

#[test]
fn baselines_learn_a_new_digit() {
    kiln_testkit::in_own_process("recon_baselines::baselines_learn_a_new_digit", baselines_learn_a_new_digit_alone);
}

/// An MLP pretrained on digits 0–4; mission 1 brings 0–4, mission 2 digit 5 alone, over 3
/// clients. Every baseline learns digit 5; FedAvg (mission data only) forgets more of 0–4
/// than the upper bound and than prototype averaging (measured, seed 4: FedAvg 0–4 at 0.47,
/// digit 5 at 1.00; upper 0.99 / 0.97; prototypes 0.98 / 0.85).
fn baselines_learn_a_new_digit_alone() {
    let device = Device::flex();
    let (train, test) = digit_vectors(4);
    let old = of_classes(&train, &[0, 1, 2, 3, 4]);
    let loader = DataLoader::new(old.clone(), VectorBatcher::default(), 32).shuffled(4);
    let phases = [Phase::train("pretrain", TrainPhase::new(10, 3e-3))];
    let (model, _) =
        Trainer::new(device.clone()).with_seed(4).fit(mlp(64, 4, &device), &phases, &loader, None).unwrap();
    let new = of_classes(&train, &[5]);
    let missions = [
        clients_from_shards(&old, &split_iid(old.len(), 3, 1).unwrap(), &device),
        clients_from_shards(&new, &split_iid(new.len(), 3, 2).unwrap(), &device),
    ];
    let (test_old, test_new) = (of_classes(&test, &[0, 1, 2, 3, 4]), of_classes(&test, &[5]));
    let mut recon = Reconnaissance::new(model.clone(), VectorBatcher::default());
    for clients in &missions {
        recon.mission(clients).unwrap();
    }
    let proto = (recon.accuracy(&test_old, &device).unwrap(), recon.accuracy(&test_new, &device).unwrap());
    eprintln!("prototypes: seen {:.3}, new {:.3}", proto.0, proto.1);
    let mut scores = Vec::new();
    for kind in [Baseline::FedAvg, Baseline::Lower, Baseline::Upper] {
        let settings = BaselineSettings::default();
        let mut b = GradientBaseline::new(kind, model.clone(), &[0, 1, 2, 3, 4], settings, &device, 9).unwrap();
        let first = b.mission(&missions[0]).unwrap();
        let base = b.accuracy(&test_old, &device).unwrap();
        let second = b.mission(&missions[1]).unwrap();
        let (seen, novel) = (b.accuracy(&test_old, &device).unwrap(), b.accuracy(&test_new, &device).unwrap());
        eprintln!(
            "{kind:?}: mission 1 {base:.3} ({} B); mission 2 seen {seen:.3}, new {novel:.3} ({} B)",
            first.bytes_sent + first.bytes_received,
            second.bytes_sent + second.bytes_received
        );
        assert_eq!(second.classes, vec![0, 1, 2, 3, 4, 5]);
        assert!(base >= 0.9, "{kind:?}: classes 0–4 after mission 1: {base}");
        assert!(novel > 0.5, "{kind:?}: digit 5 after mission 2: {novel} (chance 1/6)");
        scores.push(seen);
    }
    assert!(scores[2] > scores[0], "upper bound keeps 0–4 better than FedAvg: {scores:?}");
    assert!(proto.0 > scores[0], "prototypes keep 0–4 better than FedAvg: {} vs {scores:?}", proto.0);
}
