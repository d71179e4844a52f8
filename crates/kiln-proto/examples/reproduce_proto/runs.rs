//! One run of each model: train to the first push, push, last layer (then for ProtoPNet prune,
//! for ST-ProtoPNet joint training again, as its official schedule does), measuring test
//! accuracy after each step and where the prototypes landed.

use burn::prelude::Device;
use kiln_core::tensor::try_to_vec;
use kiln_core::train::{Phase, TrainModel, Trainer};
use kiln_data::procedural::PartImage;
use kiln_data::{Batcher, ImageBatch, ImageExample};
use kiln_proto::protopnet::{prune, push};
use kiln_proto::render::upsample_bilinear;
use kiln_proto::similarity::log_similarity;
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
    /// Share of prototypes on a class-defining part (procedural only).
    pub on_class_part: Option<f64>,
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

/// Share of prototypes whose highest activation on their source image (the similarity map
/// upsampled to the image) falls on a class-defining part.
fn on_class_part(
    report: &PushReport,
    parts: &[PartImage],
    activation: impl Fn(&ImageExample, usize) -> kiln_core::Result<(Vec<f32>, usize, usize)>,
) -> kiln_core::Result<f64> {
    let mut on = 0usize;
    let mut total = 0usize;
    for source in &report.sources {
        let Some(part_image) = source.image_index.and_then(|i| parts.get(i)) else { continue };
        let (map, h, w) = activation(&part_image.to_example(), source.prototype)?;
        let (ih, iw) = (part_image.image.height, part_image.image.width);
        let heat = upsample_bilinear(&map, h, w, ih, iw);
        let pixel = kiln_core::metrics::argmax(&heat);
        total += 1;
        on += usize::from(
            part_image.parts.iter().any(|p| p.defines_class && p.mask.get(pixel).copied().unwrap_or(false)),
        );
    }
    Ok(if total == 0 { 0.0 } else { on as f64 / total as f64 })
}

/// The `h × w` map of prototype `j` in a `[1, P, h, w]` tensor of maps.
fn map_of(maps: Vec<f32>, j: usize, h: usize, w: usize) -> (Vec<f32>, usize, usize) {
    (maps[j * h * w..(j + 1) * h * w].to_vec(), h, w)
}

/// ProtoPNet: warm-up + joint, push, last layer, prune + last layer.
pub fn run_protopnet(
    data: &ExperimentData,
    schedule: &ProtoPNetSchedule,
    seed: u64,
    device: &Device,
) -> kiln_core::Result<RunResult> {
    let (model, report, [before_push, after_push, after_last_layer]) = train_protopnet(data, schedule, seed, device)?;
    let set = data.push_set();
    let on_part = match &data.parts {
        Some(parts) => Some(on_class_part(&report, parts, |example, j| {
            let batch = data.batcher.batch(std::slice::from_ref(example), device, None);
            let maps = model.forward(batch.images).distance_maps;
            let [_, _, h, w] = maps.dims();
            Ok(map_of(try_to_vec(log_similarity(maps, model.epsilon))?, j, h, w))
        })?),
        None => None,
    };
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
        on_class_part: on_part,
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
    let (model, report) = st_protopnet::push(model, &set, device);
    let after_push = accuracy(&trainer, &model, data)?;
    let (model, _) = trainer.fit(model, &last_layer, &loader, None)?;
    let after_last_layer = accuracy(&trainer, &model, data)?;
    let on_part = match &data.parts {
        Some(parts) => {
            let share = |support: bool, report: &PushReport| {
                on_class_part(report, parts, |example, j| {
                    let batch = data.batcher.batch(std::slice::from_ref(example), device, None);
                    let out = model.forward(batch.images);
                    let maps = if support { out.support.projection_maps } else { out.trivial.projection_maps };
                    let [_, _, h, w] = maps.dims();
                    Ok(map_of(try_to_vec(maps)?, j, h, w))
                })
            };
            Some((share(false, &report.trivial)? + share(true, &report.support)?) / 2.0)
        }
        None => None,
    };
    let (model, _) = trainer.fit(model, &joint_after_push, &loader, None)?;
    Ok(RunResult {
        dataset: data.name.into(),
        model: "ST-ProtoPNet".into(),
        seed,
        before_push,
        after_push,
        after_last_layer,
        after_joint_after_push: Some(accuracy(&trainer, &model, data)?),
        on_class_part: on_part,
        support_distance: Some(mean_distance_to_other_class(model.support.prototype_vectors.val(), &classes)),
        trivial_distance: Some(mean_distance_to_other_class(model.trivial.prototype_vectors.val(), &classes)),
        support_distance_before_push: Some(support_before),
        trivial_distance_before_push: Some(trivial_before),
        ..RunResult::default()
    })
}
