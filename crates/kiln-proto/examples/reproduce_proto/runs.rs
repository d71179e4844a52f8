//! One run of each model: train to the first push, push, last layer (then for ProtoPNet prune,
//! for ST-ProtoPNet joint training again, as its official schedule does), measuring test
//! accuracy after each step and where the prototypes landed.

use burn::prelude::Device;
use kiln_core::train::{Phase, TrainModel, Trainer};
use kiln_data::ImageBatch;
use kiln_proto::protopnet::{prune, push};
use kiln_proto::st_protopnet::{self, StProtoPNetConfig, StProtoPNetSchedule, mean_distance_to_other_class};
use kiln_proto::{ProtoPNet, ProtoPNetConfig, ProtoPNetSchedule, PrototypeStage, PushReport};
use serde::{Deserialize, Serialize};

use crate::data::ExperimentData;

/// One run's measurements (accuracies in `[0, 1]`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RunResult {
    /// `procedural` or `digits`.
    pub dataset: String,
    /// `ProtoPNet` or `ST-ProtoPNet`.
    pub model: String,
    /// Seed.
    pub seed: u64,
    /// Test accuracy at the end of the joint phase.
    pub before_push: f64,
    /// Right after push.
    pub after_push: f64,
    /// After the last-layer phase.
    pub after_last_layer: f64,
    /// After the joint phase that follows the last layer (ST-ProtoPNet).
    pub after_joint_after_push: Option<f64>,
    /// After pruning (k = 6, τ = 3) and another last-layer phase (ProtoPNet).
    pub after_pruning: Option<f64>,
    /// Prototypes removed by pruning.
    pub pruned: Option<usize>,
    /// Mean distance of support prototypes to the nearest other-class prototype (ST).
    pub support_distance: Option<f64>,
    /// Same for trivial prototypes (ST).
    pub trivial_distance: Option<f64>,
    /// Support prototypes' distance before push, where only the losses shape them (ST).
    pub support_distance_before_push: Option<f64>,
    /// Trivial prototypes' distance before push (ST).
    pub trivial_distance_before_push: Option<f64>,
}

/// The phases of the schedule before the first push, the first last-layer phase and the joint
/// phase after it (none for ProtoPNet): the run pushes itself after the first group, to
/// measure accuracy on both sides.
pub fn split_phases<M: TrainModel<Stage = PrototypeStage>>(phases: &[Phase<M>]) -> [Vec<Phase<M>>; 3] {
    let select = |keep: &dyn Fn(&PrototypeStage) -> bool| phases.iter().filter(|p| keep(&p.stage)).cloned().collect();
    [
        select(&|s| s.before_first_push()),
        select(&|s| *s == PrototypeStage::LastLayer { round: 1 }),
        select(&|s| *s == PrototypeStage::JointAfterPush { round: 1 }),
    ]
}

/// ST-ProtoPNet's small preset: `n` prototypes per class in each of its two sets.
pub fn st_protopnet_config(data: &ExperimentData) -> StProtoPNetConfig {
    StProtoPNetConfig::small(data.classes, data.channels)
}

/// ProtoPNet's small preset with `2n` prototypes per class, as many as ST-ProtoPNet has over
/// both sets. The official configurations match them so: ProtoPNet 2000 prototypes for 200
/// classes (`settings.py`, 10 per class), ST-ProtoPNet 1000 per set (`settings_CUB_CAR.py`,
/// 5 + 5 per class).
pub fn protopnet_config(data: &ExperimentData) -> ProtoPNetConfig {
    let per_class = 2 * st_protopnet_config(data).prototypes_per_class;
    ProtoPNetConfig::small(data.classes, data.channels).with_prototypes_per_class(per_class)
}

