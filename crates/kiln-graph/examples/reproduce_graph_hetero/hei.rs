//! HEI (Yang et al., WWW 2025) against ERM and HEI with random environments, on LINKX and GCN
//! backbones, on the contextual SBM whose test nodes are shifted to low homophily: accuracy
//! on Full, High- and Low-homophily test nodes.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::experiment::{ExperimentArgs, MeanStd, ResultsPage, Table};
use kiln_core::train::Trainer;
use kiln_graph::hei::{HeiBackbone, HeiConfig, HeiObjective, HeiSbm, hei_sbm, node_homophily, train_hei};

/// The objectives, in the table's order.
const OBJECTIVES: [(HeiObjective, &str); 3] = [
    (HeiObjective::Erm, "ERM"),
    (HeiObjective::Hei, "HEI"),
    (HeiObjective::RandomEnvironments, "HEI, random environments"),
];

/// The backbones, in the table's order.
const BACKBONES: [(HeiBackbone, &str); 2] = [(HeiBackbone::Linkx, "LINKX"), (HeiBackbone::Gcn, "GCN")];

/// Runs the HEI experiment and appends its section to `page`.
pub fn section(args: &ExperimentArgs, seeds: &[u64], page: &mut ResultsPage) -> Result<(), Box<dyn std::error::Error>> {
    let seeds: &[u64] = if args.quick { &seeds[..1.min(seeds.len())] } else { seeds };
    let epochs = if args.quick { 60 } else { 200 };
    let spec = HeiSbm::default();
    // scores[backbone][objective] = (full, high, low) per seed.
    let mut scores = vec![vec![Vec::<(f64, f64, f64)>::new(); OBJECTIVES.len()]; BACKBONES.len()];
    // best[backbone][objective]: the selected (best validation) epoch per seed.
    let mut best = vec![vec![Vec::<f64>::new(); OBJECTIVES.len()]; BACKBONES.len()];
    let mut homophily = Vec::new();
    for &seed in seeds {
        let task = hei_sbm(&spec, seed)?;
        let h = node_homophily(&task.graph)?;
        let mean = |nodes: &[usize]| nodes.iter().map(|&v| f64::from(h[v])).sum::<f64>() / nodes.len().max(1) as f64;
        homophily.push((mean(&task.split.train), mean(&task.split.test)));
        let graph = Arc::new(task.graph);
        for (b, &(backbone, _)) in BACKBONES.iter().enumerate() {
            for (o, &(objective, _)) in OBJECTIVES.iter().enumerate() {
                let config = HeiConfig::small(spec.classes)
                    .with_backbone(backbone)
                    .with_objective(objective)
                    .with_epochs(epochs);
                let out = train_hei(&graph, &task.split, &config, seed, &Trainer::new(Device::flex()))?;
                scores[b][o].push(out.accuracies());
                best[b][o].push(out.report.best_epoch.unwrap_or(epochs) as f64);
            }
        }
        eprintln!("HEI seed {seed} done ({:.0}s)", page.elapsed_secs());
    }
    let (h_train, h_test) = homophily.iter().fold((0.0, 0.0), |a, h| (a.0 + h.0, a.1 + h.1));
    let runs = homophily.len().max(1) as f64;
    page.heading(2, "HEI: invariant learning under heterophilic structure shift");
    page.paragraph(&format!(
        "Yang et al. (WWW 2025, `Yangjinluan/HEI`): environments inferred from the label-free neighbour dissimilarity z_v = mean_u ‖x_v − x_u‖ (standardised on the training nodes) by q = softmax(MLP 1→16→4); backbone loss (CE + 1e-3 Σ‖θ‖² + λ max(P, 0)) / (1 + λ) with the IRMv1 penalty P = Σ_k (∂R_k/∂s)², λ = 0 for 5 warm-up epochs (the environment network ascends P with Adam 1e-3) and 1e4 after. ERM drops the penalty; the ablation uses uniformly random fixed environments. Data: a contextual SBM, {} nodes, {} classes, {} edges sent per node, features class mean (norm {}) + N(0, I_{}); every node draws a homophilic (h = {}) or heterophilic (h = {}) environment, {:.0}% homophilic among train/valid nodes and {:.0}% among test nodes (mean true homophily: train {:.3}, test {:.3}). Test nodes are split at their median true homophily into High and Low. `HeiConfig::small` (hidden 64, dropout 0.5, AdamW lr 1e-2, weight decay 1e-3), at most {epochs} epochs, the epoch of best validation accuracy kept (patience 100, as the paper). Seeds {seeds:?}; test accuracy, mean ± std.",
        spec.nodes,
        spec.classes,
        spec.degree,
        spec.signal,
        spec.dim,
        spec.h_high,
        spec.h_low,
        100.0 * spec.train_high,
        100.0 * spec.test_high,
        h_train / runs,
        h_test / runs,
    ));
    let mut table = Table::new(["backbone", "objective", "Full", "High", "Low", "selected epoch"]);
    let stat =
        |runs: &[(f64, f64, f64)], f: fn(&(f64, f64, f64)) -> f64| MeanStd::of(&runs.iter().map(f).collect::<Vec<_>>());
    for (b, (_, bname)) in BACKBONES.iter().enumerate() {
        for (o, (_, oname)) in OBJECTIVES.iter().enumerate() {
            let r = &scores[b][o];
            table.row([
                bname.to_string(),
                oname.to_string(),
                format!("{:.3}", stat(r, |s| s.0)),
                format!("{:.3}", stat(r, |s| s.1)),
                format!("{:.3}", stat(r, |s| s.2)),
                format!("{:.0}", MeanStd::of(&best[b][o])),
            ]);
        }
    }
    page.table(&table);
    let mut verdicts = Vec::new();
    let mut holds = 0;
    for (b, (_, bname)) in BACKBONES.iter().enumerate() {
        let erm_full = stat(&scores[b][0], |s| s.0);
        let hei_full = stat(&scores[b][1], |s| s.0);
        let erm_low = stat(&scores[b][0], |s| s.2).mean;
        let hei_low = stat(&scores[b][1], |s| s.2).mean;
        let rand_low = stat(&scores[b][2], |s| s.2).mean;
        // "Full holds": HEI's Full mean is not below ERM's by more than one ERM std (or 0.01).
        let full_holds = hei_full.mean >= erm_full.mean - erm_full.std.max(0.01);
        let low_rises = hei_low > erm_low;
        holds += usize::from(full_holds && low_rises);
        verdicts.push(format!(
            "{bname}: Low {:.3} (HEI) vs {:.3} (ERM) vs {:.3} (random environments), Full {:.3} vs {:.3}: Low {}, Full {}",
            hei_low,
            erm_low,
            rand_low,
            hei_full.mean,
            erm_full.mean,
            if low_rises { "rises" } else { "does not rise" },
            if full_holds { "holds" } else { "drops" },
        ));
    }
    let mean_best = |o: usize| {
        let all: Vec<f64> = best.iter().flat_map(|b| b[o].iter().copied()).collect();
        all.iter().sum::<f64>() / all.len().max(1) as f64
    };
    let (erm_best, hei_best) = (mean_best(0), mean_best(1));
    let warmup = HeiConfig::small(spec.classes).warmup_epochs as f64;
    let reason = if hei_best < erm_best && hei_best <= warmup + 20.0 {
        format!(
            " Measured reason: HEI's selected epoch averages {hei_best:.0} against ERM's {erm_best:.0} (warm-up {warmup:.0} epochs): once λ = 1e4 weighs the penalty 10⁴:1 against the cross-entropy, validation accuracy stops improving, so early stopping keeps a model from soon after the warm-up."
        )
    } else {
        format!(" Selected epochs: HEI {hei_best:.0}, ERM {erm_best:.0}.")
    };
    page.paragraph(&format!(
        "Paper claim (Yang et al., Tables on Chameleon/Squirrel/Actor/Penn94/arxiv-year/twitch-gamer): HEI beats ERM across backbones, most on Low-homophily test nodes, without losing Full accuracy. Here: {}. Verdict: the claim {} on this synthetic shift ({holds} of {} backbones){}.{reason}",
        verdicts.join("; "),
        match holds {
            2 => "holds",
            0 => "does not hold",
            _ => "holds only in part",
        },
        BACKBONES.len(),
        if seeds.len() < 3 { "; one seed only (`--quick`), differences within noise are not evidence" } else { "" },
    ));
    Ok(())
}
