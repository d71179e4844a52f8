//! `kiln graph search`: Auto-GNN's architecture search (kiln-graph's `autognn`) for node
//! classification, or random search at the same number of evaluations. Prints every child's
//! validation accuracy, then the best architecture layer by layer; writes `children.json` (the
//! lineage: parent, changed gene, inherited layers, epochs, accuracy, seconds) in `--out`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use kiln_graph::autognn::{ActionClass, AutoGnn, AutoGnnConfig, AutoGnnTask, Csbm, csbm_task, digits_knn};

use super::device;
use crate::artifact::write_json;
use crate::error::{CliError, Result};

/// The search strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphSearchMethod {
    /// Auto-GNN: a policy changes one action class of a top architecture per child.
    Autognn,
    /// Uniformly random architectures.
    Random,
}

/// `kiln graph search` flags.
#[derive(Args, Debug)]
pub struct GraphSearchArgs {
    /// The graph: `digits-knn` (a 10-NN graph over the embedded digits, 10% of the nodes
    /// labelled) or `csbm` (a contextual stochastic block model).
    #[arg(long, default_value = "digits-knn")]
    pub data: String,
    /// Children to train (real evaluations).
    #[arg(long, default_value_t = 60)]
    pub evals: usize,
    /// Search strategy.
    #[arg(long, value_enum, default_value = "autognn")]
    pub method: GraphSearchMethod,
    /// Train every child from scratch (no weights inherited from its parent).
    #[arg(long)]
    pub no_share: bool,
    /// Seed of the data split and the search.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output directory (children.json).
    #[arg(long, default_value = "runs/graph-search")]
    pub out: PathBuf,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
}

fn task(data: &str, seed: u64) -> Result<AutoGnnTask> {
    match data {
        "digits-knn" => Ok(digits_knn(10, 0.1, 0.1, seed)?),
        "csbm" => Ok(csbm_task(&Csbm::default(), seed)?),
        other => Err(CliError::Usage(format!("--data {other}: expected digits-knn or csbm"))),
    }
}

/// Runs `kiln graph search`.
pub fn graph_search(args: GraphSearchArgs) -> Result<()> {
    if args.evals == 0 {
        return Err(CliError::Usage("--evals 0: the search needs at least one child".into()));
    }
    let device = device(&args.device)?;
    let task = task(&args.data, args.seed)?;
    let mut config = AutoGnnConfig::small().with_seed(args.seed);
    if args.no_share {
        config = config.with_share(false);
    }
    let search = AutoGnn::new(config).with_device(device);
    eprintln!(
        "{} search over {} children on {} ({} nodes, {} classes), output {}",
        match args.method {
            GraphSearchMethod::Autognn => "Auto-GNN",
            GraphSearchMethod::Random => "random",
        },
        args.evals,
        args.data,
        task.graph.num_nodes,
        task.classes,
        args.out.display()
    );
    let (encodings, accuracies, children) = match args.method {
        GraphSearchMethod::Autognn => {
            let result = search.search(&task, args.evals)?;
            let encodings: Vec<Vec<usize>> = result.children.iter().map(|c| c.encoding.clone()).collect();
            let accuracies: Vec<f64> = result.children.iter().map(|c| c.accuracy).collect();
            (encodings, accuracies, serde_json::to_value(&result.children).ok())
        }
        GraphSearchMethod::Random => {
            let trace = search.random_baseline(&task, args.evals)?;
            let encodings: Vec<Vec<usize>> = trace.evaluations.iter().map(|(e, _)| e.clone()).collect();
            let accuracies: Vec<f64> =
                trace.evaluations.iter().map(|(_, v)| v.first().copied().unwrap_or(0.0)).collect();
            (encodings, accuracies, None)
        }
    };
    for (i, acc) in accuracies.iter().enumerate() {
        println!("child {:>3}: validation accuracy {:.2}%", i + 1, acc * 100.0);
    }
    let best = (0..accuracies.len())
        .max_by(|&a, &b| accuracies[a].total_cmp(&accuracies[b]))
        .ok_or_else(|| CliError::Usage("the search returned no children".into()))?;
    let architecture = search.config().space.decode(&encodings[best], task.classes)?;
    println!("best: child {} at {:.2}% validation accuracy", best + 1, accuracies[best] * 100.0);
    for (l, layer) in architecture.layers.iter().enumerate() {
        let named: Vec<String> = ActionClass::ALL
            .iter()
            .zip(["width", "heads", "attention", "aggregation", "activation"])
            .map(|(&c, name)| format!("{name} {}", layer.describe(c)))
            .collect();
        println!("  layer {}: {}", l + 1, named.join(", "));
    }
    std::fs::create_dir_all(&args.out).map_err(|e| kiln_core::CoreError::io(&args.out, e))?;
    let record = serde_json::json!({
        "data": args.data,
        "method": format!("{:?}", args.method).to_lowercase(),
        "seed": args.seed,
        "share": !args.no_share,
        "accuracies": accuracies,
        "encodings": encodings,
        "best": best,
        "children": children,
    });
    write_json(&args.out.join("children.json"), &record)?;
    println!("wrote {}", args.out.join("children.json").display());
    Ok(())
}
