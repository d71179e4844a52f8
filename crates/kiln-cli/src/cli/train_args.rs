//! The flags of the training commands and the [`TrainRequest`] each becomes.

use std::path::PathBuf;

use clap::Args;

use crate::options::{ClassifyOptions, LinkOptions, NodeOptions, Parallel, TaskOptions, TrainOptions, TrainRequest};

/// Flags every training command has: seed, device and the run directory.
#[derive(Args, Debug)]
pub struct RunFlags {
    /// Seed for the data split, initialisation and shuffling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Device: auto, cpu, flex, ndarray, wgpu[:N], cuda[:N] (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
    /// Run directory: config.json, model.bpk, metrics.jsonl, checkpoint/, summary.json.
    #[arg(long, default_value = "runs/latest")]
    pub out: PathBuf,
    /// Continue from the run directory's last checkpoint.
    #[arg(long)]
    pub resume: bool,
    /// No progress bar or per-epoch lines.
    #[arg(long)]
    pub quiet: bool,
    /// Stop after this many epochs as if the process were killed (for testing --resume).
    #[arg(long, hide = true)]
    pub halt_after_epochs: Option<usize>,
    /// Data-parallel devices of this process, comma separated (e.g. cuda:0,cuda:1; overrides
    /// --device): each optimiser step takes one batch per device and sums their gradients.
    #[arg(long, value_delimiter = ',')]
    pub devices: Vec<String>,
    /// Processes (one per machine, or several on one) training one model together: each
    /// optimiser step takes one batch per device of every node and sums the gradients over
    /// all of them. Start the same command on every node with its --node-rank and the same
    /// --coordinator; node 0 writes the checkpoints and the log.
    #[arg(long, default_value_t = 1)]
    pub nodes: usize,
    /// This process's rank among --nodes, 0..N (node 0 is the coordinator).
    #[arg(long, default_value_t = 0)]
    pub node_rank: usize,
    /// HOST:PORT where node 0 listens and the other nodes connect (e.g. 10.0.0.1:29500).
    #[arg(long)]
    pub coordinator: Option<String>,
    /// Seconds a node waits for another (to join, and for each exchange) before failing.
    #[arg(long, default_value_t = kiln_core::train::cluster::DEFAULT_TIMEOUT.as_secs())]
    pub cluster_timeout: u64,
}

/// What every training command sets: model, data, epochs, learning rate, batch size.
struct Common<'a> {
    model: &'a str,
    data: &'a str,
    epochs: usize,
    lr: f64,
    batch_size: usize,
}

impl RunFlags {
    /// The request of a run of `common` and `task` with these flags.
    fn request(&self, common: Common<'_>, task: TaskOptions) -> TrainRequest {
        let Common { model, data, epochs, lr, batch_size } = common;
        let options =
            TrainOptions { model: model.into(), data: data.into(), epochs, lr, batch_size, seed: self.seed, task };
        TrainRequest {
            options,
            out: self.out.clone(),
            resume: self.resume,
            progress: !self.quiet,
            halt_after_epochs: self.halt_after_epochs,
            parallel: Parallel {
                devices: self.devices.clone(),
                nodes: self.nodes,
                node_rank: self.node_rank,
                coordinator: self.coordinator.clone(),
                timeout_s: self.cluster_timeout,
            },
        }
    }
}

/// `kiln train`.
#[derive(Args, Debug)]
pub struct TrainArgs {
    /// Model: mlp, cnn, resnet, revcol, protopnet, st-protopnet (`kiln models` lists every model).
    #[arg(long, default_value = "cnn")]
    pub model: String,
    /// Data: digits (embedded 8×8 digits), procedural[:CLASSES[:cue=CUE][:size=PX]]
    /// (part-annotated creatures; CUE: head-and-wing (default), wing-colour, head-shape; PX:
    /// side, default 32), idx:DIR (MNIST-style train-*/t10k-* files), folder:DIR
    /// (ImageFolder), csv:FILE (see --target).
    #[arg(long, default_value = "digits")]
    pub data: String,
    /// Target column of a CSV file (numbers: integer class values; text: class names).
    #[arg(long, default_value = "target")]
    pub target: String,
    /// Field separator of a CSV file: `,` (default), `;`, `tab`, or another ASCII character.
    #[arg(long, default_value = ",", value_parser = parse_delimiter)]
    pub delimiter: char,
    /// Training epochs (joint epochs of the prototype networks).
    #[arg(long, default_value_t = 30)]
    pub epochs: usize,
    /// Base learning rate (Adam, cosine schedule).
    #[arg(long, default_value_t = 3e-3)]
    pub lr: f64,
    /// Batch size.
    #[arg(long, default_value_t = 64)]
    pub batch_size: usize,
    /// Columns of a RevCol network (`--model revcol` only; default 4, RevCol-T's).
    #[arg(long)]
    pub columns: Option<usize>,
    /// Seed, device, run directory.
    #[command(flatten)]
    pub run: RunFlags,
}

