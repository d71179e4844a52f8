//! `cargo xtask reproduce graph` runs this: link prediction with CN, Adamic–Adar, GCN
//! dot-product, NCN and NCNC on generated graphs where common neighbours matter, and node
//! classification with GCN, GraphSAGE, GAT and GIN on a contextual SBM; writes
//! `docs/results/graph.md`.
//!
//! Usage: `cargo run -p kiln-graph --example reproduce_graph -- [OUT.md | OUT_DIR] [--quick]`

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use burn::prelude::Device;
use kiln_core::metrics::mean_std;
use kiln_graph::layers::LayerKind;
use kiln_graph::reproduce::{
    LinkData, LinkGraph, LinkMethod, LinkRunConfig, node_classification_graph, planetoid_split, run_link_method,
    run_node_classification,
};

fn cell(values: &[f64]) -> String {
    let (m, s) = mean_std(&values.iter().map(|v| 100.0 * v).collect::<Vec<_>>());
    format!("{m:.1} ± {s:.1}")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // A `.md` path is the output file; anything else is a directory (as `cargo xtask` passes).
    let out = match args.iter().find(|a| !a.starts_with("--")) {
        Some(p) if p.ends_with(".md") => PathBuf::from(p),
        Some(dir) => PathBuf::from(dir).join("graph.md"),
        None => PathBuf::from("docs/results/graph.md"),
    };
    let quick = args.iter().any(|a| a == "--quick");
    let seeds: Vec<u64> = if quick { vec![0] } else { vec![0, 1, 2] };
    let device = Device::flex();
    let start = Instant::now();
    let mut config = LinkRunConfig { mp_layers: 2, ..LinkRunConfig::default() };
    config.train.epochs = if quick { 10 } else { 40 };
    let settings: Vec<(LinkGraph, Option<f64>)> = vec![
        (LinkGraph::Geometric { n: 1000, degree: 10.0 }, None),
        (LinkGraph::Sbm { blocks: 20, size: 50, degree_in: 12.0, degree_out: 2.0 }, None),
        (LinkGraph::Geometric { n: 1000, degree: 10.0 }, Some(0.5)),
    ];
    let mut md = String::from("# kiln-graph: link prediction (NCN/NCNC) and node classification\n\n");
    md.push_str(&format!(
        "Made by `cargo xtask reproduce graph` (`cargo run -p kiln-graph --example reproduce_graph`; flex backend, {} CPU threads), seeds {seeds:?}, mean ± std over seeds.\n\n",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    ));
    md.push_str(&format!(
        "## Link prediction\n\nEach graph is split 70/10/20 at random (NCN's Planetoid protocol): test edges are removed from the message-passing graph, with as many random non-edges as negatives. Node features are {} random N(0, 1) values (the structure must do the work). GAE: two GCN layers; NCN/NCNC: a linear layer and {} parameter-free GCN propagations (two, like GAE; the paper uses one on Planetoid). Both hidden {}, {} epochs of Adam (lr {} encoder / {} predictor), batches of {} positive links with one uniform negative each; NCN and NCNC train with target-link removal. Hits@{} and MRR on the test edges (%, MRR against all test negatives). Paper's claim (Wang et al., ICLR 2024, Table 2): NCNC ≥ NCN > GAE and the heuristics; NCNC helps most when the observed graph is incomplete.\n\n",
        config.feature_dim, config.mp_layers, config.hidden, config.train.epochs, config.train.lr, config.train.predictor_lr, config.train.batch_size, config.k
    ));
    for (graph_kind, keep) in &settings {
        let mut hits = vec![Vec::new(); LinkMethod::ALL.len()];
        let mut mrr = vec![Vec::new(); LinkMethod::ALL.len()];
        let (mut edges, mut observed) = (Vec::new(), Vec::new());
        for &seed in &seeds {
            let graph = graph_kind.generate(config.feature_dim, seed)?;
            edges.push(graph.undirected_pairs().len() as f64);
            let data = match keep {
                Some(k) => LinkData::incomplete(&graph, seed, *k)?,
                None => LinkData::new(&graph, seed)?,
            };
            observed.push(data.split.train.len() as f64);
            let mut cfg = config;
            cfg.train.seed = seed;
            for (m, method) in LinkMethod::ALL.into_iter().enumerate() {
                let t = Instant::now();
                let r = run_link_method(&data, method, &cfg, &device)?;
                eprintln!(
                    "{} seed {seed} {}: hits {:.3} mrr {:.3} auc {:.3} ({:.1}s)",
                    graph_kind.name(),
                    method.name(),
                    r.hits,
                    r.mrr,
                    r.auc,
                    t.elapsed().as_secs_f64()
                );
                hits[m].push(r.hits);
                mrr[m].push(r.mrr);
            }
        }
        let title = match keep {
            Some(k) => format!("{}, only {:.0}% of the training edges observed", graph_kind.name(), 100.0 * k),
            None => graph_kind.name(),
        };
        let (e, _) = mean_std(&edges);
        let (o, _) = mean_std(&observed);
        md.push_str(&format!(
            "### {title}\n\n{e:.0} undirected edges on average, {o:.0} of them observed in training.\n\n| method | Hits@{} | MRR |\n|---|---|---|\n",
            config.k
        ));
        for (m, method) in LinkMethod::ALL.into_iter().enumerate() {
            md.push_str(&format!("| {} | {} | {} |\n", method.name(), cell(&hits[m]), cell(&mrr[m])));
        }
        // Methods in LinkMethod::ALL order: CN, AA, GAE, NCN, NCNC.
        let mean = |m: usize| mean_std(&hits[m]).0;
        let holds = mean(4) >= mean(3) && (0..3).all(|m| mean(3) > mean(m));
        md.push_str(&format!(
            "\nPaper's ordering on Hits@{} (NCNC ≥ NCN > GAE, CN, AA, seed means): {}.\n\n",
            config.k,
            if holds { "holds" } else { "does not hold" }
        ));
    }

    let epochs = if quick { 50 } else { 100 };
    md.push_str(&format!(
        "## Node classification\n\nContextual SBM: 4 classes × 150 nodes, expected degree 6 inside the class and 3 across, 16-dimensional Gaussian features with class means of norm 0.7 (noisy alone). 20 labelled nodes per class, the other 520 for test. Two layers, hidden 16 (GAT: 4 heads), dropout 0.5, Adam lr 0.01 with weight decay 5e-4, {epochs} full-batch epochs (Kipf & Welling's settings). Test accuracy (%).\n\n| model | accuracy |\n|---|---|\n"
    ));
    for kind in LayerKind::ALL {
        let mut acc = Vec::new();
        for &seed in &seeds {
            let g = Arc::new(node_classification_graph(4, 150, 6.0, 3.0, 16, 0.7, seed)?);
            let (train, test) = planetoid_split(&g, 20, seed)?;
            let a = run_node_classification(&g, kind, &train, &test, epochs, seed, &device)?;
            eprintln!("node classification seed {seed} {}: {a:.3}", kind.name());
            acc.push(a);
        }
        md.push_str(&format!("| {} | {} |\n", kind.name(), cell(&acc)));
    }
    md.push_str(&format!("\nTotal time {:.0} s.\n", start.elapsed().as_secs_f64()));
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, &md)?;
    println!("{md}");
    Ok(())
}
