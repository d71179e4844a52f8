//! SDFA and SA against hand computations and across devices; the typed warm-up stage; the
//! schedule; save/load.

use burn::module::Module;
use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::testing::max_abs_diff;
use kiln_core::train::Trainable;
use kiln_proto::PrototypeStage;
use kiln_proto::eval_protopnet::loss::{sdfa_loss, space_to_depth};
use kiln_proto::eval_protopnet::score_aggregation;
use kiln_proto::prob_psenn::noise::standard_normal;
use kiln_proto::{EvalProtoPNetConfig, EvalProtoPNetSchedule};

use super::host;

fn tensor4(values: Vec<f32>, shape: [usize; 4], device: &Device) -> Tensor<4> {
    Tensor::from_data(TensorData::new(values, shape), device)
}

/// Space-to-depth puts each `r × r` block of the shallow map on one deep position, channel
/// `(c, row in block, column in block)`; rows and columns beyond a multiple are cropped.
#[test]
fn space_to_depth_moves_blocks_to_channels() {
    let device = Device::flex();
    let shallow = tensor4((0..8).map(|v| v as f32).collect(), [1, 1, 2, 4], &device);
    let out = space_to_depth(shallow, 1, 2);
    assert_eq!(out.dims(), [1, 4, 1, 2]);
    assert_eq!(host(out), vec![0.0, 2.0, 1.0, 3.0, 4.0, 6.0, 5.0, 7.0]);
    let odd = tensor4((0..15).map(|v| v as f32).collect(), [1, 1, 3, 5], &device);
    let out = space_to_depth(odd, 1, 2);
    assert_eq!(out.dims(), [1, 6, 1, 2]);
    // Column 4 is cropped: position 0 holds columns 0–1, position 1 columns 2–3, of all rows.
    assert_eq!(host(out), vec![0.0, 2.0, 1.0, 3.0, 5.0, 7.0, 6.0, 8.0, 10.0, 12.0, 11.0, 13.0]);
}

/// Deep features at three positions `(1, 0)`, `(0, 1)`, `(0.6, 0.8)` and orthogonal shallow ones:
/// `|S_deep − S_shallow|` has rows `[0, 0, 0.6]`, `[0, 0, 0.8]`, `[0.6, 0.8, 0]`. The image is of
/// class 1, whose prototypes 2 and 3 peak at positions 1 and 2 (class 0's, at position 0, must
/// not count): `L = (0.7 + (0.5 + 0.7)) / (2 · 3)`.
#[test]
fn sdfa_matches_hand_computation_on_the_true_class_rows() {
    let device = Device::flex();
    let deep = tensor4(vec![1.0, 0.0, 0.6, 0.0, 1.0, 0.8], [1, 2, 1, 3], &device);
    let shallow = tensor4(vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0], [1, 3, 1, 3], &device);
    #[rustfmt::skip]
    let maps = tensor4(vec![
        5.0, 0.0, 0.0, // prototype 0 (class 0)
        5.0, 0.0, 0.0, // prototype 1 (class 0)
        0.0, 2.0, 1.0, // prototype 2 (class 1): position 1
        0.0, 1.0, 3.0, // prototype 3 (class 1): position 2
    ], [1, 4, 1, 3], &device);
    let targets = Tensor::<1, Int>::from_data([1i64], &device);
    let loss = sdfa_loss(maps, shallow, deep, targets, 2, 0.1).into_scalar::<f32>();
    assert!((loss - 1.9 / 6.0).abs() < 1e-6, "{loss}");
}

/// Similarity matrices within the tolerance give no loss: deep `(1, 0)`, `(0.6, 0.8)` (cosine
/// 0.6) against shallow cosine 0.55. Against 0.4 one of the row's two entries differs by 0.2:
/// `L = (0.2 − 0.1) / 2`.
#[test]
fn sdfa_is_zero_within_the_tolerance() {
    let device = Device::flex();
    let deep = tensor4(vec![1.0, 0.6, 0.0, 0.8], [1, 2, 1, 2], &device);
    let maps = tensor4(vec![1.0, 0.0], [1, 1, 1, 2], &device);
    let targets = Tensor::<1, Int>::from_data([0i64], &device);
    let shallow = |c: f32| tensor4(vec![1.0, c, 0.0, (1.0 - c * c).sqrt()], [1, 2, 1, 2], &device);
    let near = sdfa_loss(maps.clone(), shallow(0.55), deep.clone(), targets.clone(), 1, 0.1).into_scalar::<f32>();
    assert_eq!(near, 0.0);
    let far = sdfa_loss(maps, shallow(0.4), deep, targets, 1, 0.1).into_scalar::<f32>();
    assert!((far - 0.05).abs() < 1e-6, "{far}");
}

/// SA with m = 2: class 0's weights `(0, ln 3)` give `w = 2 · (1/4, 3/4) = (0.5, 1.5)`, class
/// 1's `(0, 0)` give `(1, 1)`; no class sees another's prototypes.
#[test]
fn sa_logits_match_hand_values() {
    let device = Device::flex();
    let weights = Tensor::<1>::from_floats([0.0, 3f32.ln(), 0.0, 0.0], &device);
    let s = Tensor::<2>::from_data([[1.0f32, 2.0, 3.0, 4.0], [2.0, 0.0, -1.0, 1.0]], &device);
    let logits = host(score_aggregation(weights, s, 2));
    let want = [0.5 + 3.0, 3.0 + 4.0, 1.0, 0.0];
    for (g, w) in logits.iter().zip(want) {
        assert!((g - w).abs() < 1e-5, "{logits:?}");
    }
}

