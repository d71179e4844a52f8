//! The models the `kiln` command knows, one entry each.
//!
//! An entry knows its name, the task (the command that trains it), how to train a run, how to
//! evaluate a run directory, and, optionally, how to explain a prediction. `kiln train`,
//! `kiln graph train|link`, `kiln eval` and `kiln explain` look the entry up by name (from
//! `--model`, or from the run's `config.json`) and call it; nothing else dispatches on the
//! model. Adding a model is one line in [`MODELS`] plus its entry:
//!
//! - an image or table classifier implements [`Classifier`] (its config from the data, `init`,
//!   optionally its phases and explainer) and is listed as `&Classify(MyModel)`;
//! - a node classifier is a GNN layer kind: `&NodeEntry { name: "gcn", layer: LayerKind::Gcn }`;
//! - a link predictor: `&LinkEntry { name: "ncnc", completion: true }`;
//! - RevCol implements [`ModelEntry`] itself (`&RevColEntry`, in `revcol.rs`): a fallible build
//!   and a flag of its own (`--columns`);
//! - an OFA subnet (`&OfaSubnetEntry`, in `ofa_subnet.rs`) is made by `kiln search` and
//!   `kiln extract`, and only evaluated here;
//! - a network customised from an NN-Factory (`&FactoryCustomEntry`, in `factory_custom.rs`)
//!   is made by `kiln factory train` and `kiln customize`, and only evaluated here.
//!
//! A classifier that proves L2 radii also returns its certificate
//! ([`Classifier::certificate`]), and `kiln eval --certify` reports its certified accuracy
//! ([`robust`]). One that samples its prototypes also returns its uncertainty decomposition
//! ([`Classifier::uncertainty`]), and `kiln eval --uncertainty` reports it ([`uncertainty`]).
//! A prototype network returns its prototypes ([`Classifier::prototypes`]), and `kiln eval
//! --interpretability` scores them against part annotations ([`interpretability`]).

mod cbc;
mod characteristics;
mod classifiers;
mod classify;
mod deep_cbc;
mod explain;
mod factory_custom;
pub mod interpretability;
mod link;
mod node;
mod ofa_subnet;
mod prob_psenn;
mod proto;
mod rbf;
mod revcol;
pub mod robust;
pub mod uncertainty;

use std::path::Path;

use burn::prelude::Device;
use kiln_graph::layers::LayerKind;
use kiln_proto::interpretability::InterpretabilityReport;

pub use cbc::{Cbc, Glvq, OnPixels, PixelInput, RobustCbc};
pub use characteristics::{Characteristics, CharacteristicsFlagError, no_prototypes};
pub use classifiers::{Cnn, Mlp, ResNet};
pub use classify::{Classifier, Classify};
pub use deep_cbc::DeepCbc;
pub use explain::{Explain, ExplainInput, ExplainOutput, ExplainRequest, Explained, Explainer};
pub use factory_custom::FactoryCustomEntry;
pub use interpretability::{InterpretabilityFlagError, InterpretabilityRequest};
pub use link::LinkEntry;
pub use node::NodeEntry;
pub use ofa_subnet::OfaSubnetEntry;
pub use prob_psenn::ProbPsenn;
pub use proto::{EvalProtoPNet, ProtoPNet, StProtoPNet};
pub use rbf::{Rbf, RobustRbf};
pub use revcol::{DEFAULT_COLUMNS, RevColEntry, config_for as revcol_config_for};
pub use robust::{RobustFlagError, RobustReport, RobustRequest};
pub use uncertainty::{UncertaintyFlagError, UncertaintyReport, UncertaintyRequest};

use crate::artifact::{EvalSummary, TrainSummary};
use crate::error::{CliError, Result};
use crate::options::{Task, TrainRequest};

/// One model of the `kiln` command.
pub trait ModelEntry: Sync {
    /// The `--model` name.
    fn name(&self) -> &'static str;

    /// One line for listings.
    fn about(&self) -> &'static str;

    /// The task, i.e. the command that trains the model.
    fn task(&self) -> Task;

    /// Trains a run as `request` says, writing the run directory (see [`crate::artifact`]).
    fn train(&self, request: &TrainRequest, device: &Device) -> Result<TrainSummary>;

    /// Evaluates the run in `run_dir` on its held-out test data.
    fn eval(&self, run_dir: &Path, device: &Device) -> Result<EvalSummary>;

    /// How the model explains its predictions, when it can.
    fn explainer(&self) -> Option<&dyn Explain> {
        None
    }

    /// Whether the model proves certified L2 radii (`kiln eval --certify`).
    fn certifies(&self) -> bool {
        false
    }

