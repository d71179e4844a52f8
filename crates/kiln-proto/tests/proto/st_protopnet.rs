//! ST-ProtoPNet: prototype-geometry costs, alternating objective, schedule, unit-norm
//! constraint, push, learning.

use burn::prelude::{Device, Tensor};
use kiln_core::train::{Phase, TrainPhase, Trainable, Trainer};
use kiln_data::{Batcher, DataLoader, ImageBatcher, Normalize, digits, split};
use kiln_proto::PrototypeStage;
use kiln_proto::protopnet::PushSet;
use kiln_proto::st_protopnet::loss::{closeness_cost, discrimination_cost, masked_max_similarity, orthogonality_cost};
use kiln_proto::st_protopnet::{
    StProtoPNet, StProtoPNetConfig, StProtoPNetSchedule, mean_distance_to_other_class, push,
};

fn host<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
}

#[test]
fn prototype_costs_match_hand_computation() {
    let device = Device::flex();
    // Class 0: (1, 0), (0, 1); class 1: (0.6, 0.8), (−1, 0).
    let p = Tensor::<2>::from_data([[1.0f32, 0.0], [0.0, 1.0], [0.6, 0.8], [-1.0, 0.0]], &device);
    // Cross-class inner products: 0.6, −1, 0.8, 0 → max 0.8, min −1.
    let dis = discrimination_cost(p.clone(), 2).into_scalar::<f32>();
    assert!((dis - 0.8).abs() < 1e-5, "{dis}");
    let clo = closeness_cost(p.clone(), 2).into_scalar::<f32>();
    assert!((clo - 1.0).abs() < 1e-5, "{clo}");
    // Class 1's Gram matrix has off-diagonal −0.6 twice; class 0's is the identity.
    let orth = orthogonality_cost(p, 2).into_scalar::<f32>();
    assert!((orth - 1.2).abs() < 1e-5, "{orth}");
    let s = Tensor::<2>::from_data([[0.9f32, 0.1, -0.5], [0.2, 0.3, 0.4]], &device);
    let mask = Tensor::<2>::from_data([[0.0f32, 1.0, 1.0], [1.0, 0.0, 0.0]], &device);
    let v = masked_max_similarity(s, mask).into_scalar::<f32>();
    assert!((v - (0.1 + 0.2) / 2.0).abs() < 1e-6, "{v}");
}

fn max_change(before: &[f32], after: &[f32]) -> f32 {
    before.iter().zip(after).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max)
}

/// Trains only the prototypes for 3 epochs of `steps_per_epoch` steps; returns how far the
/// trivial and the support prototypes moved.
fn prototype_moves(
    steps_per_epoch: usize,
    loader: &DataLoader<kiln_data::ImageExample, kiln_data::ImageBatch>,
    device: &Device,
) -> (f32, f32) {
    device.seed(7);
    let model = StProtoPNetConfig::small(10, 1).init(device);
    let trivial = host(model.trivial.prototype_vectors.val());
    let support = host(model.support.prototype_vectors.val());
    let phase = TrainPhase::new(3, 1e-2)
        .with_trainable(Trainable::only(["prototype_vectors"]))
        .with_max_steps_per_epoch(steps_per_epoch);
    let phases: Vec<Phase<StProtoPNet>> =
        vec![Phase::train("prototypes", phase).in_stage(PrototypeStage::Joint { round: 1 })];
    let (model, _) = Trainer::new(device.clone()).with_seed(7).fit(model, &phases, loader, None).unwrap();
    (
        max_change(&trivial, &host(model.trivial.prototype_vectors.val())),
        max_change(&support, &host(model.support.prototype_vectors.val())),
    )
}

/// The trivial objective (no gradient to the support set) is optimised at even steps of each
/// epoch, the support objective at odd ones. With one step per epoch every step is step 0 of
/// its epoch while the global step runs 0, 1, 2: by the in-epoch index the support prototypes
/// never move; by the global step they would at step 1. With two steps per epoch they do.
#[test]
fn objective_alternates_by_the_step_within_the_epoch() {
    let device = Device::flex();
    let (_, loader, _, _) = digits_setup(7);
    let (trivial, support) = prototype_moves(1, &loader, &device);
    assert!(trivial > 1e-3, "trivial prototypes moved only {trivial}");
    assert!(support < 1e-6, "support prototypes moved {support} with only even steps in every epoch");
    let (_, support) = prototype_moves(2, &loader, &device);
    assert!(support > 1e-3, "support prototypes moved only {support} with odd steps");
}

