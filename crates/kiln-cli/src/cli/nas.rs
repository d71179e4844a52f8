//! `kiln search` and `kiln extract`: a supernet's Pareto front, and one of its subnets as a
//! standalone run.

use std::path::PathBuf;

use clap::Args;

use super::device;
use crate::error::{CliError, Result};
use crate::extract::{ExtractOptions, Pick, extract};
use crate::search::{SearchMethod, SearchOptions, SupernetTraining, parse_objectives, search};

/// `kiln search`.
#[derive(Args, Debug)]
pub struct SearchArgs {
    /// Supernet (only `ofa`, the small-image Once-for-All supernet, so far).
    #[arg(long, default_value = "ofa")]
    pub supernet: String,
    /// Image data, as `kiln train --data` takes it (digits, procedural:N, idx:DIR, folder:DIR,
    /// ...); the supernet preset follows the image size (up to 16 px: the digits supernet).
    #[arg(long, default_value = "digits")]
    pub data: String,
    /// How the supernet is trained: `progressive` (OFA's progressive shrinking with a frozen
    /// teacher and several subnets per step), `simple` (in-place distillation, one subnet
    /// per step), `sorted` (SortedNet's nested sub-models), `shiftnas` (ShiftNAS: a
    /// generator per MAC bin trained with the supernet) or `mos` (Mixture-of-Supernets:
    /// routed expert weights, searched and extracted with W(a) baked in).
    #[arg(long, value_enum, default_value = "progressive")]
    pub training: SupernetTraining,
    /// Two or three of accuracy, macs, params, latency.
    #[arg(long, default_value = "accuracy,macs")]
    pub objectives: String,
    /// Real evaluations (each: BN recalibration + validation pass, or a latency measurement).
    #[arg(long, default_value_t = 50)]
    pub evals: usize,
    /// Search strategy.
    #[arg(long, value_enum, default_value = "linas")]
    pub method: SearchMethod,
    /// Supernet training epochs over all stages (OFA's lengths scaled to this total).
    #[arg(long, default_value_t = 18)]
    pub epochs: usize,
    /// Also print the training method's own choice for this MAC budget, without search
    /// (`--training sorted`: the largest nested sub-model within it; `--training shiftnas`:
    /// the generator's architecture for the largest bin that fits).
    #[arg(long)]
    pub macs: Option<u64>,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
    /// Output directory.
    #[arg(long, default_value = "runs/search")]
    pub out: PathBuf,
}

/// `kiln extract`.
#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// A `kiln search` run directory.
    #[arg(long)]
    pub run: PathBuf,
    /// The front member with this index in the run's pareto.csv.
    #[arg(long, conflicts_with = "macs", required_unless_present = "macs")]
    pub pick: Option<usize>,
    /// The most accurate front member of at most this many MACs.
    #[arg(long)]
    pub macs: Option<u64>,
    /// With `--macs`: the training method's own choice instead of a front member, found
    /// without search (`--training sorted`: the largest nested sub-model within the budget;
    /// `--training shiftnas`: the generator's subnet for it).
    #[arg(long, requires = "macs")]
    pub search_free: bool,
    /// Fine-tuning epochs after BN recalibration (0: none).
    #[arg(long, default_value_t = 0)]
    pub epochs: usize,
    /// Fine-tuning learning rate.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
    /// The new run directory (for `kiln eval --checkpoint`).
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `kiln search`.
pub fn run_search(args: SearchArgs) -> Result<()> {
    let SearchArgs { supernet, data, training, objectives, evals, method, epochs, macs, seed, device: d, out } = args;
    if supernet != "ofa" {
        return Err(CliError::Usage(format!("--supernet {supernet}: only `ofa` is available")));
    }
    let objectives = parse_objectives(&objectives)?;
    let device = device(&d)?;
    let options = SearchOptions { data, objectives, evals, method, training, epochs, macs, seed, out: out.clone() };
    let (trace, choice) = search(&options, &device, true)?;
    println!("{} real evaluations, final hypervolume {:.4e}", trace.len(), trace.final_hypervolume());
    let csv = out.join("pareto.csv");
    print!("{}", std::fs::read_to_string(&csv).map_err(|e| kiln_core::CoreError::io(&csv, e))?);
    if let (Some(budget), Some(choice)) = (macs, choice) {
        let method = if training == SupernetTraining::Sorted { "SortedNet" } else { "ShiftNAS" };
        println!("{method}'s choice within {budget} MACs: {} ({} MACs)", choice.architecture, choice.macs);
    }
    let saved = if training == SupernetTraining::Shiftnas { " (with the ShiftNAS generator)" } else { "" };
    println!("wrote {}/pareto.csv, trace.json, latency.json, search.json, supernet.bpk{saved}", out.display());
    Ok(())
}

/// Runs `kiln extract`.
pub fn run_extract(args: ExtractArgs) -> Result<()> {
    let pick = match (args.pick, args.macs) {
        (Some(n), _) => Pick::Index(n),
        (None, Some(m)) if args.search_free => Pick::SearchFree(m),
        (None, Some(m)) => Pick::Macs(m),
        (None, None) => return Err(CliError::Usage("give --pick N or --macs M".into())),
    };
    let device = device(&args.device)?;
    let options =
        ExtractOptions { run: args.run, pick, epochs: args.epochs, lr: args.lr, out: args.out.clone(), progress: true };
    let (summary, subnet, macs) = extract(&options, &device)?;
    println!(
        "extracted depths {:?}, kernels {:?}, expands {:?}, resolution {} ({macs} MACs): test accuracy {:.4}",
        subnet.depths,
        subnet.kernels,
        subnet.expands,
        subnet.resolution,
        summary.test.accuracy().unwrap_or(f64::NAN)
    );
    println!("wrote {} (kiln eval --checkpoint {})", args.out.display(), args.out.display());
    Ok(())
}
