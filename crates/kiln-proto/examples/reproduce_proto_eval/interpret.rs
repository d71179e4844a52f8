//! Consistency and stability (EvalProtoPNet's scores) of six models trained on the same
//! creatures with the same backbone and the same number of prototypes per class: ProtoPNet,
//! ST-ProtoPNet, and EvalProtoPNet without SDFA and SA (the ablation baseline), with SDFA, with
//! SA, with both.

use burn::prelude::Device;
use kiln_core::experiment::{MeanStd, Table};
use kiln_core::nn::BackboneConfig;
use kiln_core::train::{Phase, TrainModel, Trainer};
use kiln_data::ImageBatch;
use kiln_proto::interpretability::{
    AnnotatedImages, InterpretabilityConfig, PrototypeClasses, consistency_score, evaluate,
};
use kiln_proto::st_protopnet::{StProtoPNetConfig, StProtoPNetSchedule};
use kiln_proto::{
    EvalProtoPNet, EvalProtoPNetConfig, EvalProtoPNetSchedule, ProtoPNetConfig, ProtoPNetSchedule, PrototypeStage,
};
use serde::Serialize;

use crate::data::{CLASSES, Creatures};

/// The models compared, in the page's order.
pub const MODELS: [&str; 6] = ["ProtoPNet", "ST-ProtoPNet", "EvalProtoPNet base", "+ SDFA", "+ SA", "+ SDFA + SA"];

/// Prototypes per class of every model (ST-ProtoPNet: half in each of its two sets), as the
/// official configurations (10 per class; ST-ProtoPNet 5 trivial + 5 support).
pub const PER_CLASS: usize = 10;

/// One model's scores on one seed.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// Index into [`MODELS`].
    pub model: usize,
    /// Seed.
    pub seed: u64,
    /// Test accuracy in `[0, 1]`.
    pub accuracy: f64,
    /// Consistency, 0–100.
    pub consistency: f64,
    /// Its chance level.
    pub consistency_chance: f64,
    /// Stability, 0–100.
    pub stability: f64,
    /// Its chance level.
    pub stability_chance: f64,
    /// Consistency with a box of half the official size ([`HALF_BOX`] px at 224 px).
    pub consistency_half: f64,
    /// Its chance level.
    pub consistency_half_chance: f64,
}

/// Half of the official half-size of the activated region (36 px at 224 px): on 64-px creatures
/// the official box covers a third of the image's side, so a stricter box shows whether the
/// scores rest on the box's size.
pub const HALF_BOX: f64 = 18.0;

/// The training lengths of the study.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Warm-up epochs.
    pub warm: usize,
    /// Joint epochs (all models).
    pub joint: usize,
    /// Last-layer epochs after the push (ProtoPNet, ST-ProtoPNet).
    pub last_layer: usize,
}

/// The shared backbone: the 4-block CNN of `EvalProtoPNetConfig::small` (8×8 grid at 64 px).
fn backbone() -> BackboneConfig {
    BackboneConfig::Cnn { in_channels: 3, channels: vec![16, 32, 64, 128] }
}

/// Trains every model on `data` with `seed` and scores it.
pub fn run_seed(
    data: &Creatures,
    budget: Budget,
    seed: u64,
    device: &Device,
) -> Result<Vec<Scores>, Box<dyn std::error::Error>> {
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    let loader = data.loader(seed);
    let (every, gamma) = (budget.joint.saturating_sub(2).max(1), 0.2);
    let mut out = Vec::new();

    device.seed(seed);
    let schedule = ProtoPNetSchedule {
        warm_epochs: budget.warm,
        joint_epochs: budget.joint,
        last_layer_epochs: budget.last_layer,
        joint_step: (every, gamma),
        ..ProtoPNetSchedule::small()
    };
    let phases = first_round(schedule.phases(data.push_set()));
    let model =
        ProtoPNetConfig::small(CLASSES, 3).with_prototypes_per_class(PER_CLASS).with_backbone(backbone()).init(device);
    let (model, _) = trainer.fit(model, &phases, &loader, None)?;
    out.push(score(0, seed, &model, &trainer, data, device)?);

    device.seed(seed);
    let schedule = StProtoPNetSchedule {
        warm_epochs: budget.warm,
        joint_epochs: budget.joint,
        last_layer_epochs: budget.last_layer,
        joint_after_push_epochs: budget.joint * 9 / 16,
        joint_step: (every, gamma),
        ..StProtoPNetSchedule::small()
    };
    let phases = first_round(schedule.phases(data.push_set()));
    let config =
        StProtoPNetConfig::small(CLASSES, 3).with_prototypes_per_class(PER_CLASS / 2).with_backbone(backbone());
    let (model, _) = trainer.fit(config.init(device), &phases, &loader, None)?;
    out.push(score(1, seed, &model, &trainer, data, device)?);

    let schedule = EvalProtoPNetSchedule {
        warm_epochs: budget.warm,
        joint_epochs: budget.joint,
        joint_step: (every, gamma),
        ..EvalProtoPNetSchedule::small()
    };
    let phases: Vec<Phase<EvalProtoPNet>> = schedule.phases();
    for (i, (sdfa, sa)) in [(false, false), (true, false), (false, true), (true, true)].into_iter().enumerate() {
        device.seed(seed);
        let model = EvalProtoPNetConfig::small(CLASSES, 3)
            .with_prototypes_per_class(PER_CLASS)
            .with_sdfa(sdfa)
            .with_sa(sa)
            .init(device);
        let (model, _) = trainer.fit(model, &phases, &loader, None)?;
        out.push(score(2 + i, seed, &model, &trainer, data, device)?);
    }
    Ok(out)
}

