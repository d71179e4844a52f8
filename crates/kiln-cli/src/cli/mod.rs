//! The command line: the commands and their flags, and what each runs.

mod efficient;
mod factory;
mod feasibility;
mod fed;
mod fed_recon;
mod fed_semipfl;
mod geom_apen;
mod graph_search;
mod nas;
mod protein;
mod report;
mod semi;
mod seq;
mod tools;
mod train_args;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use kiln_core::device::{DeviceSpec, select};

pub use efficient::{Method, TransferArgs, TransferRecord, load_backbone};
pub use factory::{CustomizeArgs, FactoryCommand, FactoryTrainArgs};
pub use feasibility::FeasibilityArgs;
pub use fed::FedArgs;
pub use nas::{ExtractArgs, SearchArgs};
pub use seq::{ForecastArgs, SeqCommand};
pub use tools::{GeomCommand, TabularArgs};
pub use train_args::{LinkArgs, NodeArgs, RunFlags, TrainArgs};

use crate::error::Result;
use crate::registry::{ExplainRequest, MODELS};
use crate::run::{EvalRequest, TrainRequest, eval_with, explain, train};

/// Kiln: research models on burn, from the command line.
///
/// Every command runs offline. `--device` (or the KILN_DEVICE environment variable) picks the
/// backend: auto (a GPU when one is present, else the flex CPU backend), cpu/flex, ndarray,
/// wgpu[:N], cuda[:N].
#[derive(Parser, Debug)]
#[command(name = "kiln", version, about, long_about = None)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train an image or table classifier and report its held-out test accuracy.
    ///
    /// Example: kiln train --model cnn --data digits --epochs 30 --out runs/cnn
    Train(TrainArgs),
    /// Evaluate a trained run (any model) on its held-out test data; for models that prove
    /// L2 radii (robust-cbc, cbc, glvq, rbf, robust-rbf), also certified and attacked accuracy;
    /// for models with sampled prototypes (prob-psenn), also their uncertainty; for prototype
    /// networks on part-annotated data, how consistently and stably their prototypes hit parts.
    ///
    /// Example: kiln eval --checkpoint runs/cbc --certify 0.15,0.3,0.45 --attack pgd
    ///
    /// Example: kiln eval --checkpoint runs/psenn --uncertainty --samples 20 --ood procedural
    ///
    /// Example: kiln eval --checkpoint runs/proto --interpretability
    Eval {
        /// Run directory written by `kiln train` or `kiln graph`.
        #[arg(long)]
        checkpoint: PathBuf,
        /// Certified accuracy at these L2 radii on pixels in [0, 1], comma separated.
        #[arg(long, allow_hyphen_values = true)]
        certify: Option<String>,
        /// Also the accuracy under this attack at every radius of --certify: `pgd` (PGD-L2,
        /// 100 steps, 5 starts).
        #[arg(long, allow_hyphen_values = true)]
        attack: Option<String>,
        /// Mean total, aleatoric and epistemic uncertainty (nats) on the test split, over
        /// --samples sampled prototype sets: total H[p̄] of the mean prediction, aleatoric the
        /// mean entropy of the sampled predictions, epistemic their difference (mutual
        /// information).
        #[arg(long)]
        uncertainty: bool,
        /// Sampled prototype sets of --uncertainty (default 20).
        #[arg(long)]
        samples: Option<usize>,
        /// With --uncertainty, also an out-of-distribution set and, per uncertainty, the AUROC
        /// of telling the test split from it: `procedural` (as many procedural creatures as
        /// test images, seeded from the run's seed, area-averaged to the model's image size,
        /// greyscale for a one-channel model).
        #[arg(long, allow_hyphen_values = true)]
        ood: Option<String>,
        /// For prototype networks (protopnet, st-protopnet, eval-protopnet) on data with part
        /// annotations (procedural): the consistency score (% of prototypes whose activated
        /// region hits one part on ≥ 80% of their class's test images) and the stability score
        /// (mean % of images whose hit parts survive Gaussian noise), each beside its chance
        /// level (a random pixel as every activation maximum).
        #[arg(long)]
        interpretability: bool,
        /// Device (default: $KILN_DEVICE or auto).
        #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
        device: String,
    },
    /// Explain a prediction for one test image of a run whose model can explain itself
    /// (ProtoPNet, ST-ProtoPNet): writes a PNG (heatmaps, source patches, contributions), the
    /// same reasoning as JSON, and a prototype gallery.
    ///
    /// Example: kiln train --model protopnet --data procedural:6 --out runs/proto &&
    /// kiln explain --checkpoint runs/proto --index 0
    Explain {
        /// Run directory.
        #[arg(long)]
        checkpoint: PathBuf,
        /// Index of the image in the run's held-out test split.
        #[arg(long, default_value_t = 0)]
        index: usize,
        /// Number of prototypes to show.
        #[arg(long, default_value_t = 3)]
        top: usize,
        /// Also measure what each prototype's similarity rests on (Nauta et al.): the drop in
        /// similarity under hue, contrast, saturation, brightness, texture (non-local means) and
        /// shape (a sinusoidal warp) modifications, on this image and over the test split (its
        /// first 200 images); printed, written as JSON and drawn beside each prototype.
        #[arg(long)]
        characteristics: bool,
        /// Device (default: $KILN_DEVICE or auto).
        #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
        device: String,
    },
    /// Graph learning on your own files: node classification and link prediction.
    Graph {
        /// The graph command.
        #[command(subcommand)]
        command: GraphCommand,
    },
    /// Train a Once-for-All supernet on image data (default: the embedded digits) with
    /// progressive shrinking, then search its subnets for the Pareto front of two or three
    /// objectives. Writes pareto.csv (each member's architecture in words and genes),
    /// pareto.png, trace.json (hypervolume per evaluation), latency.json, search.json and
    /// supernet.bpk (for kiln extract).
    ///
    /// Example: kiln search --supernet ofa --objectives accuracy,latency --evals 50 --out runs/search
    Search(SearchArgs),
    /// Export one subnet of a kiln search run as a standalone model run (BN recalibrated,
    /// optionally fine-tuned) that kiln eval loads.
    ///
    /// Example: kiln extract --run runs/search --macs 200000 --out runs/subnet
    Extract(ExtractArgs),
    /// NN-Factory (Xu et al., 2023): train a modular supernet and a generative assembler once,
    /// then customise networks for class subsets and MAC budgets with kiln customize.
    ///
    /// Example: kiln factory train --data digits --out runs/factory
    Factory {
        /// The factory command.
        #[command(subcommand)]
        command: FactoryCommand,
    },
    /// Customise a network from a kiln factory train directory for a task (a subset of the
    /// classes) within a MAC budget, in one assembler pass and a few validated candidates, no
    /// training. Prints its MACs, parameters, test accuracy on the task's images and the
    /// seconds it took; writes a run that kiln eval loads.
    ///
    /// Example: kiln customize --checkpoint runs/factory --classes 1,4,7 --macs 2000000 --out runs/custom
    Customize(CustomizeArgs),
    /// 3-D geometry: reconstruct shapes with a trained BSP-Net.
    Geom {
        /// The geometry command.
        #[command(subcommand)]
        command: GeomCommand,
    },
    /// Classify a CSV table with TabPFN (no training: the shipped prior-fitted network conditions
    /// on the training rows). Prints one prediction per test row, or writes them with --out.
    ///
    /// Example: kiln tabular --train train.csv --test test.csv --target label --out predictions.csv
    Tabular(TabularArgs),
    /// Federated learning simulated on this machine: FedAvg, SemiPFL's personalised
    /// autoencoders from a hypernetwork, or federated reconnaissance's prototype merging, over clients holding IID or Dirichlet label-skewed
    /// shards of the digits, every message encoded and counted, resumable checkpoints.
    ///
    /// Example: kiln fed --algo fedavg --data digits --clients 10 --alpha 0.5 --rounds 20 --out runs/fed
    ///
    /// Example: kiln fed --algo semipfl --clients 10 --labels 0.05 --out runs/semipfl
    ///
    /// Example: kiln fed --algo fedrecon --data procedural:24 --clients 4 --out runs/recon
    Fed(FedArgs),
    /// Proteins: train ProteinRPN on procedural proteins, find the residues behind a PDB
    /// structure's predicted functions.
    ///
    /// Example: kiln protein sites --pdb 1zfd.pdb --checkpoint runs/protein
    Protein {
        /// The protein command.
        #[command(subcommand)]
        command: protein::ProteinCommand,
    },
    /// Learning from few labels: SimCLRv2 contrastive pretraining, fine-tuning on a fraction of
    /// the labels, self-distillation.
    ///
    /// Example: kiln semi pretrain --data digits --out runs/simclr
    Semi {
        /// The semi-supervised command.
        #[command(subcommand)]
        command: semi::SemiCommand,
    },
    /// Sequences: long-horizon forecasting of your CSV.
    Seq {
        /// The sequence command.
        #[command(subcommand)]
        command: SeqCommand,
    },
    /// Transfer a ResNet trained by `kiln train --model resnet` to other images with one of
    /// four methods: UniPT (a parallel network beside the frozen backbone), bottleneck
    /// adapters, a linear probe or full fine-tuning. Prints the test accuracy and the
    /// trainable parameters; writes transfer.json in --out.
    ///
    /// Example: kiln train --model resnet --data procedural:10 --out runs/backbone &&
    /// kiln transfer --method unipt --backbone runs/backbone --data digits --out runs/t
    Transfer(TransferArgs),
    /// List the models: name, the command that trains it, whether it can explain itself.
    Models,
    /// List the backends compiled into this build and the devices present.
    Devices,
}

