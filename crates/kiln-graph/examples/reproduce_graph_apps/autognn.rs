//! Auto-GNN (Zhou et al., 2019) against random search at an equal number of trained
//! architectures, and Auto-GNN without parameter sharing, on a contextual SBM: the best
//! validation accuracy so far against evaluations and against wall time, and the test accuracy
//! of each search's best architecture retrained from scratch.

use std::sync::Arc;
use std::time::Instant;

use burn::prelude::Device;
use kiln_core::experiment::{ExperimentArgs, MeanStd, ResultsPage, Table, gain, rises};
use kiln_core::train::Trainer;
use kiln_graph::autognn::{AutoGnn, AutoGnnConfig, AutoGnnTask, Csbm, csbm_task, train_child};
use kiln_graph::tasks::NodeSource;
use kiln_render::{Chart, Legend, PALETTE, Series};

/// The searches, in the table's order.
const METHODS: [&str; 3] = ["Auto-GNN", "Auto-GNN, no sharing", "random search"];

/// One search of one seed: best-so-far validation accuracy and cumulative seconds per
/// evaluation, and the retrained best architecture's test accuracy.
struct Run {
    best_so_far: Vec<f64>,
    seconds: Vec<f64>,
    test: f64,
}

/// Retrains `enc` from scratch (full child epochs) and returns its test accuracy.
fn test_accuracy(
    config: &AutoGnnConfig,
    task: &AutoGnnTask,
    enc: &[usize],
    seed: u64,
) -> Result<f64, Box<dyn std::error::Error>> {
    let device = Device::flex();
    let arch = config.space.decode(enc, task.classes)?;
    let model = arch.init(task.input(), &config.child, &device);
    let (model, _) = train_child(model, &task.graph, &task.split, &config.child, config.child.epochs, seed, &device)?;
    let test = NodeSource::new(Arc::clone(&task.graph), task.split.test.clone())?;
    Ok(Trainer::new(device).evaluate(&model, &test)?.accuracy().unwrap_or(0.0))
}

fn running_max(values: impl Iterator<Item = f64>) -> Vec<f64> {
    values
        .scan(0.0f64, |m, v| {
            *m = m.max(v);
            Some(*m)
        })
        .collect()
}

fn best_encoding(evaluations: &[(Vec<usize>, Vec<f64>)]) -> Vec<usize> {
    let best = (0..evaluations.len()).reduce(|a, b| if evaluations[b].1[0] > evaluations[a].1[0] { b } else { a });
    best.map(|i| evaluations[i].0.clone()).unwrap_or_default()
}

/// Runs the three searches on `task` with `budget` children each.
fn one_seed(task: &AutoGnnTask, budget: usize, seed: u64) -> Result<Vec<Run>, Box<dyn std::error::Error>> {
    let mut runs = Vec::new();
    for share in [true, false] {
        let config = AutoGnnConfig::small().with_share(share).with_seed(seed);
        let start = Instant::now();
        let out = AutoGnn::new(config.clone()).search(task, budget)?;
        // Children's training seconds, scaled so that the last is the whole search's wall time
        // (controller updates and weight inheritance included).
        let trained: f64 = out.children.iter().map(|c| c.seconds).sum();
        let scale = start.elapsed().as_secs_f64() / trained.max(1e-9);
        let seconds = out
            .children
            .iter()
            .scan(0.0, |t, c| {
                *t += c.seconds * scale;
                Some(*t)
            })
            .collect();
        let best = best_encoding(&out.trace.evaluations);
        runs.push(Run {
            best_so_far: running_max(out.children.iter().map(|c| c.accuracy)),
            seconds,
            test: test_accuracy(&config, task, &best, seed)?,
        });
    }
    let config = AutoGnnConfig::small().with_seed(seed);
    let start = Instant::now();
    let trace = AutoGnn::new(config.clone()).random_baseline(task, budget)?;
    // kiln-nas's random search reports no per-child time: spread the total evenly (every random
    // child trains the same number of epochs from scratch).
    let per = start.elapsed().as_secs_f64() / trace.len().max(1) as f64;
    runs.push(Run {
        best_so_far: running_max(trace.evaluations.iter().map(|(_, v)| v[0])),
        seconds: (1..=trace.len()).map(|i| i as f64 * per).collect(),
        test: test_accuracy(&config, task, &best_encoding(&trace.evaluations), seed)?,
    });
    Ok(runs)
}