impl TrainArgs {
    /// The training request.
    pub fn request(&self) -> TrainRequest {
        let (model, data) = (&self.model, &self.data);
        let common = Common { model, data, epochs: self.epochs, lr: self.lr, batch_size: self.batch_size };
        self.run.request(
            common,
            TaskOptions::Classify(ClassifyOptions {
                target: self.target.clone(),
                delimiter: self.delimiter,
                columns: self.columns,
            }),
        )
    }
}

/// A `--delimiter` value as the CSV reader accepts it.
pub(crate) fn parse_delimiter(text: &str) -> std::result::Result<char, String> {
    kiln_data::formats::CsvOptions::with_delimiter(text).map(|o| char::from(o.delimiter)).map_err(|e| e.to_string())
}

/// `kiln graph train`.
#[derive(Args, Debug)]
pub struct NodeArgs {
    /// Model: gcn, sage, gat, gin.
    #[arg(long, default_value = "gcn")]
    pub model: String,
    /// Data: linqs:FILE.content (LINQS citation format; FILE.cites beside it).
    #[arg(long)]
    pub data: String,
    /// Epochs (full-batch: one step each).
    #[arg(long, default_value_t = 200)]
    pub epochs: usize,
    /// Learning rate (Adam).
    #[arg(long, default_value_t = 0.01)]
    pub lr: f64,
    /// L2 penalty.
    #[arg(long, default_value_t = 5e-4)]
    pub weight_decay: f32,
    /// Hidden width; default the model's preset (16, Kipf & Welling; GAT: 8 heads × 8 = 64,
    /// Veličković et al.).
    #[arg(long)]
    pub hidden: Option<usize>,
    /// Fraction of the nodes held out for validation.
    #[arg(long, default_value_t = 0.2)]
    pub valid: f64,
    /// Fraction of the nodes held out for the test (ignored with --per-class).
    #[arg(long, default_value_t = 0.2)]
    pub test: f64,
    /// Planetoid's split: this many training nodes per class; of the rest, --valid validate and
    /// the others test.
    #[arg(long)]
    pub per_class: Option<usize>,
    /// Skip citations of papers absent from the .content file (CiteSeer has some), counting
    /// them on stderr; without it they are an error.
    #[arg(long)]
    pub skip_unknown_citations: bool,
    /// Seed, device, run directory.
    #[command(flatten)]
    pub run: RunFlags,
}

impl NodeArgs {
    /// The training request.
    pub fn request(&self) -> TrainRequest {
        let (model, data) = (&self.model, &self.data);
        let common = Common { model, data, epochs: self.epochs, lr: self.lr, batch_size: 1 };
        let (hidden, weight_decay, per_class) = (self.hidden, self.weight_decay, self.per_class);
        self.run.request(
            common,
            TaskOptions::Node(NodeOptions {
                hidden,
                weight_decay,
                valid: self.valid,
                test: self.test,
                per_class,
                skip_unknown_citations: self.skip_unknown_citations,
            }),
        )
    }
}

/// `kiln graph link`.
#[derive(Args, Debug)]
pub struct LinkArgs {
    /// Model: ncn, ncnc.
    #[arg(long, default_value = "ncn")]
    pub model: String,
    /// Data: edges:FILE (`source target [weight]` per line; integer ids from 0 to 2^64-1,
    /// numbered in increasing order, so ids 0..n keep theirs) or linqs:FILE.content.
    #[arg(long)]
    pub data: String,
    /// Epochs over the training edges.
    #[arg(long, default_value_t = 20)]
    pub epochs: usize,
    /// Learning rate of the encoder (Adam).
    #[arg(long, default_value_t = 0.01)]
    pub lr: f64,
    /// Learning rate of the predictor MLPs.
    #[arg(long, default_value_t = 0.005)]
    pub predictor_lr: f64,
    /// Positive links per batch (as many random negatives are added).
    #[arg(long, default_value_t = 256)]
    pub batch_size: usize,
    /// Hidden width.
    #[arg(long, default_value_t = 64)]
    pub hidden: usize,
    /// Width of the random node features of a graph whose file has none.
    #[arg(long, default_value_t = 32)]
    pub features: usize,
    /// Fraction of the edges held out for validation.
    #[arg(long, default_value_t = 0.1)]
    pub valid: f64,
    /// Fraction of the edges held out for the test.
    #[arg(long, default_value_t = 0.2)]
    pub test: f64,
    /// K of Hits@K.
    #[arg(long, default_value_t = 50)]
    pub k: usize,
    /// Skip citations of papers absent from a LINQS .content file, counting them on stderr;
    /// without it they are an error.
    #[arg(long)]
    pub skip_unknown_citations: bool,
    /// Seed, device, run directory.
    #[command(flatten)]
    pub run: RunFlags,
}

impl LinkArgs {
    /// The training request.
    pub fn request(&self) -> TrainRequest {
        let (model, data) = (&self.model, &self.data);
        let common = Common { model, data, epochs: self.epochs, lr: self.lr, batch_size: self.batch_size };
        let (hidden, predictor_lr, features, k) = (self.hidden, self.predictor_lr, self.features, self.k);
        self.run.request(
            common,
            TaskOptions::Link(LinkOptions {
                hidden,
                predictor_lr,
                features,
                valid: self.valid,
                test: self.test,
                k,
                skip_unknown_citations: self.skip_unknown_citations,
            }),
        )
    }
}