/// `kiln graph` commands.
#[derive(Subcommand, Debug)]
pub enum GraphCommand {
    /// Node classification (GCN, GraphSAGE, GAT, GIN) on a LINQS data set; the run directory is
    /// that of `kiln train` (resume with --resume, evaluate with `kiln eval`).
    ///
    /// Example: kiln graph train --data linqs:data/cora.content --model gcn --out runs/cora-gcn
    Train(NodeArgs),
    /// Link prediction (NCN, NCNC) on an edge list: a leak-free split of the edges, Hits@K, MRR
    /// and AUC on the test links.
    ///
    /// Example: kiln graph link --data edges:graph.txt --model ncnc --out runs/links
    Link(LinkArgs),
    /// The W2PGNN feasibility of pre-training (Cao et al., KDD 2023) on TU-format graph data
    /// sets: ζ = −GW(Σ α_i B_i, Ŵ_down) between the downstream graphon and the best mixture
    /// of graphon bases of the pre-training domains (closer to 0 is more feasible). Prints ζ,
    /// the winning basis kind and its α, and every basis kind's ζ.
    ///
    /// Example: kiln graph feasibility --pre data/PROTEINS --pre data/NCI1 --down data/MUTAG --small
    Feasibility(FeasibilityArgs),
    /// Auto-GNN architecture search for node classification (Zhou et al., 2019): a policy
    /// changes one action class (width, heads, attention, aggregation, activation) of one of
    /// the best architectures so far per child; or random search at equal evaluations.
    ///
    /// Example: kiln graph search --data digits-knn --evals 60
    Search(graph_search::GraphSearchArgs),
}