/// SDFA and SA on seeded host data, on `device`.
fn sdfa_and_sa(device: &Device) -> (Tensor<1>, Tensor<2>) {
    let values = |seed, n| standard_normal(seed, n);
    let maps = tensor4(values(1, 2 * 6 * 16), [2, 6, 4, 4], device);
    let shallow = tensor4(values(2, 2 * 5 * 64).iter().map(|v| v.abs()).collect(), [2, 5, 8, 8], device);
    let deep = tensor4(values(3, 2 * 7 * 16).iter().map(|v| v.abs()).collect(), [2, 7, 4, 4], device);
    let targets = Tensor::<1, Int>::from_data([2i64, 0], device);
    let loss = sdfa_loss(maps, shallow, deep, targets, 2, 0.1);
    let weights = Tensor::<1>::from_data(TensorData::new(values(4, 6), [6]), device);
    let s = Tensor::<2>::from_data(TensorData::new(values(5, 12), [2, 6]), device);
    (loss, score_aggregation(weights, s, 2))
}

kiln_core::test_device!(sdfa_and_sa_agree_with_flex, |device| {
    let (loss, logits) = sdfa_and_sa(&device);
    let (want_loss, want_logits) = sdfa_and_sa(&Device::flex());
    assert!(want_loss.clone().into_scalar::<f32>() > 0.0, "a loss that can differ");
    assert!(max_abs_diff(loss.to_device(&Device::flex()), want_loss) < 1e-4);
    assert!(max_abs_diff(logits.to_device(&Device::flex()), want_logits) < 1e-4);
});

/// SDFA is logged in every stage but joins the optimised total only after warm-up; without
/// SDFA it is neither logged nor added.
#[test]
fn sdfa_joins_the_loss_after_warm_up() {
    let device = Device::flex();
    device.seed(5);
    let model = EvalProtoPNetConfig::small(3, 3).init(&device);
    let images = Tensor::<4>::random([4, 3, 32, 32], burn::tensor::Distribution::Default, &device);
    let targets = Tensor::<1, Int>::from_data([0i64, 1, 2, 1], &device);
    let term = |out: &kiln_core::train::StepOutput, name: &str| {
        out.terms.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone().into_scalar::<f32>())
    };
    let warm = model.losses(images.clone(), targets.clone(), PrototypeStage::WarmUp);
    let joint = model.losses(images.clone(), targets.clone(), PrototypeStage::Joint { round: 1 });
    let sdfa = term(&joint, "sdfa").expect("SDFA is logged");
    assert!(sdfa > 0.0, "an untrained backbone has misaligned similarities");
    let (w, j) = (warm.loss.into_scalar::<f32>(), joint.loss.into_scalar::<f32>());
    assert!((j - w - 0.5 * sdfa).abs() < 1e-5, "warm {w}, joint {j}, sdfa {sdfa}");
    let off = EvalProtoPNetConfig::small(3, 3).with_sdfa(false).init(&device);
    assert!(term(&off.losses(images, targets, PrototypeStage::Joint { round: 1 }), "sdfa").is_none());
}

/// The official schedule: warm 5 (backbone frozen), joint 7 under StepLR(3, 0.2); SA's
/// weights train in both at 1e-6; no push, no last layer.
#[test]
fn schedule_trains_sa_weights_at_their_own_rate() {
    let phases = EvalProtoPNetSchedule::new().phases();
    assert_eq!(phases.len(), 2);
    assert_eq!(phases[0].stage, PrototypeStage::WarmUp);
    assert_eq!(phases[1].stage, PrototypeStage::Joint { round: 1 });
    let [warm, joint] = [&phases[0], &phases[1]].map(|p| p.train_phase().expect("gradient phases").clone());
    assert_eq!((warm.epochs, joint.epochs), (5, 7));
    assert_eq!(warm.trainable, Trainable::only(["add_on_layers", "prototype_vectors", "activation_weight"]));
    let trainable = joint.trainable.patterns();
    assert!(trainable.contains(&"features".to_string()) && !trainable.contains(&"last_layer".to_string()));
    for phase in [&warm, &joint] {
        let sa = phase.groups.iter().find(|g| g.path == "activation_weight").expect("SA group");
        assert_eq!(sa.lr, 1e-6);
    }
    assert_eq!(joint.schedule, kiln_core::train::LrSchedule::Step { every: 3, gamma: 0.2 });
}

#[test]
fn save_load_round_trip() {
    let device = Device::flex();
    device.seed(6);
    let config = EvalProtoPNetConfig::small(4, 3);
    let model = config.init(&device);
    let dir = std::env::temp_dir().join(format!("kiln-eval-protopnet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.bpk");
    model.clone().save_file(&path).unwrap();
    let loaded = config.init(&device).load_file(&path);
    let x = Tensor::<4>::random([2, 3, 32, 32], burn::tensor::Distribution::Default, &device);
    let (a, b) = (model.forward(x.clone()), loaded.forward(x));
    assert_eq!(host(a.logits), host(b.logits));
    assert_eq!(host(a.projection_maps), host(b.projection_maps));
    let _ = std::fs::remove_dir_all(&dir);
}
