//! `cargo xtask reproduce nas` runs this: Once-for-All on the embedded digits, subnets against
//! standalone training, and random search vs NSGA-II vs predictor-assisted NSGA-II; writes
//! `docs/results/nas.md`, the Pareto fronts as CSV and PNG, and a LINAS search over accuracy
//! and latency measured on this machine.
//!
//! Usage: `cargo xtask reproduce nas [--quick] [--seeds N | --seeds A,B,...]`

mod experiments;
mod page;

use burn::prelude::Device;
use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};
use kiln_nas::ofa::{OfaConfig, OfaStage, ShrinkingSchedule, SubnetConfig, nas_data};
use kiln_nas::search::{SearchTrace, pareto_csv, pareto_plot};

use experiments::{compare_searches, latency_search, supernet_vs_scratch};
use page::{LatencyFront, Results};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let schedule = if args.quick {
        ShrinkingSchedule { full: 2, kernel: 1, depth: 1, width: 1, lr: 3e-3 }
    } else {
        ShrinkingSchedule { full: 8, kernel: 3, depth: 3, width: 4, lr: 3e-3 }
    };
    let budget = if args.quick { 20 } else { 50 };
    let device = Device::flex();
    let mut page =
        ResultsPage::new(&args, "nas", "kiln-nas: Once-for-All and hardware-aware search on the embedded digits");
    let config = OfaConfig::digits();
    let probe = config.init(&device);
    let mut results = Results::new(vec![
        SubnetConfig::smallest(&config),
        probe.sample_subnet(OfaStage::Width, 11),
        probe.sample_subnet(OfaStage::Width, 12),
        SubnetConfig::largest(&config),
    ]);
    for &seed in &seeds {
        let data = nas_data(seed)?;
        let (supernet, rows) = supernet_vs_scratch(&data, &schedule, &results.subnets, seed, &device)?;
        for (i, r) in rows.into_iter().enumerate() {
            results.comparisons[i].push(r);
        }
        eprintln!("seed {seed}: supernet vs scratch done ({:.0}s)", page.elapsed_secs());
        let traces = compare_searches(&supernet, &data, budget, seed, &device)?;
        for (slot, trace) in traces.iter().enumerate() {
            results.hypervolumes[slot].push(trace.hypervolume.clone());
        }
        if seed == seeds[0] {
            std::fs::write(page.asset("nas-pareto-linas.csv")?, pareto_csv(&traces[2]))?;
            std::fs::write(page.asset("nas-pareto-random.csv")?, pareto_csv(&traces[0]))?;
            let named = [("random", &traces[0]), ("NSGA-II", &traces[1]), ("LINAS", &traces[2])];
            let title = format!("Pareto fronts after {budget} evaluations (seed {seed})");
            pareto_plot(&title, &named, 1, 0)?.save_png(page.asset("nas-pareto.png")?)?;
            let (trace, table) = latency_search(&supernet, &data, budget, seed, &device)?;
            results.latency = Some(latency_front(&page, trace, table.len(), budget, seed)?);
        }
        eprintln!("seed {seed}: searches done ({:.0}s)", page.elapsed_secs());
    }
    page::write(&mut page, &results, &seeds, &schedule, budget, &config)?;
    page.write("flex")?;
    Ok(())
}

/// Saves the latency search's front as CSV and PNG beside the page.
fn latency_front(
    page: &ResultsPage,
    trace: SearchTrace,
    measured: usize,
    budget: usize,
    seed: u64,
) -> Result<LatencyFront, Box<dyn std::error::Error>> {
    std::fs::write(page.asset("nas-pareto-latency.csv")?, pareto_csv(&trace))?;
    // A latency measured while the machine was busy can be far off; the plot's x axis stops at
    // 1.5 × the 90th percentile so such outliers do not squash the front.
    let mut latencies: Vec<f64> = trace.evaluations.iter().map(|(_, v)| v[1]).collect();
    latencies.sort_by(f64::total_cmp);
    let cap = 1.5 * latencies.get(latencies.len() * 9 / 10).copied().unwrap_or(1.0);
    let hidden = latencies.iter().filter(|&&l| l > cap).count();
    let title = format!("LINAS on measured latency ({budget} evaluations, seed {seed})");
    pareto_plot(&title, &[("LINAS", &trace)], 1, 0)?
        .x_range(0.0, cap)
        .save_png(page.asset("nas-pareto-latency.png")?)?;
    let slowest = latencies.last().copied().unwrap_or(0.0);
    Ok(LatencyFront { trace, seed, measured, hidden, slowest })
}
