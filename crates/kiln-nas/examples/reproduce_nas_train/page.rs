//! The Markdown of `docs/results/nas-train.md`: the protocol, every method's accuracy per MAC
//! bin beside standalone training, the papers' claims with verdicts, and the chart.

use kiln_core::experiment::{MeanStd, ResultsPage, Table, mean};
use kiln_nas::ofa::{OfaConfig, ProgressiveShrinking, subnet_macs};
use kiln_nas::sortednet::{SortedNetConfig, SortedSubmodel};
use kiln_render::{Chart, Histogram, Legend, Series};

use crate::methods::Res;
use crate::protocol::{BIN_SAMPLES, BINS, PER_BIN, Protocol};
use crate::{METHODS, SeedRun};

/// Picks one list of accuracies out of a seed's run.
type Pick = fn(&SeedRun) -> &[f64];

/// Mean ± std of accuracies, in percent with one decimal.
pub fn pct(values: &[f64]) -> String {
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
                .filter(|(i, (a, _))| keep(*i) && a.is_finite())
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
        "Seeds {seeds:?}, mean ± std over seeds; digits split 70/10/20 by seed, test accuracies after BN recalibration on 10 training batches. Space `OfaConfig::digits()`. MAC bins: quantiles of {BIN_SAMPLES} uniformly sampled subnets (edges {:?}); evaluation set: the smallest and largest subnet and {PER_BIN} seeded subnets per bin, the same for every method and seed. Budget: every method gets the (subnet, batch) training passes of OFA's schedule (teacher included; OFA's lengths × {:.3}: teacher {} epochs, kernel {}, depth and expand {} + {}); standalone: the smallest, the largest and the first subnet of each bin trained alone for the same total epochs ({}) (the \"trained alone\" row's bins hold that one subnet).",
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
    let mut row = vec!["trained alone (smallest, largest, first of each bin)".to_string(), "–".into(), "–".into()];
    for (_, members) in &cols {
        row.push(pct(&group(runs, |r| &r.standalone, protocol, |i| members.contains(&i))));
    }
    table.row(row);
    page.table(&table);
    claims(page, protocol, runs);
    shiftnas(page, protocol, runs)?;
    sortednet(page, runs, config);
    chart(page, protocol, runs)?;
    let mut subnets = Table::new(["evaluation subnet", "architecture", "MACs"]);
    for s in &protocol.subnets {
        subnets.row([s.label.clone(), s.subnet.describe(config), s.macs.to_string()]);
    }
    page.heading(2, "The evaluation set");
    page.table(&subnets);
    page.paragraph("The search comparison over ≥ 10 search seeds is on `docs/results/nas.md`.");
    Ok(())
}

