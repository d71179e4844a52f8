//! `kiln protein`: ProteinRPN (kiln-graph's `protein_rpn`). `train` fits the CPU preset on
//! procedural proteins with planted motifs (zinc site, catalytic triad, aromatic cluster) and
//! writes a checkpoint; `sites` reads a PDB file, prints each function's probability and the
//! residues the region proposal scores highest.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand};
use kiln_core::train::Trainer;
use kiln_graph::io::pdb::read_pdb;
use kiln_graph::protein_rpn::{
    MOTIFS, Protein, ProteinExample, ProteinRpn, ProteinRpnConfig, SynthSpec, residue_fmax, residue_scores,
    synth_proteins, train_protein_rpn,
};

use super::device;
use crate::error::{CliError, Result};

/// `kiln protein` subcommands.
#[derive(Subcommand, Debug)]
pub enum ProteinCommand {
    /// Train ProteinRPN on procedural proteins and write a checkpoint.
    ///
    /// Example: kiln protein train --out runs/protein
    Train(ProteinTrainArgs),
    /// Function probabilities and the highest-scoring residues of a PDB structure.
    ///
    /// Example: kiln protein sites --pdb 1zfd.pdb --checkpoint runs/protein
    Sites(ProteinSitesArgs),
}

/// `kiln protein train` flags (the validation proteins are scored, not used to stop).
#[derive(Args, Debug)]
pub struct ProteinTrainArgs {
    /// Procedural training proteins (a quarter as many more are generated and scored).
    #[arg(long, default_value_t = 96)]
    pub proteins: usize,
    /// Function-training epochs.
    #[arg(long, default_value_t = 40)]
    pub epochs: usize,
    /// RPN pre-training epochs.
    #[arg(long, default_value_t = 40)]
    pub pretrain_epochs: usize,
    /// Adam's learning rate of both phases (the paper's 1e-4 needs far more epochs on CPU).
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Checkpoint directory to write (protein_rpn.json, model.bpk).
    #[arg(long)]
    pub out: PathBuf,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
}

/// `kiln protein sites` flags.
#[derive(Args, Debug)]
pub struct ProteinSitesArgs {
    /// The structure (PDB, optionally gzip-compressed).
    #[arg(long)]
    pub pdb: PathBuf,
    /// A `kiln protein train` checkpoint directory.
    #[arg(long)]
    pub checkpoint: PathBuf,
    /// Residues to list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
}

/// Runs `kiln protein`.
pub fn protein(command: ProteinCommand) -> Result<()> {
    match command {
        ProteinCommand::Train(args) => train(args),
        ProteinCommand::Sites(args) => sites(args),
    }
}

fn examples(count: usize, cutoff: f32, seed: u64) -> Result<Vec<ProteinExample>> {
    let spec = SynthSpec { proteins: count, ..SynthSpec::default() };
    Ok(synth_proteins(&spec, seed)?.iter().map(|p| ProteinExample::from_synth(p, cutoff)).collect())
}

fn train(args: ProteinTrainArgs) -> Result<()> {
    if args.proteins < 4 {
        return Err(CliError::Usage(format!("--proteins {}: training needs at least 4 proteins", args.proteins)));
    }
    let device = device(&args.device)?;
    let config =
        ProteinRpnConfig::small(MOTIFS.len()).with_epochs(args.epochs).with_pretrain_epochs(args.pretrain_epochs);
    let cutoff = config.cutoff as f32;
    let train = Arc::new(examples(args.proteins, cutoff, args.seed)?);
    let valid = Arc::new(examples(args.proteins.div_ceil(4), cutoff, kiln_core::seed::derive_seed(args.seed, 1))?);
    eprintln!("training ProteinRPN on {} procedural proteins ({device:?}), output {}", train.len(), args.out.display());
    let trainer = Trainer::new(device.clone()).with_progress(false);
    let outcome = train_protein_rpn(&train, None, &config, args.seed, &trainer)?;
    let scores = residue_scores(&outcome.model, &valid, &device)?;
    println!(
        "validation residue Fmax {:.3} after {} function epochs",
        residue_fmax(&scores, &valid),
        outcome.function.records.len()
    );
    outcome.model.save(&args.out, &config)?;
    println!("wrote {} (protein_rpn.json, model.bpk)", args.out.display());
    Ok(())
}

fn sites(args: ProteinSitesArgs) -> Result<()> {
    let structure = read_pdb(&args.pdb)?;
    let device = device(&args.device)?;
    let (model, _) = ProteinRpn::load(&args.checkpoint, &device)?;
    let protein = Protein::from_pdb(&structure);
    let (labels, scores) = model.predict(&protein)?;
    println!("{}: {} residues", args.pdb.display(), structure.residues.len());
    for (motif, p) in MOTIFS.iter().zip(&labels) {
        println!("function {:<10} probability {p:.3}", motif.name);
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    println!("top residues (chain, number, name, score):");
    for &i in order.iter().take(args.top) {
        if let Some(r) = structure.residues.get(i) {
            let insertion = r.insertion.map(String::from).unwrap_or_default();
            println!("  {} {}{} {} {:.3}", r.chain, r.number, insertion, r.name, scores[i]);
        }
    }
    Ok(())
}
