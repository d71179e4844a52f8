//! The gradient baselines on the paper's conv encoder: the prototype head classifies as the
//! nearest prototype, the grown head keeps the old outputs, one client's FedAvg is its local
//! fine-tuning, and the baselines run beside prototype averaging on a tiny benchmark with
//! bytes equal to the encoded messages.

use burn::prelude::Device;
use kiln_data::procedural::{ProceduralConfig, generate};
use kiln_data::{ImageBatcher, ImageExample, Normalize};
use kiln_fed::FedError;
use kiln_fed::core::{Client, Message, ParamSet, PrototypeEntry, encode};
use kiln_fed::fedrecon::{
    Baseline, BaselineSettings, Classifier, EpisodeConfig, GradientBaseline, ProtoNet, ProtoNetConfig, ReconBenchmark,
    ReconBenchmarkConfig, ReconMethod, Reconnaissance, regrow_head,
};

use crate::common::max_diff;

fn images(classes: usize, per_class: usize, seed: u64) -> Vec<ImageExample> {
    let cfg = ProceduralConfig::new(classes).with_image_size(32).with_num_images(classes * per_class).with_seed(seed);
    generate(&cfg).unwrap().iter().map(|p| p.to_example()).collect()
}

/// A 4-channel encoder: 4 · 2 · 2 = 16 values per 32-px image.
fn encoder(seed: u64, device: &Device) -> ProtoNet {
    ProtoNetConfig::new(3).with_hidden_size(4).with_embedding_size(4).init_seeded(device, seed).unwrap()
}

/// Prototypes of classes 0..k from `items`, and the classifier with their head.
fn prototype_classifier(
    items: &[ImageExample],
    batcher: &ImageBatcher,
    device: &Device,
) -> (Reconnaissance<ProtoNet, ImageExample>, Classifier<ProtoNet>) {
    let mut recon = Reconnaissance::new(encoder(2, device), batcher.clone());
    recon.mission(&[Client::new(0, items.to_vec(), device.clone())]).unwrap();
    let prototypes: Vec<Vec<f32>> =
        recon.store().classes().iter().map(|&c| recon.store().prototype(c).unwrap()).collect();
    let model = Classifier::from_prototypes(encoder(2, device), &prototypes, device).unwrap();
    (recon, model)
}

/// `W_j = 2 p_j`, `b_j = −‖p_j‖²`: the head's argmax is the nearest prototype, image by image.
#[test]
fn prototype_head_predicts_the_nearest_prototype() {
    let device = Device::flex();
    let train = images(4, 6, 1);
    let batcher = ImageBatcher::new(Normalize::fit(&train));
    let (recon, model) = prototype_classifier(&train, &batcher, &device);
    let baseline =
        GradientBaseline::with_batcher(Baseline::FedAvg, model, batcher, &[0, 1, 2, 3], quick(), &device, 0).unwrap();
    let test = images(4, 8, 2);
    let head = baseline.predictions(&test, &device).unwrap();
    let mut nearest = 0;
    for (item, predicted) in test.iter().zip(&head) {
        let alone = recon.accuracy(std::slice::from_ref(item), &device).unwrap();
        assert_eq!(alone == 1.0, *predicted == Some(item.label), "label {}, head {predicted:?}", item.label);
        nearest += usize::from(alone == 1.0);
    }
    assert_eq!(baseline.accuracy(&test, &device).unwrap(), nearest as f64 / test.len() as f64);
    let err = Classifier::from_prototypes(encoder(2, &device), &[vec![1.0; 16], vec![1.0; 15]], &device).err();
    assert!(matches!(err, Some(FedError::InvalidSetting { field: "prototypes", .. })), "{err:?}");
}

