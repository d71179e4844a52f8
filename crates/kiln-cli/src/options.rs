//! What a training command asks for: the options every run has, the options of its task, and
//! where the run goes. The options are stored in the run's `config.json`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{CliError, Result};

/// The task a model solves, i.e. the command that trains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Image or table classification: `kiln train`.
    Classify,
    /// Node classification: `kiln graph train`.
    Node,
    /// Link prediction: `kiln graph link`.
    Link,
}

impl Task {
    /// The command that trains models of this task.
    pub fn command(self) -> &'static str {
        match self {
            Self::Classify => "kiln train",
            Self::Node => "kiln graph train",
            Self::Link => "kiln graph link",
        }
    }
}

/// Options of `kiln train` beyond the common ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifyOptions {
    /// Target column of a CSV file.
    pub target: String,
    /// Field separator of a CSV file (runs recorded before it existed read `,`).
    #[serde(default = "comma")]
    pub delimiter: char,
    /// Columns of a RevCol network (`--columns`; only `--model revcol` reads it). Absent from
    /// the `config.json` of other runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<usize>,
}

/// The default CSV delimiter.
fn comma() -> char {
    ','
}

impl Default for ClassifyOptions {
    /// `kiln train`'s defaults: CSV target column `target`, comma-separated, no RevCol columns
    /// (the options of every command that reads image data through `kiln train`'s specs).
    fn default() -> Self {
        Self { target: "target".into(), delimiter: comma(), columns: None }
    }
}

impl ClassifyOptions {
    /// How the CSV file of the run is parsed.
    ///
    /// # Errors
    /// [`CliError::Data`] for a delimiter the CSV reader refuses.
    pub fn csv(&self) -> Result<kiln_data::formats::CsvOptions> {
        Ok(kiln_data::formats::CsvOptions::with_delimiter(self.delimiter.encode_utf8(&mut [0; 4]))?)
    }
}

/// Options of `kiln graph train` beyond the common ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeOptions {
    /// Hidden width of the two-layer network; `None`: the model's preset.
    pub hidden: Option<usize>,
    /// L2 penalty of Adam.
    pub weight_decay: f32,
    /// Fraction of the nodes held out for validation.
    pub valid: f64,
    /// Fraction of the nodes held out for the test (unused with `per_class`).
    pub test: f64,
    /// Planetoid's protocol: this many training nodes per class, the rest split into
    /// validation (`valid`) and test nodes.
    pub per_class: Option<usize>,
    /// Skip (and count) LINQS citations of papers absent from the `.content` file.
    #[serde(default)]
    pub skip_unknown_citations: bool,
}

/// Options of `kiln graph link` beyond the common ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkOptions {
    /// Hidden width of NCN.
    pub hidden: usize,
    /// Learning rate of the predictor MLPs.
    pub predictor_lr: f64,
    /// Width of the random node features given to a graph whose file has none.
    pub features: usize,
    /// Fraction of the edges held out for validation.
    pub valid: f64,
    /// Fraction of the edges held out for the test.
    pub test: f64,
    /// K of Hits@K.
    pub k: usize,
    /// Skip (and count) LINQS citations of papers absent from the `.content` file.
    #[serde(default)]
    pub skip_unknown_citations: bool,
}

/// The options of one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "task", rename_all = "snake_case")]
pub enum TaskOptions {
    /// `kiln train`.
    Classify(ClassifyOptions),
    /// `kiln graph train`.
    Node(NodeOptions),
    /// `kiln graph link`.
    Link(LinkOptions),
}

impl TaskOptions {
    /// The task these options are for.
    pub fn task(&self) -> Task {
        match self {
            Self::Classify(_) => Task::Classify,
            Self::Node(_) => Task::Node,
            Self::Link(_) => Task::Link,
        }
    }

    fn mismatch(&self, wanted: Task) -> CliError {
        CliError::Usage(format!(
            "the model is trained by `{}`, but the options are those of `{}`",
            wanted.command(),
            self.task().command()
        ))
    }

    /// The classification options.
    pub fn classify(&self) -> Result<&ClassifyOptions> {
        match self {
            Self::Classify(options) => Ok(options),
            _ => Err(self.mismatch(Task::Classify)),
        }
    }

    /// The node-classification options.
    pub fn node(&self) -> Result<&NodeOptions> {
        match self {
            Self::Node(options) => Ok(options),
            _ => Err(self.mismatch(Task::Node)),
        }
    }