/// `new()` is the official cropped run (cropped/main.py, settings_CUB_CAR.py): warm 5, joint
/// 16 (epochs 5–20), push, last layer 10, joint 9 (epochs 21–29), the joint rates decayed by
/// 0.2 at the start of epochs 7, 9, 11 and 13 and settled from then on.
#[test]
fn schedule_follows_the_official_cropped_run() {
    let (set, _, _, _) = digits_setup(0);
    let phases = StProtoPNetSchedule::new().phases(set);
    let mut stages: Vec<(PrototypeStage, usize)> = Vec::new();
    for p in &phases {
        match stages.last_mut() {
            Some((stage, epochs)) if *stage == p.stage => *epochs += p.epochs(),
            _ => stages.push((p.stage, p.epochs())),
        }
    }
    assert_eq!(
        stages,
        [
            (PrototypeStage::WarmUp, 5),
            (PrototypeStage::Joint { round: 1 }, 16),
            (PrototypeStage::Push { round: 1 }, 1),
            (PrototypeStage::LastLayer { round: 1 }, 10),
            (PrototypeStage::JointAfterPush { round: 1 }, 9),
        ]
    );
    let decay = |epoch: usize| 0.2f64.powi([7, 9, 11, 13].iter().filter(|&&s| s <= epoch).count() as i32);
    let mut epoch = 5;
    for p in phases
        .iter()
        .filter(|p| matches!(p.stage, PrototypeStage::Joint { .. } | PrototypeStage::JointAfterPush { .. }))
    {
        let tp = p.train_phase().unwrap();
        let features = tp.groups.iter().find(|g| g.path == "features").unwrap().lr;
        for e in 0..tp.epochs {
            let factor = tp.schedule.factor(0, 0, e);
            let (add_on, backbone) = (tp.lr * factor, features * factor);
            assert!((add_on / (3e-3 * decay(epoch)) - 1.0).abs() < 1e-9, "epoch {epoch}: add-on rate {add_on}");
            assert!((backbone / (1e-4 * decay(epoch)) - 1.0).abs() < 1e-9, "epoch {epoch}: backbone rate {backbone}");
            epoch += 1;
        }
    }
    assert_eq!(epoch, 30);
}

fn digits_setup(
    seed: u64,
) -> (PushSet, DataLoader<kiln_data::ImageExample, kiln_data::ImageBatch>, Vec<kiln_data::ImageExample>, ImageBatcher) {
    let data = split(digits().unwrap(), 0.0, 0.2, seed);
    let batcher = ImageBatcher::new(Normalize::fit(&data.train));
    let set = PushSet::new(data.train.clone(), batcher.clone());
    let loader = DataLoader::new(data.train, batcher.clone(), 64).shuffled(seed);
    (set, loader, data.test, batcher)
}

#[test]
fn push_projects_onto_unit_patches_and_training_keeps_unit_prototypes() {
    let device = Device::flex();
    device.seed(5);
    let (set, loader, test, batcher) = digits_setup(5);
    let model = StProtoPNetConfig::small(10, 1).init(&device);
    let schedule = StProtoPNetSchedule {
        warm_epochs: 1,
        joint_epochs: 2,
        last_layer_epochs: 1,
        joint_after_push_epochs: 1,
        ..StProtoPNetSchedule::small()
    };
    let phases: Vec<Phase<StProtoPNet>> = schedule.phases(set.clone());
    let (model, report) = Trainer::new(device.clone()).with_seed(5).fit(model, &phases, &loader, None).unwrap();
    assert!(report.completed);
    for branch in [&model.trivial, &model.support] {
        let p = host(branch.prototype_vectors.val());
        for row in p.chunks(64) {
            let norm: f32 = row.iter().map(|v| v * v).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-4, "prototype norm {norm}");
        }
    }
    // Push again and check that each prototype's source patch now has cosine similarity 1.
    let (pushed, push_report) = push(model, &set, &device);
    for (branch, sources) in [(&pushed.trivial, &push_report.trivial), (&pushed.support, &push_report.support)] {
        for source in &sources.sources {
            let index = source.image_index.expect("every class has images");
            assert_eq!(set.images[index].label, source.class);
            let batch = batcher.batch(std::slice::from_ref(&set.images[index]), &device, None);
            let out = branch.forward(pushed.features.features(batch.images));
            let cos = host(out.cosines)[source.prototype];
            assert!((cos - 1.0).abs() < 1e-3, "prototype {} has cosine {cos} to its source", source.prototype);
        }
    }
    let _ = (test, mean_distance_to_other_class(pushed.support.prototype_vectors.val(), &pushed.prototype_classes()));
}

#[test]
fn learns_digits() {
    kiln_testkit::in_own_process("st_protopnet::learns_digits", learns_digits_alone);
}

/// The body of [`learns_digits`], run in a process of its own (burn's device RNG to itself).
fn learns_digits_alone() {
    let device = Device::flex();
    device.seed(6);
    let (set, loader, test, batcher) = digits_setup(6);
    let model = StProtoPNetConfig::small(10, 1).init(&device);
    let phases = StProtoPNetSchedule::small().phases(set);
    let trainer = Trainer::new(device.clone()).with_seed(6);
    let (model, _) = trainer.fit(model, &phases, &loader, None).unwrap();
    let acc = trainer.evaluate(&model, &DataLoader::new(test, batcher, 256)).unwrap().accuracy().unwrap();
    assert!(acc >= 0.9, "ST-ProtoPNet test accuracy on digits {acc}");
}