/// ProtoPNet trained up to its first push and through it, then its first last-layer phase:
/// the model, the push report and the accuracies before push, after push and after the last
/// layer.
pub fn train_protopnet(
    data: &ExperimentData,
    schedule: &ProtoPNetSchedule,
    seed: u64,
    device: &Device,
) -> kiln_core::Result<(ProtoPNet, PushReport, [f64; 3])> {
    device.seed(seed);
    let set = data.push_set();
    let [before, last_layer, _] = split_phases(&schedule.phases(set.clone()));
    let loader = data.loader(seed);
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    let model = protopnet_config(data).init(device);
    let (model, _) = trainer.fit(model, &before, &loader, None)?;
    let before_push = accuracy(&trainer, &model, data)?;
    let (model, report) = push(model, &set, device);
    let after_push = accuracy(&trainer, &model, data)?;
    let (model, _) = trainer.fit(model, &last_layer, &loader, None)?;
    let after_last_layer = accuracy(&trainer, &model, data)?;
    Ok((model, report, [before_push, after_push, after_last_layer]))
}

fn accuracy<M: TrainModel<Batch = ImageBatch>>(
    trainer: &Trainer,
    model: &M,
    data: &ExperimentData,
) -> kiln_core::Result<f64> {
    Ok(trainer.evaluate(model, &data.test_loader())?.accuracy().unwrap_or(0.0))
}

/// ProtoPNet: warm-up + joint, push, last layer, prune + last layer.
pub fn run_protopnet(
    data: &ExperimentData,
    schedule: &ProtoPNetSchedule,
    seed: u64,
    device: &Device,
) -> kiln_core::Result<RunResult> {
    let (model, _, [before_push, after_push, after_last_layer]) = train_protopnet(data, schedule, seed, device)?;
    let set = data.push_set();
    let [_, last_layer, _] = split_phases(&schedule.phases(set.clone()));
    let (pruned_model, prune_report) = prune(model, &set, device, 6, 3);
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    let (pruned_model, _) = trainer.fit(pruned_model, &last_layer, &data.loader(seed), None)?;
    Ok(RunResult {
        dataset: data.name.into(),
        model: "ProtoPNet".into(),
        seed,
        before_push,
        after_push,
        after_last_layer,
        after_pruning: Some(accuracy(&trainer, &pruned_model, data)?),
        pruned: Some(prune_report.removed.len()),
        ..RunResult::default()
    })
}

/// ST-ProtoPNet: warm-up + joint, push (both sets), last layers, joint after push.
pub fn run_st_protopnet(
    data: &ExperimentData,
    schedule: &StProtoPNetSchedule,
    seed: u64,
    device: &Device,
) -> kiln_core::Result<RunResult> {
    device.seed(seed);
    let set = data.push_set();
    let [before, last_layer, joint_after_push] = split_phases(&schedule.phases(set.clone()));
    let loader = data.loader(seed);
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    let model = st_protopnet_config(data).init(device);
    let (model, _) = trainer.fit(model, &before, &loader, None)?;
    let before_push = accuracy(&trainer, &model, data)?;
    let classes = model.prototype_classes();
    let support_before = mean_distance_to_other_class(model.support.prototype_vectors.val(), &classes);
    let trivial_before = mean_distance_to_other_class(model.trivial.prototype_vectors.val(), &classes);
    let (model, _) = st_protopnet::push(model, &set, device);
    let after_push = accuracy(&trainer, &model, data)?;
    let (model, _) = trainer.fit(model, &last_layer, &loader, None)?;
    let after_last_layer = accuracy(&trainer, &model, data)?;
    let (model, _) = trainer.fit(model, &joint_after_push, &loader, None)?;
    Ok(RunResult {
        dataset: data.name.into(),
        model: "ST-ProtoPNet".into(),
        seed,
        before_push,
        after_push,
        after_last_layer,
        after_joint_after_push: Some(accuracy(&trainer, &model, data)?),
        support_distance: Some(mean_distance_to_other_class(model.support.prototype_vectors.val(), &classes)),
        trivial_distance: Some(mean_distance_to_other_class(model.trivial.prototype_vectors.val(), &classes)),
        support_distance_before_push: Some(support_before),
        trivial_distance_before_push: Some(trivial_before),
        ..RunResult::default()
    })
}
