//! `cargo xtask reproduce nas-train` runs this (issue 14 §3, §5): the methods that train the
//! Once-for-All supernet, compared under one protocol on the embedded digits: MAC bins from
//! 10,000 uniform subnets, one shared evaluation set (smallest, largest, two seeded subnets per
//! bin), equal budgets in (subnet, batch) training passes, and each evaluated subnet trained
//! alone as the reference. Writes `docs/results/nas-train.md` and its chart.
//!
//! Usage: `cargo xtask reproduce nas-train [--quick] [--seeds N | --seeds A,B,...]`

mod instatune;
mod lengths;
mod methods;
mod page;
mod protocol;

use burn::prelude::Device;
use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};
use kiln_core::train::Trainer;
use kiln_nas::ofa::{OfaConfig, ProgressiveShrinking, nas_data, subnet_accuracy, subnet_macs};
use kiln_nas::sortednet::SortedSubmodel;

use methods::{Res, Supernet};
use page::instatune as instatune_page;
use protocol::Protocol;

/// Index in [`METHODS`] of progressive shrinking on OFA's schedule.
pub const OFA_SCHEDULE: usize = 1;

/// Index in [`METHODS`] of the sandwich rule with plain sharing (MoS with one expert); MoS
/// with six experts follows it.
pub const MOS_PLAIN: usize = 3;

/// The methods on the page, in table order.
pub const METHODS: [&str; 7] = [
    "progressive shrinking, before §1",
    "progressive shrinking, OFA's schedule (§1)",
    "SortedNet",
    "sandwich rule, plain sharing (MoS, m = 1)",
    "Mixture-of-Supernets (m = 6)",
    "uniform sampling (one subnet per step)",
    "ShiftNAS",
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
    /// The same sub-models each trained alone from scratch for the supernet's total epochs.
    pub independent: Vec<f64>,
    /// OFA's schedule at the main table's length, then at [`lengths::LONGER`].
    pub lengths: Vec<lengths::LengthRun>,
    /// ShiftNAS's generated architecture per bin (argmax, no search): MACs, test accuracy in
    /// ShiftNAS's supernet and in the uniform-sampling supernet.
    pub generated: Vec<(u64, f64, f64)>,
    /// Bins drawn from ShiftNAS's final shifted probabilities.
    pub draws: Vec<usize>,
    /// The InstaTune comparison (digits 0–4 → 5–9).
    pub instatune: instatune::InstaTuneRun,
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

fn run_seed(
    seed: u64,
    (ofa, tune, longer): (&ProgressiveShrinking, (usize, usize), &[usize]),
    protocol: &Protocol,
    device: &Device,
) -> Res<SeedRun> {
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
    device.seed(seed);
    let uniform = methods::uniform(budget, &data, &trainer, device)?;
    device.seed(seed);
    let (shift, generated, draws) = methods::shiftnas(budget, &data, &trainer, device)?;
    let mut runs = Vec::new();
    for trained in [&before, &after, &sorted, &plain, &mos, &uniform, &shift] {
        runs.push(MethodRun {
            accuracies: accuracies(&trained.supernet, protocol, &data, device)?,
            passes: trained.passes,
            seconds: trained.seconds,
        });
    }
    // Standalone training for the smallest, the largest and the first subnet of each bin
    // (`NaN` for the others, left out of every mean).
    let mut standalone = Vec::new();
    for (i, s) in protocol.subnets.iter().enumerate() {
        standalone.push(if protocol.has_standalone(i) {
            device.seed(seed);
            methods::standalone(&s.subnet, ofa.total_epochs(), &data, &trainer, device)?
        } else {
            f64::NAN
        });
    }
    let (mut nested, mut truncated, mut independent) = (Vec::new(), Vec::new(), Vec::new());
    for b in SortedSubmodel::all(&config) {
        let subnet = b.to_subnet(&config);
        nested.push(subnet_accuracy(&sorted.supernet.weights_for(&subnet), &subnet, &data.train, &data.test, device)?);
        truncated.push(subnet_accuracy(&teacher.network, &subnet, &data.train, &data.test, device)?);
        // A sub-model already trained alone in the evaluation set is not trained twice.
        let known = protocol.subnets.iter().zip(&standalone).find(|(s, a)| s.subnet == subnet && a.is_finite());
        independent.push(match known {
            Some((_, &accuracy)) => accuracy,
            None => {
                device.seed(seed);
                methods::standalone(&subnet, ofa.total_epochs(), &data, &trainer, device)?
            }
        });
    }
    let mut chosen = Vec::new();
    for subnet in &generated {
        let accuracy = subnet_accuracy(&shift.supernet.weights_for(subnet), subnet, &data.train, &data.test, device)?;
        let control = subnet_accuracy(&uniform.supernet.weights_for(subnet), subnet, &data.train, &data.test, device)?;
        chosen.push((subnet_macs(&config, subnet), accuracy, control));
    }
    let instatune = instatune::run(seed, tune, protocol, device)?;
    let mut seed_run = SeedRun {
        methods: runs,
        standalone,
        sorted: nested,
        truncated,
        independent,
        lengths: Vec::new(),
        generated: chosen,
        draws,
        instatune,
    };
    seed_run.lengths.push(lengths::main_point(&seed_run, ofa.total_epochs()));
    seed_run.lengths.extend(lengths::run(seed, longer, protocol, &data, &trainer, device)?);
    Ok(seed_run)
}

fn main() -> Res<()> {
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let device = Device::flex();
    let mut page = ResultsPage::new(
        &args,
        "nas-train",
        "kiln-nas: training the Once-for-All supernet (progressive shrinking, SortedNet, Mixture-of-Supernets, ShiftNAS, InstaTune) under one protocol",
    );
    let config = OfaConfig::digits();
    let protocol = Protocol::new(&config, &device);
    // OFA's lengths at their shortest (every stage one epoch or more, 6 epochs of teacher and
    // supernet training in all): seven methods, the standalone networks and InstaTune per
    // seed fit the page's 25 minutes on two cores only at this length (a first run at 8
    // epochs needed over 15 minutes per seed). The quick smoke run uses the same length on
    // one seed.
    let ofa = ProgressiveShrinking::ofa_with_total_epochs(6);
    // InstaTune: (pretraining, elastic fine-tuning) epochs.
    let tune = if args.quick { (1, 1) } else { (2, 2) };
    // OFA's schedule at longer lengths (the gap against training length); the smoke run
    // adds one short point.
    let longer: &[usize] = if args.quick { &[8] } else { &lengths::LONGER };
    let mut runs = Vec::new();
    for &seed in &seeds {
        runs.push(run_seed(seed, (&ofa, tune, longer), &protocol, &device)?);
        eprintln!("seed {seed} done ({:.0}s)", page.elapsed_secs());
    }
    page::write(&mut page, &protocol, &runs, &seeds, (&config, &ofa))?;
    lengths::section(&mut page, &runs);
    instatune_page(&mut page, &protocol, &runs, tune);
    page.write("flex")?;
    Ok(())
}
