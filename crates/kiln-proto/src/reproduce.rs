//! The family's experiment (`cargo xtask reproduce proto`): ProtoPNet and ST-ProtoPNet at the
//! same budget on the procedural part-annotated images and on the embedded digits, several
//! seeds. Measures test accuracy before and after push, after the last-layer phase and after
//! pruning; the share of prototypes whose highest activation on their source image falls on a
//! class-defining part; and, for ST-ProtoPNet, the mean distance of support and trivial
//! prototypes to the nearest other-class prototype.

use burn::prelude::Device;
use kiln_core::tensor::to_vec;
use kiln_core::train::{Phase, TrainModel, Trainer};
use kiln_data::procedural::{PartImage, ProceduralConfig, generate};
use kiln_data::{Batcher, DataLoader, ImageBatch, ImageBatcher, ImageExample, Normalize, digits, split};
use serde::{Deserialize, Serialize};

use crate::protopnet::{PushReport, PushSet, prune, push};
use crate::render::upsample_bilinear;
use crate::similarity::log_similarity;
use crate::st_protopnet::{self, StProtoPNet, StProtoPNetConfig, mean_distance_to_other_class};
use crate::{ProtoPNet, ProtoPNetConfig, ProtoPNetSchedule};

/// What to run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReproduceOptions {
    /// Seeds (one run per seed, dataset and model).
    pub seeds: Vec<u64>,
    /// Classes of the procedural set.
    pub procedural_classes: usize,
    /// Side of the procedural images.
    pub image_size: usize,
    /// Number of procedural images (80% train, 20% test).
    pub procedural_images: usize,
    /// The schedule both models share.
    pub schedule: ProtoPNetSchedule,
}

impl Default for ReproduceOptions {
    fn default() -> Self {
        Self {
            seeds: vec![0, 1, 2],
            procedural_classes: 6,
            image_size: 32,
            procedural_images: 1800,
            schedule: ProtoPNetSchedule { joint_epochs: 15, ..ProtoPNetSchedule::small() },
        }
    }
}

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

/// A dataset ready for the experiment.
pub struct ExperimentData {
    /// Name.
    pub name: String,
    /// Training images (also the push set).
    pub train: Vec<ImageExample>,
    /// Test images.
    pub test: Vec<ImageExample>,
    /// Part annotations aligned with `train` (procedural only).
    pub parts: Option<Vec<PartImage>>,
    /// Normalising batcher.
    pub batcher: ImageBatcher,
    /// Input channels.
    pub channels: usize,
    /// Classes.
    pub classes: usize,
}

impl ExperimentData {
    /// The training images as the push set.
    pub fn push_set(&self) -> PushSet {
        PushSet::new(self.train.clone(), self.batcher.clone(), 128)
    }

    /// The training loader, shuffled by `seed`.
    pub fn loader(&self, seed: u64) -> DataLoader<ImageExample, ImageBatch> {
        DataLoader::new(self.train.clone(), self.batcher.clone(), 64).shuffled(seed)
    }
}

/// The procedural set of `options`, split 80/20 by `seed`.
pub fn procedural_data(options: &ReproduceOptions, seed: u64) -> kiln_data::Result<ExperimentData> {
    let cfg = ProceduralConfig::new(options.procedural_classes)
        .with_image_size(options.image_size)
        .with_num_images(options.procedural_images)
        .with_seed(seed);
    let s = split(generate(&cfg)?, 0.0, 0.2, seed);
    let train: Vec<ImageExample> = s.train.iter().map(PartImage::to_example).collect();
    let test = s.test.iter().map(PartImage::to_example).collect();
    let batcher = ImageBatcher::new(Normalize::fit(&train));
    Ok(ExperimentData {
        name: "procedural".into(),
        train,
        test,
        parts: Some(s.train),
        batcher,
        channels: 3,
        classes: options.procedural_classes,
    })
}

/// The embedded digits, split 80/20 by `seed`.
pub fn digits_data(seed: u64) -> kiln_data::Result<ExperimentData> {
    let s = split(digits()?, 0.0, 0.2, seed);
    let batcher = ImageBatcher::new(Normalize::fit(&s.train));
    Ok(ExperimentData {
        name: "digits".into(),
        train: s.train,
        test: s.test,
        parts: None,
        batcher,
        channels: 1,
        classes: 10,
    })
}