/// Output `j` of the grown head is the old output `columns[j]`, bit for bit, or zeros; the
/// encoder's parameters (batch norms' running statistics included) are untouched.
#[test]
fn conv_head_grows_keeping_old_outputs_bit_for_bit() {
    let device = Device::flex();
    let train = images(3, 4, 3);
    let (_, model) = prototype_classifier(&train, &ImageBatcher::new(Normalize::fit(&train)), &device);
    let before = ParamSet::from_module(&model).unwrap();
    let grown = regrow_head(model, &[Some(2), None, Some(0), None], &device).unwrap();
    let after = ParamSet::from_module(&grown).unwrap();
    let (w0, w1) = (before.get("head.weight").unwrap(), after.get("head.weight").unwrap());
    assert_eq!((w0.shape.clone(), w1.shape.clone()), (vec![16, 3], vec![16, 4]));
    for i in 0..16 {
        assert_eq!(w1.values[i * 4].to_bits(), w0.values[i * 3 + 2].to_bits());
        assert_eq!(w1.values[i * 4 + 2].to_bits(), w0.values[i * 3].to_bits());
        assert_eq!((w1.values[i * 4 + 1], w1.values[i * 4 + 3]), (0.0, 0.0));
    }
    let (b0, b1) = (before.get("head.bias").unwrap(), after.get("head.bias").unwrap());
    assert_eq!(b1.values, vec![b0.values[2], 0.0, b0.values[0], 0.0]);
    let encoder_params = before.tensors.iter().filter(|t| t.path.starts_with("encoder")).count();
    assert!(encoder_params >= 16, "4 blocks of conv, γ, β, running mean and variance");
    for t in before.tensors.iter().filter(|t| !t.path.starts_with("head")) {
        assert_eq!(after.get(&t.path), Some(t), "{} changed", t.path);
    }
    assert!(matches!(regrow_head(grown, &[Some(4)], &device), Err(FedError::InvalidSetting { .. })));
}

fn quick() -> BaselineSettings {
    BaselineSettings { epochs: 2, rounds: 2, lr: 1e-3, batch_size: 8, ..BaselineSettings::default() }
}

/// FedAvg over one client with the conv encoder (broadcast, 2 rounds of that client's fits,
/// a weighted mean of one update) equals that client fine-tuning alone, within 1e-6; the
/// head grew by the new class, and the encoder moved.
#[test]
fn one_client_conv_fedavg_equals_its_local_fine_tuning() {
    let device = Device::flex();
    let data = images(3, 8, 4);
    let batcher = ImageBatcher::new(Normalize::fit(&data));
    let (_, model) = prototype_classifier(&data[..16], &batcher, &device);
    let start = ParamSet::from_module(&model).unwrap();
    let client = [Client::new(5, data.clone(), device.clone())];
    let make = |kind| {
        let known = [0, 1];
        let base = regrow_head(model.clone(), &[Some(0), Some(1)], &device).unwrap();
        GradientBaseline::with_batcher(kind, base, batcher.clone(), &known, quick(), &device, 3).unwrap()
    };
    let (mut fed, mut lower) = (make(Baseline::FedAvg), make(Baseline::Lower));
    let a = fed.mission(&client).unwrap();
    let b = lower.mission(&client).unwrap();
    assert_eq!((a.classes.clone(), b.classes), (vec![0, 1, 2], vec![0, 1, 2]));
    assert_eq!((a.examples, b.examples), (24, 24));
    assert!(a.bytes_sent > 0 && a.bytes_received > 0 && b.bytes_sent + b.bytes_received == 0);
    let (pa, pb) = (ParamSet::from_module(fed.model()).unwrap(), ParamSet::from_module(lower.model()).unwrap());
    let diff = max_diff(&pa, &pb);
    assert!(diff <= 1e-6, "FedAvg of one client against its local fine-tuning: {diff}");
    let (w, w0) = (pa.get("encoder.blocks.0.conv.weight"), start.get("encoder.blocks.0.conv.weight"));
    assert!(w.is_some() && w.map(|t| &t.values) != w0.map(|t| &t.values), "the encoder was fine-tuned");
}

