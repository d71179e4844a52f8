//! The Markdown of `docs/results/nas.md`.

use std::fmt::Write as _;

use kiln_core::experiment::{MeanStd, ResultsPage, Table};
use kiln_nas::ofa::{OfaConfig, ShrinkingSchedule, SubnetConfig, subnet_macs};
use kiln_nas::search::{SearchError, SearchTrace};

use kiln_nas::ofa::ProgressiveShrinking;

use crate::experiments::SubnetComparison;

/// The latency search of the first seed.
pub struct LatencyFront {
    /// The LINAS trace over (accuracy, latency).
    pub trace: SearchTrace,
    /// Its seed.
    pub seed: u64,
    /// Subnets measured into the latency table.
    pub measured: usize,
    /// Measurements beyond the plot's latency cap.
    pub hidden: usize,
    /// The slowest measurement (ms).
    pub slowest: f64,
}

/// Everything the page reports, over seeds.
pub struct Results {
    /// The compared subnets.
    pub subnets: Vec<SubnetConfig>,
    /// Per subnet, one comparison per seed.
    pub comparisons: Vec<Vec<SubnetComparison>>,
    /// Per method (random, NSGA-II, LINAS), one hypervolume trace per seed.
    pub hypervolumes: [Vec<Vec<f64>>; 3],
    /// The latency search (first seed).
    pub latency: Option<LatencyFront>,
}

impl Results {
    /// No results yet for `subnets`.
    pub fn new(subnets: Vec<SubnetConfig>) -> Self {
        let comparisons = vec![Vec::new(); subnets.len()];
        Self { subnets, comparisons, hypervolumes: Default::default(), latency: None }
    }
}

/// Writes the page's body.
pub fn write(
    page: &mut ResultsPage,
    results: &Results,
    seeds: &[u64],
    schedule: &ShrinkingSchedule,
    budget: usize,
    config: &OfaConfig,
) -> Result<(), SearchError> {
    let epochs = schedule.full + schedule.kernel + schedule.depth + schedule.width;
    page.paragraph(&format!(
        "Seeds {seeds:?}. Digits split 70/10/20 by seed; supernet: 2 units of up to 3 elastic inverted-residual blocks (kernels {{5, 3}}, expand {{2, 3, 4}}, resolution {{6, 8}}), progressive shrinking {} + {} + {} + {} epochs (full, kernel, depth, width) with in-place distillation, Adam {} with cosine decay per stage. Standalone baselines: the same architecture trained alone for {epochs} epochs. Subnet accuracies after BN recalibration on 10 training batches.",
        schedule.full, schedule.kernel, schedule.depth, schedule.width, schedule.lr
    ));
    let ofa = ProgressiveShrinking::ofa_with_total_epochs(epochs);
    page.paragraph(&format!(
        "OFA's own schedule (`ProgressiveShrinking`, mit-han-lab/once-for-all `train_ofa_net.py`) at the same {epochs} epochs: a teacher (the full network, {} epochs, then frozen), kernel {} epochs, depth {} + {} (depths {{2, 3}} then all; 2 subnets per step), expand {} + {} (ratios {{3, 4}} then all, channels sorted before each; 4 subnets per step), one random resolution per step in every stage, loss CE (label smoothing 0.1) + 1.0 · CE(softmax(teacher), subnet) summed over the step's subnets, SGD momentum 0.9 with OFA's rates (3·10⁻², 2.5·10⁻³, 7.5·10⁻³), cosine. Its depth and expand stages train 2 and 4 subnets per batch, so at equal epochs it makes {} subnet passes per batch of training data against the simple schedule's {epochs}.",
        ofa.teacher.0,
        ofa.kernel.0,
        ofa.first.0,
        ofa.second.0,
        ofa.first.0,
        ofa.second.0,
        ofa.teacher.0 + ofa.kernel.0 + 2 * (ofa.first.0 + ofa.second.0) + 4 * (ofa.first.0 + ofa.second.0),
    ));
    page.heading(2, "Subnets from the supernet vs trained from scratch (test accuracy, %)");
    let mut table = Table::new([
        "subnet (depths; kernels; expands; resolution)",
        "MACs",
        "simple schedule",
        "OFA's schedule",
        "from scratch",
    ]);
    for (cfg, rows) in results.subnets.iter().zip(&results.comparisons) {
        let pick = |f: fn(&SubnetComparison) -> f64| -> Vec<f64> { rows.iter().map(f).collect() };
        table.row([
            cfg.describe(config),
            rows.first().map_or(0, |r| r.macs).to_string(),
            format!("{:.1}", MeanStd::of(&pick(|r| r.from_supernet)).scaled(100.0)),
            format!("{:.1}", MeanStd::of(&pick(|r| r.from_ofa_schedule)).scaled(100.0)),
            format!("{:.1}", MeanStd::of(&pick(|r| r.from_scratch)).scaled(100.0)),
        ]);
    }
    page.table(&table);
    if let Some(rows) = results.comparisons.first() {
        let gap = |f: fn(&SubnetComparison) -> f64| {
            100.0 * rows.iter().map(|r| r.from_scratch - f(r)).sum::<f64>() / rows.len().max(1) as f64
        };
        let (simple, own) = (gap(|r| r.from_supernet), gap(|r| r.from_ofa_schedule));
        let verdict = if own <= 2.0 { "holds" } else { "does not hold here" };
        page.paragraph(&format!(
            "Claim (OFA): a subnet taken from the supernet is about as accurate as the same architecture trained alone (within 2 points at the same total epochs, issue 14's target). Smallest subnet, mean gap to standalone: {simple:.1} points with the simple schedule, {own:.1} points with OFA's schedule: the claim {verdict}. Standalone networks train every step on their own architecture; the supernet's smallest subnet is drawn in a fraction of the steps of the last stage only."
        ));
    }
    page.heading(2, "Hypervolume of (validation accuracy ↑, MACs ↓) against real evaluations");
    page.paragraph(&format!(
        "Reference point (0, 1.1 × largest MACs); mean ± std over seeds; each method gets {budget} real evaluations (plain NSGA-II: population 10)."
    ));
    let mut table = Table::new(["evaluations", "random search", "NSGA-II", "NSGA-II + ridge predictors (LINAS)"]);
    for c in [10, 20, 30, 40, 50].into_iter().filter(|&c| c <= budget) {
        let cell = |runs: &Vec<Vec<f64>>| {
            let at: Vec<f64> = runs.iter().filter_map(|t| t.get(c - 1).or(t.last()).copied()).collect();
            format!("{:.0}", MeanStd::of(&at).scaled(1e-3))
        };
        let [random, plain, linas] = &results.hypervolumes;
        table.row([c.to_string(), cell(random), cell(plain), cell(linas)]);
    }
    page.table(&table);
    page.paragraph("Hypervolume in units of 10³ (accuracy × MACs). Claim (DyNAS-T/LINAS): the predictor-assisted search reaches a given hypervolume with several times fewer real evaluations. The first seed's Pareto fronts are in `nas-pareto-linas.csv` and `nas-pareto-random.csv`, plotted in `nas-pareto.png`:");
    page.paragraph("![Pareto fronts](nas-pareto.png)");
    if let Some(front) = &results.latency {
        latency_section(page, front, budget, config)?;
    }
    Ok(())
}