/// The phases up to the first push's last-layer phase and the joint phase after it (no
/// pruning, no second round).
fn first_round<M: TrainModel<Stage = PrototypeStage>>(phases: Vec<Phase<M>>) -> Vec<Phase<M>> {
    phases
        .into_iter()
        .filter(|p| match p.stage {
            PrototypeStage::WarmUp => true,
            PrototypeStage::Joint { round }
            | PrototypeStage::Push { round }
            | PrototypeStage::LastLayer { round }
            | PrototypeStage::JointAfterPush { round } => round == 1,
            PrototypeStage::Prune => false,
        })
        .collect()
}

/// Test accuracy and both interpretability scores of `model`.
fn score<M: TrainModel<Batch = ImageBatch> + PrototypeClasses>(
    model_index: usize,
    seed: u64,
    model: &M,
    trainer: &Trainer,
    data: &Creatures,
    device: &Device,
) -> Result<Scores, Box<dyn std::error::Error>> {
    let accuracy = trainer.evaluate(model, &data.test_loader())?.accuracy().unwrap_or(0.0);
    let annotated = AnnotatedImages::new(&data.test, &data.test_keypoints, &data.batcher)?;
    let config = InterpretabilityConfig::default().with_seed(seed);
    let report = evaluate(model, &annotated, &config, device)?;
    let half = InterpretabilityConfig { half_size_at_224: HALF_BOX, ..config };
    let half = consistency_score(model, &annotated, &half, device)?;
    eprintln!(
        "{} seed {seed}: accuracy {accuracy:.3}, consistency {:.1} (chance {:.1}), stability {:.1} (chance {:.1})",
        MODELS[model_index],
        report.consistency.score,
        report.consistency.chance,
        report.stability.score,
        report.stability.chance
    );
    Ok(Scores {
        model: model_index,
        seed,
        accuracy,
        consistency: report.consistency.score,
        consistency_chance: report.consistency.chance,
        stability: report.stability.score,
        stability_chance: report.stability.chance,
        consistency_half: half.score,
        consistency_half_chance: half.chance,
    })
}

/// `field` of model `m` over the seeds.
pub fn of(scores: &[Scores], m: usize, field: fn(&Scores) -> f64) -> MeanStd {
    let v: Vec<f64> = scores.iter().filter(|s| s.model == m).map(field).collect();
    MeanStd::of(&v)
}

/// The table: accuracy (%), consistency and stability with their chance levels, per model.
pub fn table(scores: &[Scores]) -> Table {
    let mut t = Table::new([
        "model",
        "accuracy %",
        "consistency",
        "chance",
        "stability",
        "chance",
        "consistency, half box",
        "chance",
    ]);
    for (m, name) in MODELS.iter().enumerate() {
        t.row([
            (*name).to_string(),
            format!("{:.1}", of(scores, m, |s| s.accuracy).scaled(100.0)),
            format!("{:.1}", of(scores, m, |s| s.consistency)),
            format!("{:.1}", of(scores, m, |s| s.consistency_chance)),
            format!("{:.1}", of(scores, m, |s| s.stability)),
            format!("{:.1}", of(scores, m, |s| s.stability_chance)),
            format!("{:.1}", of(scores, m, |s| s.consistency_half)),
            format!("{:.1}", of(scores, m, |s| s.consistency_half_chance)),
        ]);
    }
    t
}
