//! `cargo xtask reproduce graph` runs this: link prediction with CN, Adamic–Adar, GCN
//! dot-product, NCN and NCNC on generated graphs where common neighbours matter, and node
//! classification with GCN, GraphSAGE, GAT and GIN on a contextual SBM; writes
//! `docs/results/graph.md`.
//!
//! Usage: `cargo xtask reproduce graph [--quick] [--seeds N | --seeds A,B,...]`

mod link;
mod node;

use burn::prelude::Device;
use kiln_core::experiment::{Accepts, ExperimentArgs, MeanStd, ResultsPage, Table, mean};
use kiln_graph::layers::LayerKind;

use link::{LinkGraph, LinkMethod, LinkRunConfig, link_problem, run_link_method};

/// `mean ± std` in % with one decimal.
fn percent(values: &[f64]) -> String {
    format!("{:.1}", MeanStd::of(values).scaled(100.0))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let device = Device::flex();
    let mut page = ResultsPage::new(&args, "graph", "kiln-graph: link prediction (NCN/NCNC) and node classification");
    page.paragraph(&format!("Seeds {seeds:?}, mean ± std over seeds."));
    let mut config = LinkRunConfig { mp_layers: 2, ..LinkRunConfig::default() };
    config.train.epochs = if args.quick { 10 } else { 40 };
    link_section(&mut page, &config, &seeds, &device)?;
    let epochs = if args.quick { 50 } else { 100 };
    node_section(&mut page, epochs, &seeds, &device)?;
    let total = page.elapsed_secs();
    page.paragraph(&format!("Total time {total:.0} s."));
    page.write("flex")?;
    Ok(())
}

fn link_section(
    page: &mut ResultsPage,
    config: &LinkRunConfig,
    seeds: &[u64],
    device: &Device,
) -> Result<(), Box<dyn std::error::Error>> {
    page.heading(2, "Link prediction");
    page.paragraph(&format!(
        "Each graph is split 70/10/20 at random (NCN's Planetoid protocol): test edges are removed from the message-passing graph, with as many random non-edges as negatives. Node features are {} random N(0, 1) values (the structure must do the work). GAE: two GCN layers; NCN/NCNC: a linear layer and {} parameter-free GCN propagations (two, like GAE; the paper uses one on Planetoid). Both hidden {}, {} epochs of Adam (lr {} encoder / {} predictor), batches of {} positive links with one uniform negative each; NCN and NCNC train with target-link removal. Hits@{} and MRR on the test edges (%, MRR against all test negatives). Paper's claim (Wang et al., ICLR 2024, Table 2): NCNC ≥ NCN > GAE and the heuristics; NCNC helps most when the observed graph is incomplete.",
        config.feature_dim, config.mp_layers, config.hidden, config.train.epochs, config.train.lr, config.train.predictor_lr, config.train.batch_size, config.k
    ));
    let settings: [(LinkGraph, Option<f64>); 3] = [
        (LinkGraph::Geometric { n: 1000, degree: 10.0 }, None),
        (LinkGraph::Sbm { blocks: 20, size: 50, degree_in: 12.0, degree_out: 2.0 }, None),
        (LinkGraph::Geometric { n: 1000, degree: 10.0 }, Some(0.5)),
    ];
    for (graph_kind, keep) in settings {
        let mut hits = vec![Vec::new(); LinkMethod::ALL.len()];
        let mut mrr = vec![Vec::new(); LinkMethod::ALL.len()];
        let (mut edges, mut observed) = (Vec::new(), Vec::new());
        for &seed in seeds {
            let graph = graph_kind.generate(config.feature_dim, seed)?;
            edges.push(graph.undirected_pairs().len() as f64);
            let problem = link_problem(&graph, seed, keep)?;
            observed.push(problem.split.train.len() as f64);
            let mut cfg = *config;
            cfg.train.seed = seed;
            for (m, method) in LinkMethod::ALL.into_iter().enumerate() {
                let started = page.elapsed_secs();
                let r = run_link_method(&problem, method, &cfg, device)?;
                eprintln!(
                    "{} seed {seed} {}: hits {:.3} mrr {:.3} auc {:.3} ({:.1}s)",
                    graph_kind.name(),
                    method.name(),
                    r.hits,
                    r.mrr,
                    r.auc,
                    page.elapsed_secs() - started
                );
                hits[m].push(r.hits);
                mrr[m].push(r.mrr);
            }
        }
        let title = match keep {
            Some(k) => format!("{}, only {:.0}% of the training edges observed", graph_kind.name(), 100.0 * k),
            None => graph_kind.name(),
        };
        page.heading(3, &title);
        page.paragraph(&format!(
            "{:.0} undirected edges on average, {:.0} of them observed in training.",
            mean(&edges),
            mean(&observed)
        ));
        let mut table = Table::new(["method".to_string(), format!("Hits@{}", config.k), "MRR".to_string()]);
        for (m, method) in LinkMethod::ALL.into_iter().enumerate() {
            table.row([method.name().to_string(), percent(&hits[m]), percent(&mrr[m])]);
        }
        page.table(&table);
        // Methods in LinkMethod::ALL order: CN, AA, GAE, NCN, NCNC.
        let at = |m: usize| mean(&hits[m]);
        let holds = at(4) >= at(3) && (0..3).all(|m| at(3) > at(m));
        page.paragraph(&format!(
            "Paper's ordering on Hits@{} (NCNC ≥ NCN > GAE, CN, AA, seed means): {}.",
            config.k,
            if holds { "holds" } else { "does not hold" }
        ));
    }
    Ok(())
}

fn node_section(
    page: &mut ResultsPage,
    epochs: usize,
    seeds: &[u64],
    device: &Device,
) -> Result<(), Box<dyn std::error::Error>> {
    page.heading(2, "Node classification");
    page.paragraph(&format!(
        "Contextual SBM: 4 classes × 150 nodes, expected degree 6 inside the class and 3 across, 16-dimensional Gaussian features with class means of norm 0.7 (noisy alone). {} labelled nodes per class, the other 520 for test. Two layers, hidden 16 (GAT: 4 heads), dropout 0.5, Adam lr 0.01 with weight decay 5e-4, {epochs} full-batch epochs (Kipf & Welling's settings). Test accuracy (%).",
        node::PER_CLASS
    ));
    let mut table = Table::new(["model", "accuracy"]);
    for kind in LayerKind::ALL {
        let mut accuracies = Vec::new();
        for &seed in seeds {
            let a = node::accuracy(kind, epochs, seed, device)?;
            eprintln!("node classification seed {seed} {}: {a:.3}", kind.name());
            accuracies.push(a);
        }
        table.row([kind.name().to_string(), percent(&accuracies)]);
    }
    page.table(&table);
    Ok(())
}
