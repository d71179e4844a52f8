//! The Markdown of `docs/results/nas.md`.

use std::fmt::Write as _;

use kiln_core::experiment::{MeanStd, ResultsPage, Table};
use kiln_nas::ofa::{OfaConfig, ShrinkingSchedule, SubnetConfig, subnet_macs};
use kiln_nas::search::{SearchError, SearchTrace};
use kiln_render::{Chart, ErrorBar, Legend, Series};

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
    /// Real evaluations of the latency search.
    pub budget: usize,
}

/// Everything the page reports.
#[derive(Default)]
pub struct Results {
    /// Per method (random, NSGA-II, LINAS), one hypervolume trace per search seed, in the same
    /// order for every method (paired).
    pub hypervolumes: [Vec<Vec<f64>>; 3],
    /// Distinct architectures evaluated for real by all searches.
    pub distinct: usize,
    /// The latency search.
    pub latency: Option<LatencyFront>,
}

/// `at[c]`: each trace's hypervolume after `c` requests (its last value when shorter).
fn at(runs: &[Vec<f64>], c: usize) -> Vec<f64> {
    runs.iter().filter_map(|t| t.get(c - 1).or(t.last()).copied()).collect()
}

/// LINAS minus `other`, per search seed, after `c` requests (10³).
fn paired(results: &Results, other: usize, c: usize) -> Vec<f64> {
    at(&results.hypervolumes[2], c)
        .iter()
        .zip(at(&results.hypervolumes[other], c))
        .map(|(l, o)| (l - o) * 1e-3)
        .collect()
}

/// `nas-paired.png`: the paired differences (mean ± std over search seeds) against the
/// number of real-evaluation requests.
pub fn paired_chart(page: &ResultsPage, results: &Results, budget: usize) -> Result<(), Box<dyn std::error::Error>> {
    let bars = |other: usize, shift: f64| -> Vec<ErrorBar> {
        (1..=budget)
            .filter(|c| c % 10 == 0 || *c == budget)
            .map(|c| {
                let d = MeanStd::of(&paired(results, other, c));
                ErrorBar::new(c as f64 + shift, d.mean, d.std)
            })
            .collect()
    };
    Chart::new("Hypervolume: LINAS minus the other search, paired by search seed (10³)")
        .x_label("real-evaluation requests")
        .y_label("difference of hypervolume (10³)")
        .legend(Legend::LowerRight)
        .series(Series::error_bars("LINAS − NSGA-II", bars(1, -1.0)))
        .series(Series::error_bars("LINAS − random", bars(0, 1.0)))
        .series(Series::line("no difference", [(0.0, 0.0), (budget as f64, 0.0)]))
        .save_png(page.asset("nas-paired.png")?)?;
    Ok(())
}

/// Writes the page's body.
pub fn write(
    page: &mut ResultsPage,
    results: &Results,
    schedule: &ShrinkingSchedule,
    (budget, search_seeds): (usize, &[u64]),
    config: &OfaConfig,
) -> Result<(), SearchError> {
    page.paragraph(&format!(
        "Digits split 70/10/20 by data seed {}; supernet: 2 units of up to 3 elastic inverted-residual blocks (kernels {{5, 3}}, expand {{2, 3, 4}}, resolution {{6, 8}}), progressive shrinking {} + {} + {} + {} epochs (full, kernel, depth, width) with in-place distillation, Adam {} with cosine decay per stage; subnet accuracies after BN recalibration on 10 training batches. How the training methods of issue 14 (progressive shrinking before and after OFA's schedule, SortedNet, the sandwich rule, Mixture-of-Supernets, ShiftNAS, InstaTune) compare with subnets trained alone, on MAC bins of one evaluation set at equal (subnet, batch) passes, is on the [nas-train page](nas-train.md), with the measured gap to standalone training.",
        crate::DATA_SEED, schedule.full, schedule.kernel, schedule.depth, schedule.width, schedule.lr
    ));
    page.heading(2, "Hypervolume of (validation accuracy ↑, MACs ↓) against real evaluations");
    let [random, plain, assisted] = &results.hypervolumes;
    page.paragraph(&format!(
        "Reference point (0, 1.1 × largest MACs). {} search seeds {search_seeds:?}; for each, random search, NSGA-II (population 10) and LINAS (10 initial samples, 5 validated per iteration) start from the same seeded initial encodings and get {budget} real-evaluation requests each. Evaluations are memoised per canonical architecture across the three methods and all search seeds; a cached answer counts against the budget like a fresh one ({} distinct architectures evaluated for {} requests). Mean ± std over search seeds:",
        search_seeds.len(),
        results.distinct,
        3 * budget * search_seeds.len()
    ));
    let checkpoints: Vec<usize> = [25, 50, 100, 200].into_iter().filter(|&c| c <= budget).collect();
    let mut table = Table::new(["evaluations", "random search", "NSGA-II", "NSGA-II + ridge predictors (LINAS)"]);
    for &c in &checkpoints {
        let cell = |runs: &[Vec<f64>]| format!("{:.0}", MeanStd::of(&at(runs, c)).scaled(1e-3));
        table.row([c.to_string(), cell(random), cell(plain), cell(assisted)]);
    }
    page.table(&table);
    page.paragraph("Paired differences of hypervolume (10³), LINAS minus the other method with the same search seed; wins = seeds where LINAS is strictly higher:");
    let mut table = Table::new(["evaluations", "LINAS − NSGA-II", "wins", "LINAS − random", "wins"]);
    for &c in &checkpoints {
        let cells = |other: usize| {
            let d = paired(results, other, c);
            let wins = d.iter().filter(|&&v| v > 0.0).count();
            (format!("{:.1}", MeanStd::of(&d)), format!("{wins}/{}", d.len()))
        };
        let ((dn, wn), (dr, wr)) = (cells(1), cells(0));
        table.row([c.to_string(), dn, wn, dr, wr]);
    }
    page.table(&table);
    page.paragraph("![Paired differences](nas-paired.png)");
    page.paragraph("Hypervolume in units of 10³ (accuracy × MACs). Claim (DyNAS-T/LINAS): the predictor-assisted search reaches a given hypervolume with several times fewer real evaluations. The first seed's Pareto fronts are in `nas-pareto-linas.csv` and `nas-pareto-random.csv`, plotted in `nas-pareto.png`:");
    page.paragraph("![Pareto fronts](nas-pareto.png)");
    if let Some(front) = &results.latency {
        latency_section(page, front, config)?;
    }
    Ok(())
}

/// The accuracy-against-latency section.
fn latency_section(page: &mut ResultsPage, front: &LatencyFront, config: &OfaConfig) -> Result<(), SearchError> {
    let budget = front.budget;
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
