//! The federation runner: resume after a kill, devices agree with flex, learning on digits,
//! typed errors for bad clients and corrupt messages.

use std::path::PathBuf;

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_data::{DataLoader, VectorBatcher, VectorExample};
use kiln_fed::FedError;
use kiln_fed::core::{
    Aggregator, Client, ClientUpdate, Endpoint, FedReport, Federation, InProcess, Message, ParamSet, RoundSettings,
    Transport, clients_from_shards, encode, record, split_iid,
};
use kiln_fed::fedavg::FedAvg;

use crate::common::{digit_vectors, max_diff, mlp};

fn clients(train: &[VectorExample], k: usize, seed: u64, device: &Device) -> Vec<Client<VectorExample>> {
    let shards = split_iid(train.len(), k, seed).unwrap();
    clients_from_shards(train, &shards, device)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-fed-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A short federation on the first 400 digits: 4 clients, 2 per round, E = 1, B = 16.
fn short_run(clients_device: &Device, rounds: usize, trainer: &Trainer, halt: Option<usize>) -> (ParamSet, FedReport) {
    let server = Device::flex();
    let (train, test) = digit_vectors(0);
    let train: Vec<VectorExample> = train.into_iter().take(400).collect();
    let algo = FedAvg::small().with_rounds(rounds).with_fraction(0.5);
    let mut fed =
        Federation::new(mlp(16, 9, &server), clients(&train, 4, 1, clients_device), algo, VectorBatcher::default())
            .with_transport(InProcess::new())
            .with_validation(DataLoader::new(test, VectorBatcher::default(), 256));
    if let Some(h) = halt {
        fed = fed.with_halt_after_rounds(h);
    }
    let (model, report) = fed.run(trainer).unwrap();
    (ParamSet::from_module(&model).unwrap(), report)
}

#[test]
fn resumed_federation_matches_an_uninterrupted_one() {
    kiln_testkit::in_own_process(
        "federation::resumed_federation_matches_an_uninterrupted_one",
        resumed_federation_matches_an_uninterrupted_one_alone,
    );
}

fn resumed_federation_matches_an_uninterrupted_one_alone() {
    let flex = Device::flex();
    let (a, b) = (temp_dir("whole"), temp_dir("killed"));
    let whole_trainer = Trainer::new(flex.clone()).with_seed(5).with_run_dir(&a);
    let (whole, whole_report) = short_run(&flex, 6, &whole_trainer, None);
    assert!(whole_report.completed);
    assert_eq!(whole_report.rounds.len(), 6);

    let killed_trainer = Trainer::new(flex.clone()).with_seed(5).with_run_dir(&b);
    let (_, first) = short_run(&flex, 6, &killed_trainer, Some(3));
    assert!(!first.completed);
    assert_eq!(first.rounds.iter().map(|r| r.round).collect::<Vec<_>>(), vec![1, 2, 3]);
    let resumed_trainer = killed_trainer.clone().with_resume(true);
    let (resumed, second) = short_run(&flex, 6, &resumed_trainer, None);
    assert!(second.completed);
    assert_eq!(second.rounds.iter().map(|r| r.round).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5, 6]);

    let diff = max_diff(&whole, &resumed);
    assert!(diff < 1e-6, "resumed run differs by {diff}");
    // The log on disk has every round once, with the same clients and bytes as the whole run.
    let on_disk = record::read_rounds(&record::rounds_path(&b)).unwrap();
    assert_eq!(on_disk.len(), 6);
    for (x, y) in on_disk.iter().zip(&whole_report.rounds) {
        assert_eq!(
            (x.round, &x.clients, x.bytes_sent, x.bytes_received),
            (y.round, &y.clients, y.bytes_sent, y.bytes_received)
        );
        // JSON keeps f64 to within an ulp (serde_json's default float parsing).
        let (ax, ay) = (x.valid_accuracy.unwrap(), y.valid_accuracy.unwrap());
        assert!((ax - ay).abs() < 1e-12, "round {}: {ax} vs {ay}", x.round);
    }
    // Bytes by hand: each round broadcasts the global model to 2 of 4 clients.
    let broadcast = encode(&Message::Broadcast { round: 1, params: whole.clone() }).len() as u64;
    assert!(whole_report.rounds.iter().all(|r| r.bytes_sent == 2 * broadcast && r.clients.len() == 2));
    assert!(whole_report.rounds.iter().all(|r| r.bytes_received > 2 * broadcast - 16));
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

kiln_core::test_device!(clients_on_a_device_agree_with_flex, |device| {
    let flex = Device::flex();
    let trainer = Trainer::new(flex.clone()).with_seed(2);
    let (on_flex, _) = short_run(&flex, 2, &trainer, None);
    let (on_device, report) = short_run(&device, 2, &trainer, None);
    assert_eq!(report.rounds.len(), 2);
    let diff = max_diff(&on_flex, &on_device);
    assert!(diff < 1e-4, "clients on {device:?} differ from flex by {diff}");
});

#[test]
fn fedavg_learns_iid_digits() {
    kiln_testkit::in_own_process("federation::fedavg_learns_iid_digits", fedavg_learns_iid_digits_alone);
}

fn fedavg_learns_iid_digits_alone() {
    let device = Device::flex();
    let (train, test) = digit_vectors(1);
    let fed = Federation::new(
        mlp(64, 1, &device),
        clients(&train, 10, 1, &device),
        FedAvg::small(),
        VectorBatcher::default(),
    )
    .with_validation(DataLoader::new(test, VectorBatcher::default(), 512));
    let (_, report) = fed.run(&Trainer::new(device).with_seed(1)).unwrap();
    let accuracy = report.final_accuracy().unwrap();
    eprintln!("FedAvg (small) on IID digits: accuracy per round {:?}", report.accuracy_curve());
    assert_eq!(report.rounds.len(), 20);
    assert!(accuracy >= 0.90, "test accuracy {accuracy}");
    assert!(report.rounds.iter().all(|r| r.clients.len() == 5 && r.mean_client_accuracy.is_some()));
}

#[test]
fn bad_clients_are_typed_errors() {
    let device = Device::flex();
    let (train, _) = digit_vectors(0);
    let trainer = Trainer::new(device.clone());
    let run = |clients: Vec<Client<VectorExample>>, algo: FedAvg| {
        Federation::new(mlp(4, 0, &device), clients, algo, VectorBatcher::default()).run(&trainer).map(|_| ())
    };
    let mut cs = clients(&train[..40], 4, 0, &device);
    cs[2].shard.clear();
    assert!(matches!(run(cs, FedAvg::small()), Err(FedError::EmptyShard { client: 2 })));
    let mut cs = clients(&train[..40], 4, 0, &device);
    cs[3].id = 1;
    assert!(matches!(run(cs, FedAvg::small()), Err(FedError::DuplicateClient { client: 1 })));
    let err = run(clients(&train[..40], 4, 0, &device), FedAvg::small().with_fraction(2.0)).unwrap_err();
    assert!(matches!(err, FedError::InvalidSetting { field: "fraction", .. }), "{err}");
    assert!(matches!(run(Vec::new(), FedAvg::small()), Err(FedError::InvalidSetting { field: "clients", .. })));
}

/// A network that damages the version field of every update it carries.
struct Corrupting(InProcess);

impl Transport for Corrupting {
    fn send(&self, to: Endpoint, message: &Message) -> kiln_fed::Result<usize> {
        let mut bytes = encode(message);
        if to == Endpoint::Server {
            bytes[4] = 9;
        }
        self.0.send_bytes(to, bytes)
    }

    fn recv(&self, at: Endpoint) -> kiln_fed::Result<(Message, usize)> {
        self.0.recv(at)
    }
}

#[test]
fn corrupt_update_bytes_stop_the_run_with_a_typed_error() {
    let device = Device::flex();
    let (train, _) = digit_vectors(0);
    let fed = Federation::new(
        mlp(4, 0, &device),
        clients(&train[..64], 2, 0, &device),
        FedAvg::small().with_rounds(1),
        VectorBatcher::default(),
    )
    .with_transport(Corrupting(InProcess::new()));
    let err = fed.run(&Trainer::new(device)).map(|_| ()).unwrap_err();
    assert!(matches!(err, FedError::UnsupportedVersion { found: 9, .. }), "{err}");
}

/// The global parameters and updates an aggregator was given, round by round.
type Seen = std::sync::Arc<std::sync::Mutex<Vec<(ParamSet, Vec<ClientUpdate>)>>>;

/// FedAvg that keeps what it was given, to check the runner against it.
struct Spy {
    inner: FedAvg,
    seen: Seen,
}

impl Aggregator for Spy {
    fn name(&self) -> &'static str {
        "spy"
    }

    fn settings(&self) -> &RoundSettings {
        self.inner.settings()
    }

    fn aggregate(&self, global: &ParamSet, updates: &[ClientUpdate]) -> kiln_fed::Result<ParamSet> {
        self.seen.lock().unwrap().push((global.clone(), updates.to_vec()));
        self.inner.aggregate(global, updates)
    }
}