/// The accuracy-against-latency section.
fn latency_section(
    page: &mut ResultsPage,
    front: &LatencyFront,
    budget: usize,
    config: &OfaConfig,
) -> Result<(), SearchError> {
    page.heading(2, &format!("Accuracy against latency measured on this machine (seed {})", front.seed));
    page.paragraph(&format!(
        "LINAS over (validation accuracy ↑, latency ↓), {budget} real evaluations; latency of one image (batch 1) on flex, 3 warm-up runs then the median of 9, cached in a lookup table ({} subnets measured). Front (`nas-pareto-latency.csv`, `nas-pareto-latency.png`):",
        front.measured
    ));
    let trace = &front.trace;
    let mut rows = trace.front()?;
    rows.sort_by(|&a, &b| trace.evaluations[a].1[1].total_cmp(&trace.evaluations[b].1[1]));
    let mut table = Table::new([
        "subnet (depths; kernels; expands; resolution)",
        "validation accuracy (%)",
        "latency (ms)",
        "MACs",
    ]);
    for i in rows {
        let (enc, values) = &trace.evaluations[i];
        let cfg = SubnetConfig::decode(enc, config);
        table.row([
            cfg.describe(config),
            format!("{:.1}", 100.0 * values[0]),
            format!("{:.3}", values[1]),
            subnet_macs(config, &cfg).to_string(),
        ]);
    }
    page.table(&table);
    let _ = writeln!(
        page,
        "![Accuracy against measured latency](nas-pareto-latency.png)\n\nLatency is wall-clock on a shared machine. {} measurement(s) beyond 1.5 × the 90th percentile (slowest {:.2} ms) fall outside the plot; such an outlier came back at the same value in a second run, so it is a property of that subnet's run on flex rather than load noise, and is not yet explained. The table is per device (`device_label`), so a GPU run measures its own.",
        front.hidden, front.slowest
    );
    Ok(())
}
