//! SemiPFL: the hypernetwork gradient against central differences, global-norm clipping,
//! hypernetwork outputs that build a working autoencoder, macro F1 and the MSE filter by hand,
//! the client views and split, save/load, and learning on the federated digits.

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::prelude::{Device, Tensor, TensorData};
use kiln_fed::FedError;
use kiln_fed::core::{NamedTensor, ParamSet};
use kiln_fed::semipfl::local::per_example_mse;
use kiln_fed::semipfl::{
    AutoencoderConfig, ClientView, DigitsSetup, Hypernetwork, HypernetworkConfig, SemiPfl, SemiPflConfig,
    below_threshold, clip_global_norm, difference, macro_f1, surrogate,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn tiny(device: &Device) -> Hypernetwork {
    let config = HypernetworkConfig {
        clients: 2,
        embedding_dim: 2,
        hidden: 3,
        layers: 1,
        layout: vec![("a".into(), vec![2, 3]), ("b".into(), vec![3])],
    };
    config.init(device).unwrap()
}

/// `tiny` with values from a host RNG: weights and embeddings in ±0.5, first-layer biases in
/// [1.1, 1.5] so every hidden ReLU is active (no check lands on a dead unit), others in ±0.5.
fn tiny_seeded(device: &Device, seed: u64) -> Hypernetwork {
    let hnet = tiny(device);
    let mut params = ParamSet::from_module(&hnet).unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    for t in &mut params.tensors {
        let range = if t.path == "mlp.0.bias" { 1.1..1.5 } else { -0.5..0.5 };
        t.values.iter_mut().for_each(|v| *v = rng.random_range(range.clone()));
    }
    params.apply_to(hnet).unwrap()
}

/// `f(φ) = ½‖θ_0(φ) − θ̃‖²` on the host, in f64.
fn half_sq(hnet: &Hypernetwork, target: &ParamSet) -> f64 {
    let theta = hnet.params(0).unwrap();
    theta
        .tensors
        .iter()
        .zip(&target.tensors)
        .flat_map(|(a, b)| a.values.iter().zip(&b.values).map(|(x, y)| 0.5 * f64::from(x - y).powi(2)))
        .sum()
}

fn perturbed(hnet: &Hypernetwork, path: &str, index: usize, by: f32) -> Hypernetwork {
    let mut params = ParamSet::from_module(hnet).unwrap();
    let t = params.tensors.iter_mut().find(|t| t.path == path).unwrap_or_else(|| panic!("no {path}"));
    t.values[index] += by;
    params.apply_to(hnet.clone()).unwrap()
}

/// The gradient of `Σ⟨θ(φ), detach(θ − θ̃)⟩` equals central differences of `½‖θ(φ) − θ̃‖²`
/// for entries of the embedding, the MLP and a head; the other client's embedding gets none.
#[test]
fn hypernetwork_gradient_matches_finite_differences() {
    let device = Device::flex();
    let hnet = tiny_seeded(&device, 5);
    let mut rng = StdRng::seed_from_u64(3);
    let mut target = hnet.params(0).unwrap();
    for t in &mut target.tensors {
        for v in &mut t.values {
            *v += rng.random_range(-1.0..1.0);
        }
    }
    let autodiff = device.clone().autodiff();
    let trained = hnet.clone().fork(&autodiff).train();
    let thetas = trained.forward(0).unwrap();
    let delta = difference(&trained.valid().params(0).unwrap(), &target, None).unwrap();
    let grads = GradientsParams::from_grads(surrogate(&thetas, &delta).unwrap().backward(), &trained);
    let read = |id, rank2: bool| -> Vec<f32> {
        if rank2 {
            grads.get::<2>(id).map(|g| kiln_core::tensor::try_to_vec(g).unwrap()).unwrap_or_default()
        } else {
            grads.get::<1>(id).map(|g| kiln_core::tensor::try_to_vec(g).unwrap()).unwrap_or_default()
        }
    };
    let checks = [
        ("embeddings", 1, read(trained.embeddings.id, true)),
        ("mlp.0.weight", 2, read(trained.mlp[0].weight.id, true)),
        ("mlp.1.bias", 0, read(trained.mlp[1].bias.as_ref().unwrap().id, false)),
        ("heads.0.weight", 4, read(trained.heads[0].weight.id, true)),
        ("heads.1.bias", 2, read(trained.heads[1].bias.as_ref().unwrap().id, false)),
    ];
    let h = 1e-2;
    for (path, index, analytic) in checks {
        let plus = half_sq(&perturbed(&hnet, path, index, h), &target);
        let minus = half_sq(&perturbed(&hnet, path, index, -h), &target);
        let numeric = (plus - minus) / (2.0 * f64::from(h));
        let got = f64::from(analytic[index]);
        assert!(
            (got - numeric).abs() <= 2e-3 + 1e-2 * numeric.abs(),
            "{path}[{index}]: autodiff {got}, central difference {numeric}"
        );
        assert!(numeric.abs() > 1e-4, "{path}[{index}]: a vanishing check proves nothing ({numeric})");
    }
    let embedding = read(trained.embeddings.id, true);
    assert_eq!(&embedding[2..], &[0.0, 0.0], "client 1's embedding takes no gradient from client 0");
}

/// After clipping, the global gradient norm is the clip (and is left alone below it).
#[test]
fn clipping_bounds_the_global_norm() {
    let device = Device::flex();
    let autodiff = device.clone().autodiff();
    let hnet = tiny(&device).fork(&autodiff).train();
    let thetas = hnet.forward(1).unwrap();
    let mut delta = hnet.valid().params(1).unwrap();
    for t in &mut delta.tensors {
        t.values.iter_mut().for_each(|v| *v = 100.0);
    }
    let loss = surrogate(&thetas, &delta).unwrap();
    let mut grads = GradientsParams::from_grads(loss.backward(), &hnet);
    let before = clip_global_norm(&hnet, &mut grads, 0.5);
    assert!(before > 0.5, "{before}");
    let after = clip_global_norm(&hnet, &mut grads, 1e9);
    assert!((after - 0.5).abs() < 1e-3, "norm after clipping {after}");
}

/// `θ_i` has exactly the autoencoder's tensors, and the autoencoder built from it runs.
#[test]
fn hypernetwork_outputs_build_the_autoencoder() {
    let device = Device::flex();
    let ae = AutoencoderConfig::new(vec![64, 64, 32, 16]).init(&device);
    let layout = ParamSet::from_module(&ae).unwrap();
    let hnet =
        HypernetworkConfig::for_target(3, SemiPflConfig::embedding_dim(3), 100, 10, &layout).init(&device).unwrap();
    assert_eq!(SemiPflConfig::embedding_dim(10), 3);
    let theta = hnet.params(2).unwrap();
    let shapes = |p: &ParamSet| p.tensors.iter().map(|t| (t.path.clone(), t.shape.clone())).collect::<Vec<_>>();
    assert_eq!(shapes(&theta), shapes(&layout));
    assert_eq!(theta.tensors.len(), 12, "6 layers, weight and bias each");
    let built = theta.apply_to(ae).unwrap();
    let x = Tensor::<2>::from_data(TensorData::new(vec![0.5f32; 3 * 64], [3, 64]), &device);
    assert_eq!(built.encode(x.clone()).dims(), [3, 16]);
    let y = kiln_core::tensor::try_to_vec(built.forward(x)).unwrap();
    assert_eq!(y.len(), 3 * 64);
    assert!(y.iter().all(|v| v.is_finite() && v.abs() <= 1.0));
    assert!(matches!(hnet.params(3), Err(FedError::InvalidSetting { field: "client", .. })));
}

/// Truth (0,0,1,1,2,2), predicted (0,1,1,1,2,0): F1 = (2/4, 4/5, 2/3), macro 0.65556.
#[test]
fn macro_f1_by_hand() {
    let f1 = macro_f1(&[0, 0, 1, 1, 2, 2], &[0, 1, 1, 1, 2, 0]);
    assert!((f1 - (0.5 + 0.8 + 2.0 / 3.0) / 3.0).abs() < 1e-12, "{f1}");
    // A class only predicted counts with F1 0: (2/3 + 0) / 2.
    assert!((macro_f1(&[0, 0], &[0, 1]) - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(macro_f1(&[3, 1, 3], &[3, 1, 3]), 1.0);
    assert_eq!(macro_f1(&[], &[]), 0.0);
}

/// A zero autoencoder reconstructs 0, so the MSE of a row is its mean square:
/// (0.2,0.2,0.2,0.2) → 0.04 kept, (0.3,0,0,0) → 0.0225 kept, (0.5,0.5,0,0) → 0.125 dropped.
#[test]
fn mse_filter_by_hand() {
    let device = Device::flex();
    let ae = AutoencoderConfig::new(vec![4, 2]).init(&device);
    let mut zero = ParamSet::from_module(&ae).unwrap();
    zero.tensors.iter_mut().for_each(|t: &mut NamedTensor| t.values.iter_mut().for_each(|v| *v = 0.0));
    let ae = zero.apply_to(ae).unwrap();
    let rows = vec![vec![0.2, 0.2, 0.2, 0.2], vec![0.3, 0.0, 0.0, 0.0], vec![0.5, 0.5, 0.0, 0.0]];
    let errors = per_example_mse(&ae, &rows, &device).unwrap();
    for (got, want) in errors.iter().zip([0.04, 0.0225, 0.125]) {
        assert!((got - want).abs() < 1e-6, "{errors:?}");
    }
    assert_eq!(below_threshold(&errors, 0.05), vec![0, 1]);
    assert_eq!(below_threshold(&[0.01, 0.05, 0.2, f32::NAN, 0.049], 0.05), vec![0, 4], "strict, NaN never passes");
}

/// A shift moves pixels; 90° moves offset (u, v) = (−1.5, −0.5) from the centre (3.5, 3.5) to
/// (−v, u) = (0.5, −1.5), pixel (2, 3) → (4, 2); the identity changes nothing; intensity
/// scales.
#[test]
fn client_views_by_hand() {
    let mut image = vec![0.0f32; 64];
    image[3 * 8 + 2] = 1.0; // (x = 2, y = 3)
    let shifted = ClientView { rotation_deg: 0.0, intensity: 0.5, shift: (1, 0) }.apply(&image);
    assert_eq!(shifted[3 * 8 + 3], 0.5);
    assert_eq!(shifted.iter().filter(|&&v| v != 0.0).count(), 1);
    assert_eq!(ClientView::identity().apply(&image), image);
    let turned = ClientView { rotation_deg: 90.0, intensity: 1.0, shift: (0, 0) }.apply(&image);
    let at = turned.iter().position(|&v| v > 0.99).unwrap();
    assert_eq!((at % 8, at / 8), (4, 2), "{turned:?}");
}

#[test]
fn digits_setup_splits_and_configs_validate() {
    let data = DigitsSetup::small().build().unwrap();
    assert_eq!(data.server.len(), 100);
    assert_eq!(data.clients.len(), 10);
    let total: usize = data.clients.iter().map(|c| c.unlabelled.len() + c.test.len()).sum();
    assert_eq!(total + 100, 1797);
    for c in &data.clients {
        assert!(c.labelled.len() >= 2 && c.labelled.len() <= c.unlabelled.len() / 10 + 2, "{}", c.labelled.len());
        assert_eq!(c.labelled[0].features, c.unlabelled[0]);
    }
    assert_ne!(data.clients[0].view, data.clients[9].view);
    SemiPflConfig::new().validate().unwrap();
    SemiPflConfig::small().validate().unwrap();
    let bad = SemiPflConfig { mse_threshold: 0.0, ..SemiPflConfig::small() };
    assert!(matches!(bad.validate(), Err(FedError::InvalidSetting { field: "mse_threshold", .. })));
    let bad = DigitsSetup { label_fraction: 1.5, ..DigitsSetup::small() };
    assert!(matches!(bad.build(), Err(FedError::InvalidSetting { field: "label_fraction", .. })));
}

#[test]
fn hypernetwork_save_load_roundtrip() {
    let device = Device::flex();
    let dir = std::env::temp_dir().join(format!("kiln-fed-semipfl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hnet.bpk");
    let hnet = tiny(&device);
    hnet.save(&path).unwrap();
    let fresh = tiny(&device);
    assert_ne!(fresh.params(1).unwrap(), hnet.params(1).unwrap());
    let loaded = fresh.load(&path).unwrap();
    assert_eq!(loaded.params(1).unwrap(), hnet.params(1).unwrap());
    assert_eq!(ParamSet::from_module(&loaded).unwrap(), ParamSet::from_module(&hnet).unwrap());
    let missing = tiny(&device).load(&dir.join("missing.bpk"));
    assert!(matches!(missing, Err(FedError::File { .. })));
    let _ = std::fs::remove_dir_all(&dir);
}

/// On the federated digits (10 clients, 20% labels, 100 server labels), SemiPFL's mean macro
/// F1 is far above chance (0.1), the generated autoencoders reconstruct better over rounds,
/// and every round's bytes cover at least the autoencoder's values.
#[test]
fn semipfl_learns_federated_digits() {
    kiln_testkit::in_own_process("semipfl::semipfl_learns_federated_digits", || {
        let device = Device::flex();
        device.seed(0);
        let data = DigitsSetup { label_fraction: 0.2, ..DigitsSetup::small() }.build().unwrap();
        let config = SemiPflConfig::small();
        let mut server = SemiPfl::new(config.clone(), data.clients.len(), &device).unwrap();
        let started = std::time::Instant::now();
        let records: Vec<_> = (0..config.rounds).map(|_| server.round(&data).unwrap()).collect();
        let ae_values = ParamSet::from_module(&server.autoencoder_for(0).unwrap()).unwrap().num_values() as u64;
        assert!(records.iter().all(|r| r.bytes_sent >= 4 * ae_values * 2 && r.bytes_received >= 4 * ae_values * 2));
        let mean =
            |rs: &[kiln_fed::semipfl::RoundRecord]| rs.iter().map(|r| r.mse_before).sum::<f64>() / rs.len() as f64;
        let (first, last) = (mean(&records[..5]), mean(&records[records.len() - 5..]));
        eprintln!(
            "mse before local training: first 5 rounds {first:.4}, last 5 {last:.4}; {:.1} s",
            started.elapsed().as_secs_f64()
        );
        assert!(last < 0.5 * first, "reconstruction did not improve: {first} → {last}");
        let outcomes = server.evaluate(&data).unwrap();
        let f1 = outcomes.iter().map(|o| o.f1).sum::<f64>() / outcomes.len() as f64;
        eprintln!("mean macro F1 {f1:.3} ({:.1} s): {outcomes:?}", started.elapsed().as_secs_f64());
        assert!(f1 > 0.3, "mean macro F1 {f1}: not far above chance (about 0.1)");
    });
}

/// A server saved after 2 rounds and resumed for 2 more matches one that ran 4 rounds without
/// stopping (hypernetwork, Adam state and client sampling restored); another seed is refused.
#[test]
fn resumed_server_matches_an_uninterrupted_one() {
    let device = Device::flex();
    let data = DigitsSetup { clients: 4, ..DigitsSetup::small() }.build().unwrap();
    let config = SemiPflConfig { rounds: 4, ae_epochs: 1, hyper_hidden: 16, ..SemiPflConfig::small() };
    let dir = std::env::temp_dir().join(format!("kiln-fed-semipfl-resume-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);

    device.seed(3);
    let mut whole = SemiPfl::new(config.clone(), 4, &device).unwrap();
    let whole_records: Vec<_> = (0..4).map(|_| whole.round(&data).unwrap()).collect();

    device.seed(3);
    let mut first = SemiPfl::resume(config.clone(), 4, &device, &dir).unwrap();
    assert_eq!(first.rounds_done(), 0);
    for _ in 0..2 {
        first.round(&data).unwrap();
    }
    first.save_checkpoint(&dir).unwrap();
    drop(first);
    device.seed(99);
    let mut second = SemiPfl::resume(config.clone(), 4, &device, &dir).unwrap();
    assert_eq!(second.rounds_done(), 2);
    let resumed_records: Vec<_> = (0..2).map(|_| second.round(&data).unwrap()).collect();

    for (a, b) in whole_records[2..].iter().zip(&resumed_records) {
        assert_eq!(a.round, b.round);
        assert_eq!(a.clients, b.clients);
        assert!((a.mse_after - b.mse_after).abs() < 1e-6, "{} vs {}", a.mse_after, b.mse_after);
    }
    let a = ParamSet::from_module(&whole.hypernetwork()).unwrap();
    let b = ParamSet::from_module(&second.hypernetwork()).unwrap();
    for (x, y) in a.tensors.iter().zip(&b.tensors) {
        let worst = x.values.iter().zip(&y.values).map(|(p, q)| (p - q).abs()).fold(0.0f32, f32::max);
        assert!(worst < 1e-5, "{}: resumed differs by {worst}", x.path);
    }

    let other_seed = SemiPflConfig { seed: 7, ..config };
    assert!(matches!(
        SemiPfl::resume(other_seed, 4, &device, &dir),
        Err(FedError::InvalidSetting { field: "seed", .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}
