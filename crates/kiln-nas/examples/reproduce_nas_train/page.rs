//! The Markdown of `docs/results/nas-train.md`: the protocol, every method's accuracy per MAC
//! bin beside standalone training, the papers' claims with verdicts, and the chart.

use kiln_core::experiment::{MeanStd, ResultsPage, Table, mean};
use kiln_nas::ofa::{OfaConfig, ProgressiveShrinking, subnet_macs};
use kiln_nas::sortednet::{SortedNetConfig, SortedSubmodel};
use kiln_render::{Chart, Legend, Series};

use crate::methods::Res;
use crate::protocol::{BIN_SAMPLES, BINS, PER_BIN, Protocol};
use crate::{METHODS, SeedRun};

fn pct(values: &[f64]) -> String {
    format!("{:.1}", MeanStd::of(values).scaled(100.0))
}

/// Per seed, the mean of `accuracies` over the evaluation subnets selected by `keep`.
fn group(
    runs: &[SeedRun],
    accuracies: impl Fn(&SeedRun) -> &[f64],
    protocol: &Protocol,
    keep: impl Fn(usize) -> bool,
) -> Vec<f64> {
    runs.iter()
        .map(|r| {
            let picked: Vec<f64> = accuracies(r)
                .iter()
                .zip(&protocol.subnets)
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, (a, _))| *a)
                .collect();
            mean(&picked)
        })
        .collect()
}

/// Column groups of the main table: smallest, each bin, largest (indices into the evaluation set).
fn columns(protocol: &Protocol) -> Vec<(String, Vec<usize>)> {
    let mut cols = vec![("smallest".to_string(), vec![0])];
    for k in 0..BINS {
        let members = protocol.subnets.iter().enumerate().filter(|(_, s)| s.bin == Some(k)).map(|(i, _)| i).collect();
        cols.push((format!("bin {}", k + 1), members));
    }
    cols.push(("largest".to_string(), vec![protocol.subnets.len() - 1]));
    cols
}

/// Writes the page's body.
pub fn write(
    page: &mut ResultsPage,
    protocol: &Protocol,
    runs: &[SeedRun],
    seeds: &[u64],
    (config, ofa): (&OfaConfig, &ProgressiveShrinking),
) -> Res<()> {
    page.paragraph(&format!(
        "Seeds {seeds:?}, mean ± std over seeds; digits split 70/10/20 by seed, test accuracies after BN recalibration on 10 training batches. Space `OfaConfig::digits()`. MAC bins: quantiles of {BIN_SAMPLES} uniformly sampled subnets (edges {:?}); evaluation set: the smallest and largest subnet and {PER_BIN} seeded subnets per bin, the same for every method and seed. Budget: every method gets the (subnet, batch) training passes of OFA's schedule (teacher included; OFA's lengths × {:.3}: teacher {} epochs, kernel {}, depth and expand {} + {}); standalone: each evaluation subnet trained alone for the same total epochs ({}).",
        protocol.edges,
        ofa.teacher.0 as f64 / 120.0,
        ofa.teacher.0,
        ofa.kernel.0,
        ofa.first.0,
        ofa.second.0,
        ofa.total_epochs()
    ));
    page.heading(2, "Test accuracy (%) per MAC bin");
    let cols = columns(protocol);
    let mut header = vec!["method".to_string(), "passes".into(), "train s".into()];
    header.extend(cols.iter().map(|(name, _)| name.clone()));
    let mut table = Table::new(header);
    for (m, name) in METHODS.iter().enumerate() {
        let mut row = vec![
            name.to_string(),
            runs.first().map_or(0, |r| r.methods[m].passes).to_string(),
            format!("{:.0}", mean(&runs.iter().map(|r| r.methods[m].seconds).collect::<Vec<_>>())),
        ];
        for (_, members) in &cols {
            row.push(pct(&group(runs, |r| &r.methods[m].accuracies, protocol, |i| members.contains(&i))));
        }
        table.row(row);
    }
    let mut row = vec!["trained alone (each subnet)".to_string(), "–".into(), "–".into()];
    for (_, members) in &cols {
        row.push(pct(&group(runs, |r| &r.standalone, protocol, |i| members.contains(&i))));
    }
    table.row(row);
    page.table(&table);
    claims(page, protocol, runs);
    sortednet(page, runs, config);
    chart(page, protocol, runs)?;
    let mut subnets = Table::new(["evaluation subnet", "architecture", "MACs"]);
    for s in &protocol.subnets {
        subnets.row([s.label.clone(), s.subnet.describe(config), s.macs.to_string()]);
    }
    page.heading(2, "The evaluation set");
    page.table(&subnets);
    page.paragraph("Not yet on this page (issue 14): ShiftNAS and InstaTune rows, and the search comparison over ≥ 10 seeds (on `docs/results/nas.md`).");
    Ok(())
}