/// The runner samples ⌊C·K⌉ clients per round by seed, sends each update with its shard size,
/// and the next round starts from exactly the aggregate of the previous one.
#[test]
fn rounds_chain_the_aggregates_of_sampled_clients() {
    let device = Device::flex();
    let (train, _) = digit_vectors(3);
    let train: Vec<VectorExample> = train.into_iter().take(230).collect();
    let cs = clients(&train, 5, 2, &device);
    let sizes: Vec<usize> = cs.iter().map(|c| c.shard.len()).collect();
    let seen: Seen = Default::default();
    let spy = Spy { inner: FedAvg::small().with_rounds(4).with_fraction(0.6), seen: seen.clone() };
    let initial = mlp(8, 3, &device);
    let initial_params = ParamSet::from_module(&initial).unwrap();
    let (model, report) =
        Federation::new(initial, cs, spy, VectorBatcher::default()).run(&Trainer::new(device).with_seed(9)).unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[0].0, initial_params, "round 1 starts from the initial model");
    let mut samples = Vec::new();
    for (r, (global, updates)) in seen.iter().enumerate() {
        assert_eq!(updates.len(), 3, "round(0.6 × 5) clients");
        let ids: Vec<usize> = updates.iter().map(|u| u.client).collect();
        assert_eq!(ids, report.rounds[r].clients);
        assert!(updates.iter().all(|u| u.num_examples == sizes[u.client] && u.metric("train_accuracy").is_some()));
        assert!(updates.iter().all(|u| u.params != *global), "local training moved the weights");
        let next = kiln_fed::fedavg::weighted_mean(global, updates).unwrap();
        match seen.get(r + 1) {
            Some((following, _)) => assert_eq!(*following, next),
            None => assert_eq!(ParamSet::from_module(&model).unwrap(), next),
        }
        samples.push(ids);
    }
    samples.dedup();
    assert!(samples.len() > 1, "the sample changes between rounds: {samples:?}");
}