fn claims(page: &mut ResultsPage, protocol: &Protocol, runs: &[SeedRun]) {
    page.heading(2, "Claims");
    let smallest = |f: &dyn Fn(&SeedRun) -> &[f64]| group(runs, f, protocol, |i| i == 0);
    // Over the subnets that were also trained alone.
    let every = |f: &dyn Fn(&SeedRun) -> &[f64]| group(runs, f, protocol, |i| protocol.has_standalone(i));
    let alone = smallest(&|r| &r.standalone);
    let alone_all = every(&|r| &r.standalone);
    let mut gaps = Vec::new();
    let mut table = Table::new([
        "method",
        "smallest subnet (%)",
        "smallest trained alone (%)",
        "gap (points)",
        "within 2 points?",
        "mean gap over the subnets trained alone (points)",
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
    page.paragraph("Once-for-All (Cai et al., ICLR 2020): a subnet of the trained supernet is within about 2 points of the same architecture trained alone, here tested on the smallest subnet at equal total epochs. Mixture-of-Supernets (Jawahar et al., 2024): routed expert weights close the gap between supernet and standalone accuracy that plain weight sharing leaves, here the mean gap over the subnets also trained alone (smallest, largest, one per bin) against the same sandwich-rule training with one expert. How OFA's gap changes with the training length is measured in its own section below.");
    page.table(&table);
    let (plain, mos) = (gaps[crate::MOS_PLAIN], gaps[crate::MOS_PLAIN + 1]);
    page.paragraph(&format!(
        "Mixture-of-Supernets' claim {}: mean gap {mos:.1} points with 6 experts against {plain:.1} with plain sharing.",
        if mos < plain && mos <= 2.0 { "holds" } else if mos < plain { "holds in direction (the gap narrows but does not close)" } else { "does not hold" }
    ));
}

fn sortednet(page: &mut ResultsPage, runs: &[SeedRun], config: &OfaConfig) {
    page.heading(2, "SortedNet: nested sub-models against the full model");
    let g = SortedNetConfig::small().g_acc;
    page.paragraph(&format!("SortedNet (Valipour et al., 2023) claims every nested sub-model keeps ≥ 96% of the full model's accuracy. Sub-models: uniform depth × expand, largest kernel and resolution; {g} sub-models per step from uniform P_B, trained from scratch at the shared pass budget. Baselines: the same sub-models cut out of a normally trained full network (OFA's teacher) without nested training (the truncated network), and each sub-model trained independently from scratch for the supernet's total epochs (nine separate networks, each with the epochs the supernet shares among them). Ratio: sub-model accuracy over SortedNet's full model's, per seed."));
    let all = SortedSubmodel::all(config);
    let full: Vec<f64> = runs.iter().map(|r| r.sorted.last().copied().unwrap_or(0.0)).collect();
    let mut table = Table::new([
        "sub-model (depth, expand)",
        "MACs",
        "SortedNet (%)",
        "truncated full network (%)",
        "trained independently (%)",
        "SortedNet / full (%)",
        "≥ 96%?",
    ]);
    for (i, b) in all.iter().enumerate() {
        let sorted: Vec<f64> = runs.iter().map(|r| r.sorted[i]).collect();
        let truncated: Vec<f64> = runs.iter().map(|r| r.truncated[i]).collect();
        let independent: Vec<f64> = runs.iter().map(|r| r.independent[i]).collect();
        let ratio: Vec<f64> = sorted.iter().zip(&full).map(|(s, f)| if *f > 0.0 { s / f } else { 0.0 }).collect();
        table.row([
            format!("({}, {})", b.depth, b.expand),
            subnet_macs(config, &b.to_subnet(config)).to_string(),
            pct(&sorted),
            pct(&truncated),
            pct(&independent),
            pct(&ratio),
            if mean(&ratio) >= 0.96 { "holds" } else { "does not hold" }.to_string(),
        ]);
    }
    page.table(&table);
    let behind = |f: &dyn Fn(&SeedRun) -> &[f64]| {
        let per_seed: Vec<f64> = runs.iter().map(|r| mean(&r.independent) - mean(f(r))).collect();
        100.0 * mean(&per_seed)
    };
    let (sorted_gap, truncated_gap) = (behind(&|r| &r.sorted), behind(&|r| &r.truncated));
    page.paragraph(&format!(
        "Over the nine sub-models, SortedNet's nested sub-models are {:.1} points {} the independently trained ones on average, and the truncated full network's {:.1} points {}; nine independent networks cost nine trainings where SortedNet's cost one.",
        sorted_gap.abs(),
        if sorted_gap > 0.0 { "behind" } else { "ahead of" },
        truncated_gap.abs(),
        if truncated_gap > 0.0 { "behind" } else { "ahead" }
    ));
}

fn chart(page: &mut ResultsPage, protocol: &Protocol, runs: &[SeedRun]) -> Res<()> {
    let points = |f: &dyn Fn(&SeedRun) -> &[f64]| -> Vec<(f64, f64)> {
        let mut p: Vec<(f64, f64)> = protocol
            .subnets
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.macs.max(1) as f64).log10(), mean(&runs.iter().map(|r| f(r)[i]).collect::<Vec<_>>())))
            .filter(|(_, y)| y.is_finite())
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

/// The InstaTune section (after the main table's sections).
pub fn instatune(page: &mut ResultsPage, protocol: &Protocol, runs: &[SeedRun], (pretrain, tune): (usize, usize)) {
    page.heading(2, "InstaTune: elasticity only while fine-tuning");
    let settings = crate::instatune::settings((pretrain, tune));
    let first = runs.first().map(|r| &r.instatune);
    let passes = first.map_or([0; 3], |r| r.passes);
    let pre = first.map_or([0; 2], |r| r.pretrain_passes);
    page.paragraph(&format!(
        "InstaTune (Sridhar et al., ICCV 2023 Workshops) claims that making the network elastic only during fine-tuning gives a whole front of subnets for about the cost of fine-tuning. Here the full network is pretrained on digits 0–4 ({pretrain} epochs, {} passes), then fine-tuned on 5–9 (new 5-way head) either with InstaTune's sandwich rule (largest, smallest, {} random subnets per step, in-place distillation from the largest; {tune} epochs, {} passes) or statically (the full network only, then subnets sliced out and BN-recalibrated; {} passes, equal budget). Standalone: the smallest and largest subnets sliced from the pretrained weights and fine-tuned alone for the same passes. The conventional route InstaTune replaces: a supernet made elastic already in pretraining (the same sandwich rule on 0–4, {pretrain} epochs, {} passes — standing in for OFA's progressive shrinking, so only where elasticity enters differs), then fine-tuned like InstaTune ({} passes). Test accuracy on digits 5–9 (%):",
        pre[0], settings.sandwich.random_subnets, passes[0], passes[1], pre[1], passes[2]
    ));
    let cols = columns(protocol);
    let mut header = vec!["fine-tuning".to_string()];
    header.extend(cols.iter().map(|(name, _)| name.clone()));
    let mut table = Table::new(header);
    let rows: [(&str, Pick); 3] = [
        ("InstaTune (elastic fine-tuning only)", |r| &r.instatune.elastic),
        ("static, then sliced", |r| &r.instatune.sliced),
        ("elastic pretraining, then elastic fine-tuning", |r| &r.instatune.pre_elastic),
    ];
    for (name, pick) in rows {
        let mut row = vec![name.to_string()];
        for (_, members) in &cols {
            row.push(pct(&group(runs, pick, protocol, |i| members.contains(&i))));
        }
        table.row(row);
    }
    let mut row = vec!["each alone from the pretrained slice".to_string()];
    for (label, _) in &cols {
        let slot = match label.as_str() {
            "smallest" => Some(0),
            "largest" => Some(1),
            _ => None,
        };
        row.push(
            slot.map_or("–".to_string(), |k| {
                pct(&runs.iter().map(|r| r.instatune.standalone[k]).collect::<Vec<_>>())
            }),
        );
    }
    table.row(row);
    page.table(&table);
    let hv = |k: usize| runs.iter().map(|r| r.instatune.hypervolume[k] * 1e-3).collect::<Vec<f64>>();
    let (elastic, fixed, pre_elastic) = (hv(0), hv(1), hv(2));
    let every = |pick: fn(&SeedRun) -> &[f64]| mean(&group(runs, pick, protocol, |_| true));
    let smallest = |pick: fn(&SeedRun) -> &[f64]| mean(&group(runs, pick, protocol, |i| i == 0));
    let holds = smallest(|r| &r.instatune.elastic) > smallest(|r| &r.instatune.sliced) && mean(&elastic) > mean(&fixed);
    let gap = 100.0 * (every(|r| &r.instatune.pre_elastic) - every(|r| &r.instatune.elastic));
    page.paragraph(&format!(
        "LINAS fronts ({} real evaluations each, validation accuracy × MACs, hypervolume in 10³): InstaTune's supernet {:.0}, the static network's slices {:.0}, the elastically pretrained supernet {:.0}. The claim (a front of usable subnets from one fine-tuning at the same cost) {}. Against the conventional route, which spends {:.1}× InstaTune's pretraining passes, InstaTune's subnets are {:.1} points {} on average over the evaluation set.",
        crate::instatune::FRONT_BUDGET,
        MeanStd::of(&elastic),
        MeanStd::of(&fixed),
        MeanStd::of(&pre_elastic),
        if holds { "holds here" } else { "does not hold here" },
        pre[1] as f64 / pre[0].max(1) as f64,
        gap.abs(),
        if gap > 0.0 { "behind" } else { "ahead" }
    ));
}

fn shiftnas(page: &mut ResultsPage, protocol: &Protocol, runs: &[SeedRun]) -> Res<()> {
    page.heading(2, "ShiftNAS against uniform sampling");
    let (shift, uniform) = (METHODS.len() - 1, METHODS.len() - 2);
    let per_bin = |m: usize, k: usize| {
        group(runs, |r| &r.methods[m].accuracies, protocol, |i| protocol.subnets[i].bin == Some(k))
    };
    let wins = (0..BINS).filter(|&k| mean(&per_bin(shift, k)) > mean(&per_bin(uniform, k))).count();
    page.paragraph(&format!(
        "ShiftNAS (Zhang et al., ICCV 2023) claims that sampling architectures by bin, with the bin probabilities shifted towards bins whose loss still falls and a generator trained for each bin, beats uniform sampling at a matched budget in every bin, and gives a subnet for a MAC budget without search. Both rows above train one subnet per step at the shared pass budget (ShiftNAS's generator warm-up runs no supernet pass). On the shared evaluation set (uniformly drawn architectures), ShiftNAS is ahead in {wins} of {BINS} bins: the claim {} on architectures it was not steered to. Its generator's own choice for each of its 5 bins (argmax, no search), with test accuracy in both supernets (%):",
        if wins == BINS { "holds" } else if wins > BINS / 2 { "holds in most bins only" } else { "does not hold" }
    ));
    let mut table = Table::new([
        "ShiftNAS bin",
        "MACs (first seed)",
        "in ShiftNAS's supernet (%)",
        "the same architecture in the uniform-sampling supernet (%)",
    ]);
    let bins = runs.first().map_or(0, |r| r.generated.len());
    let mut ahead = 0;
    for k in 0..bins {
        let accs: Vec<f64> = runs.iter().filter_map(|r| r.generated.get(k).map(|g| g.1)).collect();
        let uniform: Vec<f64> = runs.iter().filter_map(|r| r.generated.get(k).map(|g| g.2)).collect();
        ahead += usize::from(mean(&accs) > mean(&uniform));
        table.row([format!("{}", k + 1), runs[0].generated[k].0.to_string(), pct(&accs), pct(&uniform)]);
    }
    page.table(&table);
    page.paragraph(&format!(
        "On the architectures its generator chooses, ShiftNAS's supernet is ahead of the uniform-sampling supernet in {ahead} of {bins} bins (same architecture, same pass budget, BN recalibrated in each)."
    ));
    let draws: Vec<f64> = runs.iter().flat_map(|r| r.draws.iter().map(|&k| k as f64 + 1.0)).collect();
    if bins > 0 {
        let histogram = Histogram::with_range(&draws, bins, 0.5, bins as f64 + 0.5)?;
        let chart = Chart::new("ShiftNAS: bins drawn from the final shifted probabilities (all seeds)")
            .x_label("ShiftNAS bin")
            .y_label("draws")
            .series(Series::histogram("sampled bins", histogram));
        chart.save_png(page.asset("nas-train-shiftnas-bins.png")?)?;
        page.paragraph(&format!(
            "Bins drawn from the final probabilities p = softmax(θ) ({} draws per seed; uniform would be flat):",
            crate::methods::DRAWS
        ));
        page.paragraph("![Sampled bins](nas-train-shiftnas-bins.png)");
    }
    Ok(())
}