    /// The link-prediction options.
    pub fn link(&self) -> Result<&LinkOptions> {
        match self {
            Self::Link(options) => Ok(options),
            _ => Err(self.mismatch(Task::Link)),
        }
    }
}

/// The options of a training run, as given on the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Registry name of the model (`--model`).
    pub model: String,
    /// Data specification (`--data`).
    pub data: String,
    /// Epochs.
    pub epochs: usize,
    /// Base learning rate.
    pub lr: f64,
    /// Batch size (positive links per batch for link prediction; node classification is
    /// full-batch).
    pub batch_size: usize,
    /// Seed of the split, initialisation and shuffling.
    pub seed: u64,
    /// The options of the task.
    pub task: TaskOptions,
}

impl TrainOptions {
    /// `kiln train --model MODEL --data DATA` with the command's defaults: 30 epochs, learning
    /// rate 3e-3, batch size 64, seed 0, CSV target column `target`, comma-separated.
    pub fn classify(model: &str, data: &str) -> Self {
        Self {
            model: model.into(),
            data: data.into(),
            epochs: 30,
            lr: 3e-3,
            batch_size: 64,
            seed: 0,
            task: TaskOptions::Classify(ClassifyOptions::default()),
        }
    }
}

/// A training run to start or resume.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainRequest {
    /// The options.
    pub options: TrainOptions,
    /// The run directory.
    pub out: PathBuf,
    /// Continue from the run directory's last checkpoint.
    pub resume: bool,
    /// Progress bar and per-epoch lines on stderr.
    pub progress: bool,
    /// Stop after this many epochs, as if killed (for time-boxed runs and tests of `--resume`).
    pub halt_after_epochs: Option<usize>,
    /// Devices and processes the run spreads over.
    pub parallel: Parallel,
}

impl TrainRequest {
    /// A fresh run of `options` into `out`, without progress output, on one device.
    pub fn new(options: TrainOptions, out: impl Into<PathBuf>) -> Self {
        Self {
            options,
            out: out.into(),
            resume: false,
            progress: false,
            halt_after_epochs: None,
            parallel: Parallel::default(),
        }
    }
}

/// How a run spreads over devices (`--devices`) and processes (`--nodes`, `--node-rank`,
/// `--coordinator`): data-parallel, one batch per device per optimiser step, gradients summed
/// over every device of every node ([`kiln_core::train::Trainer::with_cluster`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Parallel {
    /// This process's devices (the first is the main one); empty: the run's one device.
    pub devices: Vec<String>,
    /// Processes training together.
    pub nodes: usize,
    /// This process's rank among them (0: the coordinator, which writes checkpoints).
    pub node_rank: usize,
    /// `HOST:PORT` where node 0 listens.
    pub coordinator: Option<String>,
    /// How long a node waits for another, in seconds.
    pub timeout_s: u64,
}

impl Default for Parallel {
    fn default() -> Self {
        Self {
            devices: Vec::new(),
            nodes: 1,
            node_rank: 0,
            coordinator: None,
            timeout_s: kiln_core::train::cluster::DEFAULT_TIMEOUT.as_secs(),
        }
    }
}

impl Parallel {
    /// This process's place in a group of processes, `None` for a run of one process.
    ///
    /// # Errors
    /// [`CliError::Usage`] for `--nodes` above 1 without `--coordinator`, a rank that is not
    /// below `--nodes`, `--node-rank` or `--coordinator` without `--nodes`, or a zero timeout.
    pub fn cluster(&self) -> Result<Option<kiln_core::train::ClusterConfig>> {
        let usage = |m: String| Err(CliError::Usage(m));
        if self.nodes == 0 {
            return usage("--nodes 0: a run needs at least one node".into());
        }
        if self.nodes == 1 {
            if self.node_rank != 0 || self.coordinator.is_some() {
                return usage("--node-rank and --coordinator need --nodes N with N > 1".into());
            }
            return Ok(None);
        }
        let Some(coordinator) = &self.coordinator else {
            return usage(format!("--nodes {} needs --coordinator HOST:PORT (where node 0 listens)", self.nodes));
        };
        if self.node_rank >= self.nodes {
            return usage(format!("--node-rank {} is not below --nodes {}", self.node_rank, self.nodes));
        }
        if self.timeout_s == 0 {
            return usage("--cluster-timeout must be at least 1 second".into());
        }
        let timeout = std::time::Duration::from_secs(self.timeout_s);
        Ok(Some(
            kiln_core::train::ClusterConfig::new(self.nodes, self.node_rank, coordinator.clone()).with_timeout(timeout),
        ))
    }
}