/// Runs the Auto-GNN experiment and appends its section to `page`.
pub fn section(args: &ExperimentArgs, seeds: &[u64], page: &mut ResultsPage) -> Result<(), Box<dyn std::error::Error>> {
    let seeds: &[u64] = if args.quick { &seeds[..1.min(seeds.len())] } else { seeds };
    let budget = if args.quick { 6 } else { BUDGET };
    let start = page.elapsed_secs();
    // runs[method][seed]
    let mut runs: Vec<Vec<Run>> = (0..METHODS.len()).map(|_| Vec::new()).collect();
    for &seed in seeds {
        let task = csbm_task(&CSBM, seed)?;
        for (m, run) in one_seed(&task, budget, seed)?.into_iter().enumerate() {
            runs[m].push(run);
        }
        eprintln!("Auto-GNN seed {seed} done ({:.0}s)", page.elapsed_secs());
    }
    let small = AutoGnnConfig::small();
    page.heading(2, "Auto-GNN: reinforced conservative search against random search");
    page.paragraph(&format!(
        "Zhou, Song, Huang & Hu (arXiv:1909.03184): a controller LSTM changes one action class of one of the top-{} architectures, and the child inherits the parent's homogeneous layers (trained {} epochs instead of {}). Space `AutoGnnSpace::small` (two layers; widths 4–32, heads 1/2/4, 7 attention functions, 4 aggregators, 8 activations). Data: a contextual SBM (`csbm_task`), {} classes of {} nodes, p_in {}, p_out {}, {} features of class-mean norm {}, {:.0}% labelled, {:.0}% validation, the rest test (the digits 10-NN graph costs about 20 s per child on 2 cores, too slow for this page). Each search trains {budget} children (the paper's budget is larger; `AutoGnnConfig::SMALL_BUDGET` is {}); random search is kiln-nas's at the same count, every child trained {} epochs from scratch. \"Test\" is the best-validation architecture of the search retrained from scratch for {} epochs and scored on the test nodes. Wall time: Auto-GNN's is each child's training time scaled so that the sum is the whole search's (controller and inheritance included); random search's is its total divided evenly over its children. Seeds {seeds:?}; mean ± std; section time {:.0}s.",
        small.top_k,
        small.child.inherit_epochs,
        small.child.epochs,
        CSBM.classes,
        CSBM.per_class,
        CSBM.p_in,
        CSBM.p_out,
        CSBM.dim,
        CSBM.signal,
        100.0 * CSBM.labelled,
        100.0 * CSBM.valid,
        AutoGnnConfig::SMALL_BUDGET,
        small.child.epochs,
        small.child.epochs,
        page.elapsed_secs() - start,
    ));
    let quarter = (budget / 4).max(1);
    let mut table = Table::new([
        "search".to_string(),
        format!("best valid @{quarter}"),
        format!("best valid @{}", budget / 2),
        format!("best valid @{budget}"),
        "wall time (s)".to_string(),
        "test acc. of best".to_string(),
    ]);
    let at =
        |m: usize, k: usize| runs[m].iter().map(|r| r.best_so_far[k.min(r.best_so_far.len()) - 1]).collect::<Vec<_>>();
    let time = |m: usize| runs[m].iter().map(|r| r.seconds.last().copied().unwrap_or(0.0)).collect::<Vec<_>>();
    let test = |m: usize| runs[m].iter().map(|r| r.test).collect::<Vec<_>>();
    for (m, name) in METHODS.iter().enumerate() {
        table.row([
            name.to_string(),
            format!("{:.3}", MeanStd::of(&at(m, quarter))),
            format!("{:.3}", MeanStd::of(&at(m, budget / 2))),
            format!("{:.3}", MeanStd::of(&at(m, budget))),
            format!("{:.1}", MeanStd::of(&time(m))),
            format!("{:.3}", MeanStd::of(&test(m))),
        ]);
    }
    page.table(&table);
    chart(page, &runs)?;
    let scale = |v: Vec<f64>| v.into_iter().map(|x| 100.0 * x).collect::<Vec<_>>();
    let (early, final_, tests) = (
        (scale(at(2, quarter)), scale(at(0, quarter))),
        (scale(at(2, budget)), scale(at(0, budget))),
        (scale(test(2)), scale(test(0))),
    );
    let faster = MeanStd::of(&time(0)).mean < MeanStd::of(&time(2)).mean;
    page.paragraph(&format!(
        "Paper claim (Zhou et al., Figs. 3–4 on Cora/Citeseer/Pubmed): the conservative explorer finds better architectures than random search, and sooner. Here, Auto-GNN over random search, accuracy points: best validation after {quarter} children {}, after {budget} {}; test accuracy of the best {}; Auto-GNN's {budget} children take {:.0}s against random search's {:.0}s (sharing: {:.0}s without). Verdict: \"better\" {}; \"sooner\" (best validation after {quarter} children) {}; wall time for the same number of children {} than random search's.{}",
        gain(&early.0, &early.1),
        gain(&final_.0, &final_.1),
        gain(&tests.0, &tests.1),
        MeanStd::of(&time(0)).mean,
        MeanStd::of(&time(2)).mean,
        MeanStd::of(&time(1)).mean,
        rises(&[&final_.0, &final_.1]),
        rises(&[&early.0, &early.1]),
        if faster { "lower" } else { "not lower" },
        if seeds.len() < 3 { " One seed only: no test of significance." } else { "" },
    ));
    Ok(())
}