    /// Clean, certified and attacked accuracy of the run in `run_dir` on its test split at
    /// the radii of `request`. Default: the model proves no radius.
    fn robustness(&self, _run_dir: &Path, _device: &Device, _request: &RobustRequest) -> Result<RobustReport> {
        Err(robust::RobustFlagError::NoCertificate { model: self.name().into(), certified: certified_names() }.into())
    }

    /// Whether the model has prototypes the part metrics can score (`kiln eval
    /// --interpretability`).
    fn has_prototypes(&self) -> bool {
        false
    }

    /// Consistency and stability of the prototypes of the run in `run_dir` on its annotated
    /// test split, with their chance levels. Default: the model has no prototypes.
    fn interpretability(
        &self,
        _run_dir: &Path,
        _device: &Device,
        _request: &InterpretabilityRequest,
    ) -> Result<InterpretabilityReport> {
        Err(InterpretabilityFlagError::NoPrototypes { model: self.name().into(), prototype_models: prototype_names() }
            .into())
    }

    /// Whether the model decomposes its predictive uncertainty (`kiln eval --uncertainty`).
    fn has_uncertainty(&self) -> bool {
        false
    }

    /// Mean total, aleatoric and epistemic uncertainty of the run in `run_dir` on its test
    /// split, and against the out-of-distribution set of `request`. Default: the model has no
    /// uncertainty decomposition.
    fn uncertainty(
        &self,
        _run_dir: &Path,
        _device: &Device,
        _request: &UncertaintyRequest,
    ) -> Result<UncertaintyReport> {
        Err(UncertaintyFlagError::NoUncertainty { model: self.name().into(), uncertain: uncertain_names() }.into())
    }
}

/// Every model, in the order of listings.
pub static MODELS: &[&dyn ModelEntry] = &[
    &Classify(Mlp),
    &Classify(Cnn),
    &Classify(ResNet),
    &Classify(ProtoPNet),
    &Classify(StProtoPNet),
    &Classify(EvalProtoPNet),
    &Classify(RobustCbc),
    &Classify(Cbc),
    &Classify(Glvq),
    &Classify(Rbf),
    &Classify(RobustRbf),
    &Classify(DeepCbc),
    &Classify(ProbPsenn),
    &RevColEntry,
    &OfaSubnetEntry,
    &FactoryCustomEntry,
    &NodeEntry { name: "gcn", layer: LayerKind::Gcn },
    &NodeEntry { name: "sage", layer: LayerKind::Sage },
    &NodeEntry { name: "gat", layer: LayerKind::Gat },
    &NodeEntry { name: "gin", layer: LayerKind::Gin },
    &LinkEntry { name: "ncn", completion: false },
    &LinkEntry { name: "ncnc", completion: true },
];

/// The names of the models `keep` selects, comma separated.
fn names(keep: impl Fn(&dyn ModelEntry) -> bool) -> String {
    MODELS.iter().filter(|m| keep(**m)).map(|m| m.name()).collect::<Vec<_>>().join(", ")
}

/// The names of the models of `task`, comma separated (for `--help` and errors).
pub fn names_for(task: Task) -> String {
    names(|m| m.task() == task)
}

/// The names of the models that prove certified radii, comma separated.
pub fn certified_names() -> String {
    names(|m| m.certifies())
}

/// The names of the models with an uncertainty decomposition, comma separated.
pub fn uncertain_names() -> String {
    names(|m| m.has_uncertainty())
}

/// The names of the models with prototypes for the part metrics, comma separated.
pub fn prototype_names() -> String {
    names(|m| m.has_prototypes())
}

/// The names of the models that can explain themselves, comma separated.
pub fn explainer_names() -> String {
    names(|m| m.explainer().is_some())
}

/// The error of `kiln explain` on a run of `model`, which cannot explain itself.
pub fn cannot_explain(model: &str) -> CliError {
    CliError::CannotExplain { model: model.to_string(), explainers: explainer_names() }
}

/// The entry of model `name` of `task`; the error lists the task's models.
pub fn find(name: &str, task: Task) -> Result<&'static dyn ModelEntry> {
    MODELS.iter().copied().find(|m| m.name() == name && m.task() == task).ok_or_else(|| CliError::UnknownModel {
        name: name.to_string(),
        command: task.command(),
        known: names_for(task),
    })
}

/// The entry of the model of the run in `run_dir` (named in its `config.json`).
pub fn find_run(run_dir: &Path) -> Result<&'static dyn ModelEntry> {
    let name = crate::artifact::model_name(run_dir)?;
    MODELS.iter().copied().find(|m| m.name() == name).ok_or_else(|| CliError::Metadata {
        path: run_dir.join(crate::artifact::CONFIG_FILE),
        message: format!("model `{name}` is not one of {}", names(|_| true)),
    })
}
