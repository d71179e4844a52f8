//! The prototype networks of `kiln train`: ProtoPNet and ST-ProtoPNet on the small preset, with
//! the warm-up → joint → push → last-layer schedule (ST-ProtoPNet's adds a joint phase after the
//! push, as its official code does), and their "this looks like that" explanations; EvalProtoPNet
//! (warm-up and joint, no push). All three expose their prototypes to `kiln eval
//! --interpretability`.

use burn::prelude::Device;
use kiln_core::train::{ImageBatch, Phase};
use kiln_data::ImageBatcher;
use kiln_proto::interpretability::PrototypeClasses;
use kiln_proto::st_protopnet::StPushReport;
use kiln_proto::{
    EvalProtoPNetConfig, EvalProtoPNetSchedule, ProtoPNetConfig, ProtoPNetSchedule, PushReport, PushSet,
    StProtoPNetConfig, StProtoPNetSchedule,
};

use super::classify::Classifier;
use super::explain::{ExplainInput, Explained, Explainer, latest_push};
use super::interpretability::PrototypesOf;
use crate::classify_data::{ClassifyData, Prepared};
use crate::error::{CliError, Result};
use crate::options::TrainOptions;

/// ProtoPNet's small preset schedule with `--epochs` joint epochs.
fn schedule(options: &TrainOptions) -> ProtoPNetSchedule {
    ProtoPNetSchedule { joint_epochs: options.epochs, ..ProtoPNetSchedule::small() }
}

/// ST-ProtoPNet's small preset schedule with `--epochs` joint epochs before the push (the joint
/// phase after the push keeps the preset's length).
fn st_schedule(options: &TrainOptions) -> StProtoPNetSchedule {
    StProtoPNetSchedule { joint_epochs: options.epochs, ..StProtoPNetSchedule::small() }
}

/// The training images as a push set (prototypes are projected onto their patches).
fn push_set(data: &Prepared) -> Result<PushSet> {
    match data {
        Prepared::Images { train, norm, .. } => Ok(PushSet::new(train.clone(), ImageBatcher::new(norm.clone()))),
        Prepared::Vectors { .. } => Err(CliError::Usage("prototype networks need image data".into())),
    }
}

/// ProtoPNet (Chen et al., NeurIPS 2019).
pub struct ProtoPNet;

impl Classifier for ProtoPNet {
    const NAME: &'static str = "protopnet";
    const ABOUT: &'static str = "ProtoPNet, small preset; warm-up, joint, push, last layer; explains itself";
    type Batch = ImageBatch;
    type Model = kiln_proto::ProtoPNet;
    type Config = ProtoPNetConfig;

    fn config(data: &ClassifyData) -> ProtoPNetConfig {
        ProtoPNetConfig::small(data.num_classes(), data.input_shape[0])
    }

    fn init(config: &ProtoPNetConfig, device: &Device) -> kiln_proto::ProtoPNet {
        config.init(device)
    }

    fn phases(options: &TrainOptions, data: &Prepared) -> Result<Vec<Phase<kiln_proto::ProtoPNet>>> {
        Ok(schedule(options).phases(push_set(data)?))
    }

    fn explainer() -> Option<Explainer<kiln_proto::ProtoPNet>> {
        Some(explain_protopnet)
    }

    fn prototypes() -> Option<PrototypesOf<kiln_proto::ProtoPNet>> {
        Some(|model| model as &dyn PrototypeClasses)
    }
}

/// ST-ProtoPNet (Wang et al., ICCV 2023).
pub struct StProtoPNet;

impl Classifier for StProtoPNet {
    const NAME: &'static str = "st-protopnet";
    const ABOUT: &'static str =
        "ST-ProtoPNet, small preset; both prototype sets pushed, joint phase after push; explains itself";
    type Batch = ImageBatch;
    type Model = kiln_proto::StProtoPNet;
    type Config = StProtoPNetConfig;

    fn config(data: &ClassifyData) -> StProtoPNetConfig {
        StProtoPNetConfig::small(data.num_classes(), data.input_shape[0])
    }

    fn init(config: &StProtoPNetConfig, device: &Device) -> kiln_proto::StProtoPNet {
        config.init(device)
    }

    fn phases(options: &TrainOptions, data: &Prepared) -> Result<Vec<Phase<kiln_proto::StProtoPNet>>> {
        Ok(st_schedule(options).phases(push_set(data)?))
    }

    fn explainer() -> Option<Explainer<kiln_proto::StProtoPNet>> {
        Some(explain_st_protopnet)
    }

    fn prototypes() -> Option<PrototypesOf<kiln_proto::StProtoPNet>> {
        Some(|model| model as &dyn PrototypeClasses)
    }
}

/// EvalProtoPNet's small preset schedule with `--epochs` joint epochs.
fn eval_schedule(options: &TrainOptions) -> EvalProtoPNetSchedule {
    EvalProtoPNetSchedule { joint_epochs: options.epochs, ..EvalProtoPNetSchedule::small() }
}

/// EvalProtoPNet (Huang et al., ICCV 2023): SDFA and SA on.
pub struct EvalProtoPNet;

impl Classifier for EvalProtoPNet {
    const NAME: &'static str = "eval-protopnet";
    const ABOUT: &'static str = "EvalProtoPNet, small preset with SDFA and SA; warm-up, joint, no push";
    type Batch = ImageBatch;
    type Model = kiln_proto::EvalProtoPNet;
    type Config = EvalProtoPNetConfig;

    fn config(data: &ClassifyData) -> EvalProtoPNetConfig {
        EvalProtoPNetConfig::small(data.num_classes(), data.input_shape[0])
    }

    fn init(config: &EvalProtoPNetConfig, device: &Device) -> kiln_proto::EvalProtoPNet {
        config.init(device)
    }

    fn phases(options: &TrainOptions, _data: &Prepared) -> Result<Vec<Phase<kiln_proto::EvalProtoPNet>>> {
        Ok(eval_schedule(options).phases())
    }

    fn prototypes() -> Option<PrototypesOf<kiln_proto::EvalProtoPNet>> {
        Some(|model| model as &dyn PrototypeClasses)
    }
}

/// ProtoPNet's explanation with the sources of its last push.
fn explain_protopnet(model: &kiln_proto::ProtoPNet, input: &ExplainInput<'_>) -> Result<Explained> {
    let push: Option<PushReport> = latest_push(input.run_dir)?;
    let explanation = model.explain(input.image, input.batcher, input.device, input.top_k, push.as_ref());
    Ok(Explained { explanation, prototypes: push })
}

/// ST-ProtoPNet's explanation over both prototype sets with the sources of its last push.
fn explain_st_protopnet(model: &kiln_proto::StProtoPNet, input: &ExplainInput<'_>) -> Result<Explained> {
    let push: Option<StPushReport> = latest_push(input.run_dir)?;
    let explanation = model.explain(input.image, input.batcher, input.device, input.top_k, push.as_ref());
    Ok(Explained { explanation, prototypes: push.map(|p| p.combined()) })
}