/// The device `text` names.
pub(crate) fn device(text: &str) -> Result<burn::prelude::Device> {
    let spec: DeviceSpec = text.parse()?;
    Ok(select(spec)?)
}

/// Runs a training request on `device_text`, printing what it trains and the result.
fn train_and_report(request: &TrainRequest, device_text: &str) -> Result<()> {
    // `--devices` overrides `--device`: its first device is the main one.
    let device = device(request.parallel.devices.first().map_or(device_text, String::as_str))?;
    let options = &request.options;
    eprintln!("training {} on {} ({device:?}), run directory {}", options.model, options.data, request.out.display());
    let summary = train(request, &device)?;
    report::print_training(&summary);
    Ok(())
}

/// Runs `cli`.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Train(args) => {
            if let Some(columns) = args.columns.filter(|_| args.model != "revcol") {
                return Err(crate::CliError::Usage(format!(
                    "--columns {columns}: only --model revcol has columns, not `{}`",
                    args.model
                )));
            }
            train_and_report(&args.request(), &args.run.device)?
        }
        Command::Graph { command: GraphCommand::Train(args) } => train_and_report(&args.request(), &args.run.device)?,
        Command::Graph { command: GraphCommand::Link(args) } => train_and_report(&args.request(), &args.run.device)?,
        Command::Graph { command: GraphCommand::Feasibility(args) } => feasibility::feasibility(args)?,
        Command::Graph { command: GraphCommand::Search(args) } => graph_search::graph_search(args)?,
        Command::Eval { checkpoint, certify, attack, uncertainty, samples, ood, interpretability, device: d } => {
            let request = EvalRequest { certify, attack, uncertainty, samples, ood, interpretability };
            let outcome = eval_with(&checkpoint, &device(&d)?, &request)?;
            report::print_evaluation(&outcome.summary.test, &outcome.summary.metrics);
            if let Some(robustness) = &outcome.robustness {
                report::print_robustness(robustness);
            }
            if let Some(uncertainty) = &outcome.uncertainty {
                report::print_uncertainty(uncertainty);
            }
            if let Some(interpretability) = &outcome.interpretability {
                report::print_interpretability(interpretability);
            }
        }
        Command::Explain { checkpoint, index, top, characteristics, device: d } => {
            let request = ExplainRequest { index, top_k: top, characteristics };
            let out = explain(&checkpoint, &device(&d)?, &request)?;
            report::print_explanation(&out);
        }
        Command::Search(args) => nas::run_search(args)?,
        Command::Extract(args) => nas::run_extract(args)?,
        Command::Factory { command } => factory::factory(command)?,
        Command::Customize(args) => factory::run_customize(args)?,
        Command::Geom { command } => tools::geom(command)?,
        Command::Tabular(args) => tools::tabular(args)?,
        Command::Fed(args) => fed::fed(args)?,
        Command::Transfer(args) => efficient::transfer(args)?,
        Command::Seq { command } => seq::seq(command)?,
        Command::Semi { command } => semi::semi(command)?,
        Command::Protein { command } => protein::protein(command)?,
        Command::Models => {
            for m in MODELS {
                let explains = if m.explainer().is_some() { "explains" } else { "" };
                println!("{:<14} {:<17} {:<9} {}", m.name(), m.task().command(), explains, m.about());
            }
        }
        Command::Devices => tools::devices()?,
    }
    Ok(())
}
