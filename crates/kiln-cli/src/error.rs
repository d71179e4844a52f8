//! Errors of the `kiln` command.

/// What can go wrong in a `kiln` command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments.
    #[error("{0}")]
    Usage(String),
    /// `--model` names no model of the command.
    #[error("unknown model `{name}` for `{command}`: expected one of {known}")]
    UnknownModel {
        /// The name given.
        name: String,
        /// The command (`kiln train`, `kiln graph train`, ...).
        command: &'static str,
        /// The models the command knows, comma separated.
        known: String,
    },
    /// `kiln explain` on a run of a model without an explainer.
    #[error("model `{model}` cannot explain itself; `kiln explain` works for runs of {explainers}")]
    CannotExplain {
        /// The run's model.
        model: String,
        /// The models that can, comma separated.
        explainers: String,
    },
    /// A `kiln eval` robustness flag (`--certify`, `--attack`) that does not fit the run.
    #[error(transparent)]
    RobustFlag(#[from] crate::registry::RobustFlagError),
    /// A `kiln eval` uncertainty flag (`--uncertainty`, `--samples`, `--ood`) that does not fit
    /// the run.
    #[error(transparent)]
    UncertaintyFlag(#[from] crate::registry::UncertaintyFlagError),
    /// A `kiln eval --interpretability` that does not fit the run (no prototypes, no parts).
    #[error(transparent)]
    InterpretabilityFlag(#[from] crate::registry::InterpretabilityFlagError),
    /// From kiln-proto's interpretability metrics (unpaired or unannotated images).
    #[error(transparent)]
    Interpretability(#[from] kiln_proto::interpretability::InterpretabilityError),
    /// A `kiln explain --characteristics` on a run of a model without prototypes.
    #[error(transparent)]
    CharacteristicsFlag(#[from] crate::registry::CharacteristicsFlagError),
    /// From kiln-proto's characteristics (a modification that does not apply to the images).
    #[error(transparent)]
    Characteristics(#[from] kiln_proto::characteristics::CharacteristicsError),
    /// From kiln-proto's Prob-PSENN (sampling, input width).
    #[error(transparent)]
    ProbPsenn(#[from] kiln_proto::prob_psenn::ProbPsennError),
    /// From kiln-proto's certificates and attacks.
    #[error(transparent)]
    Robust(#[from] kiln_proto::RobustError),
    /// From kiln-core (device, engine, checkpoints).
    #[error(transparent)]
    Core(#[from] kiln_core::CoreError),
    /// From kiln-data (a malformed file).
    #[error(transparent)]
    Data(#[from] kiln_data::DataError),
    /// From kiln-graph (a malformed graph file, a split that leaves a set empty).
    #[error(transparent)]
    Graph(#[from] kiln_graph::GraphError),
    /// From kiln-geom (a malformed mesh file, a missing checkpoint).
    #[error(transparent)]
    Geom(#[from] kiln_geom::GeomError),
    /// From kiln-tabular (a malformed CSV, a table beyond the model's limits).
    #[error(transparent)]
    Tabular(#[from] kiln_tabular::TabularError),
    /// From kiln-fed (a split that cannot be made, bad round settings, a failed round).
    #[error(transparent)]
    Fed(#[from] kiln_fed::FedError),
    /// From kiln-seq (a malformed CSV naming its row and column, a series too short).
    #[error(transparent)]
    Seq(#[from] kiln_seq::SeqError),
    /// From kiln-efficient (a RevCol configuration naming the bad value, e.g. `columns = 0`; a
    /// transfer that cannot be built or trained).
    #[error(transparent)]
    Efficient(#[from] kiln_efficient::EfficientError),
    /// From NN-Factory (an empty, duplicated or out-of-range class, a MAC budget below the
    /// smallest assembly, a missing or mismatched factory checkpoint, naming the value or file).
    #[error(transparent)]
    Factory(#[from] kiln_nas::nn_factory::FactoryError),
    /// `kiln customize --classes` that is no task of the factory (empty, a class twice, a class
    /// out of range), naming the value given and the class.
    #[error("--classes {classes:?}: {source}")]
    FactoryTask {
        /// The `--classes` value.
        classes: String,
        /// What is wrong with it.
        #[source]
        source: kiln_nas::nn_factory::FactoryError,
    },
    /// From a search (an empty search space, a zero budget).
    #[error(transparent)]
    Search(#[from] kiln_nas::search::SearchError),
    /// From kiln-semi (a label fraction outside (0, 1] or leaving a class without labels, a
    /// missing pretrained or teacher file, naming it).
    #[error(transparent)]
    Semi(#[from] kiln_semi::SemiError),
    /// `kiln transfer --backbone DIR`: the directory is missing or holds no ResNet run.
    #[error("{path}: {message}")]
    Backbone {
        /// The `--backbone` directory.
        path: std::path::PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Reading or writing the run's metadata.
    #[error("{path}: {message}")]
    Metadata {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
    /// `--resume` on a run directory whose `config.json` was written with other options, model
    /// configuration or data.
    #[error(
        "{path}: cannot resume: the run was started with other settings ({fields}); resume with the same flags, or start a new run in another directory"
    )]
    ResumeMismatch {
        /// The run's `config.json`.
        path: std::path::PathBuf,
        /// The settings that differ, as `key: recorded → given`.
        fields: String,
    },
    /// A `config.json` written by a newer version of kiln.
    #[error("{path}: written in run-directory format {found}; this kiln reads format {supported} and older")]
    NewerFormat {
        /// The file.
        path: std::path::PathBuf,
        /// Its format.
        found: u64,
        /// The newest format this build reads.
        supported: u64,
    },
    /// The data a run was trained on no longer matches what its `config.json` records.
    #[error("{run}: the run's data changed since training: {message}")]
    DataChanged {
        /// The run directory.
        run: std::path::PathBuf,
        /// What differs.
        message: String,
    },
}

/// `Result` with [`CliError`].
pub type Result<T> = std::result::Result<T, CliError>;