/// The graph: 4 classes of 100 nodes, noisy features.
const CSBM: Csbm =
    Csbm { classes: 4, per_class: 100, p_in: 0.06, p_out: 0.01, dim: 16, signal: 1.5, labelled: 0.1, valid: 0.2 };

/// Children per search in the full plan.
const BUDGET: usize = 24;

/// Best validation accuracy (seed mean) against evaluations and against wall time.
fn chart(page: &mut ResultsPage, runs: &[Vec<Run>]) -> Result<(), Box<dyn std::error::Error>> {
    let mean_curve = |m: usize, f: fn(&Run) -> &Vec<f64>| {
        let n = runs[m].iter().map(|r| f(r).len()).min().unwrap_or(0);
        (0..n).map(|k| runs[m].iter().map(|r| f(r)[k]).sum::<f64>() / runs[m].len() as f64).collect::<Vec<_>>()
    };
    for (file, x_label, by_time) in
        [("autognn_evaluations.png", "children trained", false), ("autognn_time.png", "wall time (s)", true)]
    {
        let path = page.asset(file)?;
        let mut chart = Chart::new("Auto-GNN vs random search: best validation accuracy so far (seed mean)")
            .x_label(x_label)
            .y_label("best validation accuracy")
            .legend(Legend::LowerRight);
        for (m, name) in METHODS.iter().enumerate() {
            let acc = mean_curve(m, |r| &r.best_so_far);
            let xs = if by_time { mean_curve(m, |r| &r.seconds) } else { (1..=acc.len()).map(|i| i as f64).collect() };
            let points: Vec<(f64, f64)> = xs.into_iter().zip(acc).collect();
            chart = chart.series(Series::line(*name, points).with_color(PALETTE[m % PALETTE.len()]));
        }
        chart.save_png(&path)?;
        page.paragraph(&format!("![best validation accuracy vs {x_label}]({file})"));
    }
    Ok(())
}
