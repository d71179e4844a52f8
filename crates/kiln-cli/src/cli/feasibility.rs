//! `kiln graph feasibility`: the W2PGNN feasibility of pre-training (Cao et al., KDD 2023) on
//! TU-format data sets, one directory per pre-training domain and one downstream.

use std::path::{Path, PathBuf};

use clap::Args;
use kiln_graph::Graph;
use kiln_graph::io::tu::{TuFeatures, read_tu};
use kiln_graph::w2pgnn::{BasisKind, Feasibility, GraphonEstimator, W2pgnnConfig, feasibility as estimate_feasibility};

use crate::error::{CliError, Result};

/// Flags of `kiln graph feasibility`.
#[derive(Args, Debug)]
pub struct FeasibilityArgs {
    /// A TU-format data set directory (`NAME_A.txt`, `NAME_graph_indicator.txt`,
    /// `NAME_graph_labels.txt`, directly or under `raw/`) holding one pre-training domain;
    /// repeat the flag for every domain.
    #[arg(long = "pre", required = true, value_name = "DIR")]
    pub pre: Vec<PathBuf>,
    /// The TU-format data set directory of the downstream graphs.
    #[arg(long, value_name = "DIR")]
    pub down: PathBuf,
    /// The CPU preset (graphon resolution 64) instead of the paper's settings (resolution
    /// 1000, slow on the host).
    #[arg(long)]
    pub small: bool,
    /// Graphon resolution r (every graphon r × r), replacing the preset's.
    #[arg(long)]
    pub resolution: Option<usize>,
    /// Most Adam steps of the mixture-weight fit, replacing the preset's (100).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// The graphon estimator, with the official code's parameters: `sas` (sorting and
    /// smoothing), `lg` (largest gap, ⌊N/h⌋ blocks), `usvt` (singular value thresholding,
    /// τ = 0.1) or `sba` (stochastic block approximation, Δ = 0.1).
    #[arg(long, default_value = "sas", value_name = "NAME")]
    pub estimator: String,
}

/// The name `NAME` of the one TU data set in `dir` (its `NAME_A.txt`), looked for in `dir`
/// and then in `dir/raw`; errors name the directory.
fn tu_name(dir: &Path) -> Result<(PathBuf, String)> {
    let fail = |why: &str| CliError::Usage(format!("{}: {why}", dir.display()));
    if !dir.is_dir() {
        return Err(fail(if dir.exists() { "not a directory" } else { "no such directory" }));
    }
    for place in [dir.to_path_buf(), dir.join("raw")] {
        let Ok(entries) = std::fs::read_dir(&place) else { continue };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str().and_then(|f| f.strip_suffix("_A.txt")).map(str::to_string))
            .filter(|name| !name.is_empty())
            .collect();
        names.sort();
        match names.len() {
            0 => continue,
            1 => return Ok((place, names.remove(0))),
            _ => return Err(fail(&format!("several TU data sets ({}); give a directory with one", names.join(", ")))),
        }
    }
    Err(fail("no TU data set (no NAME_A.txt file, nor under raw/)"))
}

/// The graphs of the TU data set in `dir`.
fn read_graphs(dir: &Path) -> Result<Vec<Graph>> {
    let (place, name) = tu_name(dir)?;
    let graphs = read_tu(&place, &name, TuFeatures::default())?.graphs;
    if graphs.is_empty() {
        return Err(CliError::Usage(format!("{}: the data set {name} has no graph", dir.display())));
    }
    Ok(graphs)
}

fn kind_name(kind: BasisKind) -> &'static str {
    match kind {
        BasisKind::Integrated => "integrated",
        BasisKind::Domain => "domain",
        BasisKind::Topological => "topological",
    }
}

fn weights(alpha: &[f64]) -> String {
    alpha.iter().map(|a| format!("{a:.4}")).collect::<Vec<_>>().join(", ")
}

/// Prints `f`: ζ, the winning basis kind and its α, then every candidate.
fn print(f: &Feasibility) {
    println!("zeta = {:.6e}", f.zeta);
    println!("basis = {}", kind_name(f.basis));
    println!("alpha = {}", weights(&f.alpha));
    println!("candidates:");
    for c in &f.candidates {
        println!("  {:<12} zeta = {:.6e}  alpha = {}", kind_name(c.basis), c.zeta, weights(&c.alpha));
    }
}

/// Runs `kiln graph feasibility`.
pub fn feasibility(args: FeasibilityArgs) -> Result<()> {
    let mut cfg = if args.small { W2pgnnConfig::small() } else { W2pgnnConfig::new() };
    if let Some(r) = args.resolution {
        cfg = cfg.with_resolution(r);
    }
    if let Some(epochs) = args.epochs {
        cfg = cfg.with_epochs(epochs);
    }
    let estimator: GraphonEstimator = args.estimator.parse().map_err(|_| {
        CliError::Usage(format!(
            "unknown estimator `{}` for `kiln graph feasibility`: expected one of {}",
            args.estimator,
            GraphonEstimator::NAMES.join(", ")
        ))
    })?;
    cfg = cfg.with_estimator(estimator);
    cfg.validate()?;
    let mut pre = Vec::with_capacity(args.pre.len());
    for dir in &args.pre {
        let graphs = read_graphs(dir)?;
        eprintln!("pre-training domain {}: {} graphs", dir.display(), graphs.len());
        pre.push(graphs);
    }
    let down = read_graphs(&args.down)?;
    eprintln!("downstream {}: {} graphs; graphon resolution {}", args.down.display(), down.len(), cfg.resolution);
    println!("estimator = {}", cfg.estimator);
    print(&estimate_feasibility(&pre, &down, &cfg)?);
    Ok(())
}