/// A tiny benchmark (3 base and 5 field classes, 2 clients, 2 missions) with the three
/// baselines: four methods per mission, finite accuracies in [0, 1], and bytes equal to the
/// encoded messages (prototypes: one message per client; FedAvg: a broadcast and an update
/// per client and round; the bounds: none). Fine-tuning copies of the encoder leaves
/// prototype averaging exactly as without the baselines (batch-norm statistics unshared).
#[test]
fn baselines_run_beside_prototypes_on_a_tiny_conv_benchmark() {
    let device = Device::flex();
    let mut config = ReconBenchmarkConfig::small();
    (config.base_classes, config.field_classes) = (3, 5);
    (config.base_train_per_class, config.field_train_per_class, config.test_per_class) = (6, 12, 3);
    (config.clients, config.classes_per_mission, config.examples_per_class) = (2, 2, 5);
    config.max_missions = Some(2);
    config.encoder = ProtoNetConfig::new(3).with_hidden_size(4).with_embedding_size(4);
    config.training.episode = EpisodeConfig { ways: 3, shots: 2, queries: 2 };
    let settings = BaselineSettings { epochs: 1, rounds: 1, lr: 1e-3, batch_size: 8, ..BaselineSettings::default() };
    let kinds = [Baseline::FedAvg, Baseline::Lower, Baseline::Upper];
    let report = ReconBenchmark::run_with_baselines(&config, encoder(1, &device), &kinds, &settings, &device).unwrap();
    assert_eq!(report.missions.len(), 2);
    assert_eq!(report.baselines.as_ref(), Some(&settings));
    let alone = ReconBenchmark::run_with_encoder(&config, encoder(1, &device), &device).unwrap();
    assert!(alone.baselines.is_none());
    for (with, without) in report.missions.iter().zip(&alone.missions) {
        assert_eq!((&with.clients, &with.server), (&without.clients, &without.server));
        let strip =
            |e: &kiln_fed::fedrecon::MethodEval| (e.earlier_accuracy, e.mission_accuracy, e.all_accuracy, e.bytes);
        assert_eq!(without.methods.len(), 1);
        assert_eq!(strip(&with.methods[0]), strip(&without.methods[0]));
    }
    let mut classes_known = 3;
    for m in &report.missions {
        let methods: Vec<ReconMethod> = m.methods.iter().map(|e| e.method).collect();
        let mut want = vec![ReconMethod::Prototypes];
        want.extend(kinds.map(ReconMethod::Gradient));
        assert_eq!(methods, want);
        for e in &m.methods {
            for a in [e.earlier_accuracy, e.mission_accuracy, e.all_accuracy] {
                assert!(a.is_some_and(|a| a.is_finite() && (0.0..=1.0).contains(&a)), "{e:?}");
            }
        }
        let entries = |c: &kiln_fed::fedrecon::ClientEval| -> Vec<PrototypeEntry> {
            c.classes.iter().map(|&label| PrototypeEntry { label, count: 1, vector: vec![0.0; 16] }).collect()
        };
        let prototype_bytes: usize = m
            .clients
            .iter()
            .map(|c| encode(&Message::Prototypes { client: c.client, entries: entries(c) }).len())
            .sum();
        assert_eq!((m.methods[0].bytes, m.bytes_received), (prototype_bytes as u64, prototype_bytes as u64));
        classes_known = classes_known.max(3 + m.server.field_classes.len());
        let layout = ParamSet::from_module(
            &Classifier::from_prototypes(encoder(0, &device), &vec![vec![0.0; 16]; classes_known], &device).unwrap(),
        )
        .unwrap();
        let fedavg_bytes: usize = m
            .clients
            .iter()
            .map(|c| {
                let broadcast = Message::Broadcast { round: m.mission, params: layout.clone() };
                let update = Message::Update {
                    client: c.client,
                    num_examples: c.examples,
                    params: layout.clone(),
                    metrics: Vec::new(),
                };
                encode(&broadcast).len() + encode(&update).len()
            })
            .sum();
        assert_eq!(m.methods[1].bytes, fedavg_bytes as u64, "FedAvg, mission {}", m.mission);
        assert_eq!((m.methods[2].bytes, m.methods[3].bytes), (0, 0));
    }
}