fn accuracy<M: TrainModel<Batch = ImageBatch>>(trainer: &Trainer, model: &M, data: &ExperimentData) -> f64 {
    let loader = DataLoader::new(data.test.clone(), data.batcher.clone(), 256);
    trainer.evaluate(model, &loader, "test", 0, 0).accuracy().unwrap_or(0.0)
}

/// Share of prototypes whose highest activation on their source image (the similarity map
/// upsampled to the image) falls on a class-defining part.
fn on_class_part(
    report: &PushReport,
    parts: &[PartImage],
    activation: impl Fn(&ImageExample, usize) -> (Vec<f32>, usize, usize),
) -> f64 {
    let mut on = 0usize;
    let mut total = 0usize;
    for source in &report.sources {
        let Some(part_image) = source.image_index.and_then(|i| parts.get(i)) else { continue };
        let (map, h, w) = activation(&part_image.to_example(), source.prototype);
        let (ih, iw) = (part_image.image.height, part_image.image.width);
        let heat = upsample_bilinear(&map, h, w, ih, iw);
        let pixel = kiln_core::metrics::argmax(&heat);
        total += 1;
        on += usize::from(
            part_image.parts.iter().any(|p| p.defines_class && p.mask.get(pixel).copied().unwrap_or(false)),
        );
    }
    if total == 0 { 0.0 } else { on as f64 / total as f64 }
}

/// ProtoPNet: warm-up + joint, push, last layer, prune + last layer.
pub fn run_protopnet(
    data: &ExperimentData,
    options: &ReproduceOptions,
    seed: u64,
    device: &Device,
) -> kiln_core::Result<RunResult> {
    device.seed(seed);
    let set = data.push_set();
    let phases = options.schedule.phases(set.clone());
    let loader = data.loader(seed);
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    let model = ProtoPNetConfig::small(data.classes, data.channels).init(device);
    let (model, _) = trainer.fit(model, &phases[..2], &loader, None)?;
    let before_push = accuracy(&trainer, &model, data);
    let (model, report) = push(model, &set, device);
    let after_push = accuracy(&trainer, &model, data);
    let last_layer: &[Phase<ProtoPNet>] = &phases[3..4];
    let (model, _) = trainer.fit(model, last_layer, &loader, None)?;
    let after_last_layer = accuracy(&trainer, &model, data);
    let on_part = data.parts.as_ref().map(|parts| {
        on_class_part(&report, parts, |example, j| {
            let batch = data.batcher.batch(std::slice::from_ref(example), device, None);
            let maps = model.forward(batch.images).distance_maps;
            let [_, _, h, w] = maps.dims();
            let sim = to_vec(log_similarity(maps, model.epsilon));
            (sim[j * h * w..(j + 1) * h * w].to_vec(), h, w)
        })
    });
    let (pruned_model, prune_report) = prune(model, &set, device, 6, 3);
    let (pruned_model, _) = trainer.fit(pruned_model, last_layer, &loader, None)?;
    Ok(RunResult {
        dataset: data.name.clone(),
        model: "ProtoPNet".into(),
        seed,
        before_push,
        after_push,
        after_last_layer,
        after_pruning: Some(accuracy(&trainer, &pruned_model, data)),
        pruned: Some(prune_report.removed.len()),
        on_class_part: on_part,
        ..RunResult::default()
    })
}

