//! `cargo xtask reproduce nas-train` runs this (issue 14 §3, §5): the methods that train the
//! Once-for-All supernet, compared under one protocol on the embedded digits: MAC bins from
//! 10,000 uniform subnets, one shared evaluation set (smallest, largest, two seeded subnets per
//! bin), equal budgets in (subnet, batch) training passes, and each evaluated subnet trained
//! alone as the reference. Writes `docs/results/nas-train.md` and its chart.
//!
//! Usage: `cargo xtask reproduce nas-train [--quick] [--seeds N | --seeds A,B,...]`

mod methods;
mod page;
mod protocol;

use burn::prelude::Device;
use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};
use kiln_core::train::Trainer;
use kiln_nas::ofa::{OfaConfig, ProgressiveShrinking, nas_data, subnet_accuracy};
use kiln_nas::sortednet::SortedSubmodel;

use methods::{Res, Supernet};
use protocol::Protocol;

/// The methods on the page, in table order.
pub const METHODS: [&str; 5] = [
    "progressive shrinking, before §1",
    "progressive shrinking, OFA's schedule (§1)",
    "SortedNet",
    "sandwich rule, plain sharing (MoS, m = 1)",
    "Mixture-of-Supernets (m = 6)",
];

/// One method's run in one seed.
#[derive(Debug, Clone)]
pub struct MethodRun {
    /// Test accuracy of every evaluation subnet (protocol order).
    pub accuracies: Vec<f64>,
    /// (subnet, batch) training passes.
    pub passes: u64,
    /// Training seconds.
    pub seconds: f64,
}

/// One seed's results.
#[derive(Debug, Clone)]
pub struct SeedRun {
    /// Per method of [`METHODS`].
    pub methods: Vec<MethodRun>,
    /// Every evaluation subnet trained alone: test accuracy.
    pub standalone: Vec<f64>,
    /// SortedNet's nested sub-models (size order): test accuracy from the SortedNet supernet.
    pub sorted: Vec<f64>,
    /// The same sub-models cut out of the normally trained full network (OFA's teacher): the
    /// truncated baseline.
    pub truncated: Vec<f64>,
}

fn accuracies(
    supernet: &Supernet,
    protocol: &Protocol,
    data: &kiln_nas::ofa::NasData,
    device: &Device,
) -> Res<Vec<f64>> {
    let mut out = Vec::new();
    for s in &protocol.subnets {
        out.push(subnet_accuracy(&supernet.weights_for(&s.subnet), &s.subnet, &data.train, &data.test, device)?);
    }
    Ok(out)
}

fn run_seed(seed: u64, ofa: &ProgressiveShrinking, protocol: &Protocol, device: &Device) -> Res<SeedRun> {
    let data = nas_data(seed)?;
    let config = OfaConfig::digits();
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    device.seed(seed);
    let teacher = methods::teacher(ofa, &data, &trainer, device)?;
    device.seed(seed);
    let after = methods::ofa_schedule(ofa, &teacher, &data, &trainer)?;
    let budget = after.passes;
    device.seed(seed);
    let before = methods::simple_schedule(budget, &data, &trainer, device)?;
    device.seed(seed);
    let sorted = methods::sortednet(budget, &data, &trainer, device)?;
    device.seed(seed);
    let plain = methods::mos(1, budget, &data, &trainer, device)?;
    device.seed(seed);
    let mos = methods::mos(6, budget, &data, &trainer, device)?;
    let mut runs = Vec::new();
    for trained in [&before, &after, &sorted, &plain, &mos] {
        runs.push(MethodRun {
            accuracies: accuracies(&trained.supernet, protocol, &data, device)?,
            passes: trained.passes,
            seconds: trained.seconds,
        });
    }
    let mut standalone = Vec::new();
    for s in &protocol.subnets {
        device.seed(seed);
        standalone.push(methods::standalone(&s.subnet, ofa.total_epochs(), &data, &trainer, device)?);
    }
    let (mut nested, mut truncated) = (Vec::new(), Vec::new());
    for b in SortedSubmodel::all(&config) {
        let subnet = b.to_subnet(&config);
        nested.push(subnet_accuracy(&sorted.supernet.weights_for(&subnet), &subnet, &data.train, &data.test, device)?);
        truncated.push(subnet_accuracy(&teacher.network, &subnet, &data.train, &data.test, device)?);
    }
    Ok(SeedRun { methods: runs, standalone, sorted: nested, truncated })
}

fn main() -> Res<()> {
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let device = Device::flex();
    let mut page = ResultsPage::new(
        &args,
        "nas-train",
        "kiln-nas: training the Once-for-All supernet (progressive shrinking, SortedNet, Mixture-of-Supernets) under one protocol",
    );
    let config = OfaConfig::digits();
    let protocol = Protocol::new(&config, &device);
    // OFA's lengths scaled to about 22 epochs of teacher and supernet training in all (6 in
    // the quick smoke run).
    let ofa = ProgressiveShrinking::ofa_with_total_epochs(if args.quick { 6 } else { 22 });
    let mut runs = Vec::new();
    for &seed in &seeds {
        runs.push(run_seed(seed, &ofa, &protocol, &device)?);
        eprintln!("seed {seed} done ({:.0}s)", page.elapsed_secs());
    }
    page::write(&mut page, &protocol, &runs, &seeds, (&config, &ofa))?;
    page.write("flex")?;
    Ok(())
}