fn claims(page: &mut ResultsPage, protocol: &Protocol, runs: &[SeedRun]) {
    page.heading(2, "Claims");
    let smallest = |f: &dyn Fn(&SeedRun) -> &[f64]| group(runs, f, protocol, |i| i == 0);
    let every = |f: &dyn Fn(&SeedRun) -> &[f64]| group(runs, f, protocol, |_| true);
    let alone = smallest(&|r| &r.standalone);
    let alone_all = every(&|r| &r.standalone);
    let mut gaps = Vec::new();
    let mut table = Table::new([
        "method",
        "smallest subnet (%)",
        "smallest trained alone (%)",
        "gap (points)",
        "within 2 points?",
        "mean gap over the evaluation set (points)",
    ]);
    for (m, name) in METHODS.iter().enumerate() {
        let from = smallest(&|r| &r.methods[m].accuracies);
        let gap = 100.0 * (mean(&alone) - mean(&from));
        let mean_gap = 100.0 * (mean(&alone_all) - mean(&every(&|r| &r.methods[m].accuracies)));
        gaps.push(mean_gap);
        table.row([
            name.to_string(),
            pct(&from),
            pct(&alone),
            format!("{gap:.1}"),
            if gap <= 2.0 { "holds" } else { "does not hold" }.to_string(),
            format!("{mean_gap:.1}"),
        ]);
    }
    page.paragraph("Once-for-All (Cai et al., ICLR 2020): a subnet of the trained supernet is within about 2 points of the same architecture trained alone, here tested on the smallest subnet at equal total epochs. Mixture-of-Supernets (Jawahar et al., 2024): routed expert weights close the gap between supernet and standalone accuracy that plain weight sharing leaves, here the mean gap over the evaluation set against the same sandwich-rule training with one expert:");
    page.table(&table);
    let (plain, mos) = (gaps[METHODS.len() - 2], gaps[METHODS.len() - 1]);
    page.paragraph(&format!(
        "Mixture-of-Supernets' claim {}: mean gap {mos:.1} points with 6 experts against {plain:.1} with plain sharing.",
        if mos < plain && mos <= 2.0 { "holds" } else if mos < plain { "holds in direction (the gap narrows but does not close)" } else { "does not hold" }
    ));
}

fn sortednet(page: &mut ResultsPage, runs: &[SeedRun], config: &OfaConfig) {
    page.heading(2, "SortedNet: nested sub-models against the full model");
    let g = SortedNetConfig::small().g_acc;
    page.paragraph(&format!("SortedNet (Valipour et al., 2023) claims every nested sub-model keeps ≥ 96% of the full model's accuracy. Sub-models: uniform depth × expand, largest kernel and resolution; {g} sub-models per step from uniform P_B, trained from scratch at the shared pass budget. Baseline: the same sub-models cut out of a normally trained full network (OFA's teacher) without nested training (the truncated network). Ratio: sub-model accuracy over SortedNet's full model's, per seed."));
    let all = SortedSubmodel::all(config);
    let full: Vec<f64> = runs.iter().map(|r| r.sorted.last().copied().unwrap_or(0.0)).collect();
    let mut table = Table::new([
        "sub-model (depth, expand)",
        "MACs",
        "SortedNet (%)",
        "truncated full network (%)",
        "SortedNet / full (%)",
        "≥ 96%?",
    ]);
    for (i, b) in all.iter().enumerate() {
        let sorted: Vec<f64> = runs.iter().map(|r| r.sorted[i]).collect();
        let truncated: Vec<f64> = runs.iter().map(|r| r.truncated[i]).collect();
        let ratio: Vec<f64> = sorted.iter().zip(&full).map(|(s, f)| if *f > 0.0 { s / f } else { 0.0 }).collect();
        table.row([
            format!("({}, {})", b.depth, b.expand),
            subnet_macs(config, &b.to_subnet(config)).to_string(),
            pct(&sorted),
            pct(&truncated),
            pct(&ratio),
            if mean(&ratio) >= 0.96 { "holds" } else { "does not hold" }.to_string(),
        ]);
    }
    page.table(&table);
}

fn chart(page: &mut ResultsPage, protocol: &Protocol, runs: &[SeedRun]) -> Res<()> {
    let points = |f: &dyn Fn(&SeedRun) -> &[f64]| -> Vec<(f64, f64)> {
        let mut p: Vec<(f64, f64)> = protocol
            .subnets
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.macs.max(1) as f64).log10(), mean(&runs.iter().map(|r| f(r)[i]).collect::<Vec<_>>())))
            .collect();
        p.sort_by(|a, b| a.0.total_cmp(&b.0));
        p
    };
    let mut chart = Chart::new("Supernet training methods: test accuracy against MACs (seed means)")
        .x_label("log10 MACs per image")
        .y_label("test accuracy")
        .legend(Legend::LowerRight);
    for (m, name) in METHODS.iter().enumerate() {
        chart = chart.series(Series::scatter(*name, points(&|r| &r.methods[m].accuracies)));
    }
    chart = chart.series(Series::line("trained alone", points(&|r| &r.standalone)));
    chart.save_png(page.asset("nas-train-methods.png")?)?;
    page.paragraph("![Accuracy against MACs per method](nas-train-methods.png)");
    Ok(())
}