/// ST-ProtoPNet at the same budget: warm-up + joint, push (both sets), last layers.
pub fn run_st_protopnet(
    data: &ExperimentData,
    options: &ReproduceOptions,
    seed: u64,
    device: &Device,
) -> kiln_core::Result<RunResult> {
    device.seed(seed);
    let set = data.push_set();
    let phases = options.schedule.phases_with(st_protopnet::push_action(set.clone()));
    let loader = data.loader(seed);
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    let model = StProtoPNetConfig::small(data.classes, data.channels).init(device);
    let (model, _) = trainer.fit(model, &phases[..2], &loader, None)?;
    let before_push = accuracy(&trainer, &model, data);
    let classes = model.prototype_classes();
    let support_before = mean_distance_to_other_class(model.support.prototype_vectors.val(), &classes);
    let trivial_before = mean_distance_to_other_class(model.trivial.prototype_vectors.val(), &classes);
    let (model, report) = st_protopnet::push(model, &set, device);
    let after_push = accuracy(&trainer, &model, data);
    let last_layer: &[Phase<StProtoPNet>] = &phases[3..4];
    let (model, _) = trainer.fit(model, last_layer, &loader, None)?;
    let after_last_layer = accuracy(&trainer, &model, data);
    let on_part = data.parts.as_ref().map(|parts| {
        let share = |support: bool, report: &PushReport| {
            on_class_part(report, parts, |example, j| {
                let batch = data.batcher.batch(std::slice::from_ref(example), device, None);
                let out = model.forward(batch.images);
                let maps = if support { out.support.projection_maps } else { out.trivial.projection_maps };
                let [_, _, h, w] = maps.dims();
                let all = to_vec(maps);
                (all[j * h * w..(j + 1) * h * w].to_vec(), h, w)
            })
        };
        (share(false, &report.trivial) + share(true, &report.support)) / 2.0
    });
    Ok(RunResult {
        dataset: data.name.clone(),
        model: "ST-ProtoPNet".into(),
        seed,
        before_push,
        after_push,
        after_last_layer,
        on_class_part: on_part,
        support_distance: Some(mean_distance_to_other_class(model.support.prototype_vectors.val(), &classes)),
        trivial_distance: Some(mean_distance_to_other_class(model.trivial.prototype_vectors.val(), &classes)),
        support_distance_before_push: Some(support_before),
        trivial_distance_before_push: Some(trivial_before),
        ..RunResult::default()
    })
}

fn cell(values: &[f64], percent: bool) -> String {
    if values.is_empty() {
        return "–".into();
    }
    let (m, s) = kiln_core::metrics::mean_std(values);
    if percent { format!("{:.1} ± {:.1}", 100.0 * m, 100.0 * s) } else { format!("{m:.3} ± {s:.3}") }
}

/// The results as the Markdown table of `docs/results/proto.md` (without its header).
pub fn markdown_tables(results: &[RunResult]) -> String {
    let mut md = String::from(
        "| dataset | model | before push | after push | after last layer | after pruning | pruned | on class-defining part |\n|---|---|---|---|---|---|---|---|\n",
    );
    let mut keys: Vec<(String, String)> = Vec::new();
    for key in results.iter().map(|r| (r.dataset.clone(), r.model.clone())) {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    for (dataset, model) in &keys {
        let runs: Vec<&RunResult> = results.iter().filter(|r| &r.dataset == dataset && &r.model == model).collect();
        let col = |f: &dyn Fn(&RunResult) -> Option<f64>| runs.iter().filter_map(|r| f(r)).collect::<Vec<f64>>();
        md.push_str(&format!(
            "| {dataset} | {model} | {} | {} | {} | {} | {} | {} |\n",
            cell(&col(&|r| Some(r.before_push)), true),
            cell(&col(&|r| Some(r.after_push)), true),
            cell(&col(&|r| Some(r.after_last_layer)), true),
            cell(&col(&|r| r.after_pruning), true),
            cell(&col(&|r| r.pruned.map(|p| p as f64)), false),
            cell(&col(&|r| r.on_class_part), true),
        ));
    }
    md.push_str("\nST-ProtoPNet prototype geometry (unit prototypes; mean Euclidean distance to the nearest prototype of another class, lower = nearer the decision boundary):\n\n");
    md.push_str("| dataset | support, before push | trivial, before push | support, final | trivial, final | support nearer (final) in |\n|---|---|---|---|---|---|\n");
    for (dataset, model) in keys.iter().filter(|(_, m)| m == "ST-ProtoPNet") {
        let runs: Vec<&RunResult> = results.iter().filter(|r| &r.dataset == dataset && &r.model == model).collect();
        let support: Vec<f64> = runs.iter().filter_map(|r| r.support_distance).collect();
        let trivial: Vec<f64> = runs.iter().filter_map(|r| r.trivial_distance).collect();
        let support_before: Vec<f64> = runs.iter().filter_map(|r| r.support_distance_before_push).collect();
        let trivial_before: Vec<f64> = runs.iter().filter_map(|r| r.trivial_distance_before_push).collect();
        let nearer = runs.iter().filter(|r| r.support_distance < r.trivial_distance).count();
        md.push_str(&format!(
            "| {dataset} | {} | {} | {} | {} | {nearer} of {} seeds |\n",
            cell(&support_before, false),
            cell(&trivial_before, false),
            cell(&support, false),
            cell(&trivial, false),
            runs.len()
        ));
    }
    md
}
