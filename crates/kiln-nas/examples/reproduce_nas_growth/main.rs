//! `cargo xtask reproduce nas-growth` runs this (issue 19): growing and assembling models of
//! many sizes: Learngene Pool against SN-Net, MixtureGrowth against its growth baselines and
//! scratch training, NN-Factory customisation against L1 pruning + fine-tuning, and one chart
//! of every model's accuracy against its MACs beside networks trained from scratch. Writes
//! `docs/results/nas-growth.md` and its charts.
//!
//! Data: 32-px procedural images of 10 classes (2000 images, split 70/10/20 by seed); `--quick`
//! runs on the embedded 8×8 digits with tiny epochs (a smoke run, numbers not meaningful).
//!
//! Usage: `cargo xtask reproduce nas-growth [--quick] [--seeds N | --seeds A,B,...]`

mod charts;
mod data;
mod factory;
mod growth;
mod page;
mod pool;

use std::time::Instant;

use burn::prelude::Device;
use kiln_core::experiment::{Accepts, ExperimentArgs, ResultsPage};
use kiln_nas::nn_factory::FactorySchedule;

use data::Data;
use pool::PoolEpochs;

/// One model: a name, its forward MACs and parameters, a test accuracy.
#[derive(Debug, Clone)]
pub struct Point {
    /// What the model is.
    pub name: String,
    /// Forward multiply-accumulates of one image.
    pub macs: u64,
    /// Parameters.
    pub params: u64,
    /// Test accuracy in [0, 1].
    pub accuracy: f64,
}

/// Epochs and sizes of the run.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Section 1.
    pub pool: PoolEpochs,
    /// Section 2: epochs of the seeds, then of the grown network (scratch: their sum).
    pub growth: (usize, usize),
    /// Section 3: the factory's schedule.
    pub factory: FactorySchedule,
    /// Section 3: held-out tasks customised per seed.
    pub tasks: usize,
    /// Section 3: fine-tuning epochs of the L1-pruned baseline.
    pub fine_tune: usize,
}

impl Budget {
    /// The quick smoke run or the full run, sized for ≤ 25 min on two cores by extrapolating
    /// the quick run's section times (measured on a shared machine, see the report).
    pub fn new(quick: bool) -> Self {
        if quick {
            Self {
                pool: PoolEpochs { ancestry: 2, distill: 1, finetune: 2, anchors: 2, stitching: 1, scratch: 2 },
                growth: (2, 1),
                factory: FactorySchedule {
                    pretrain_epochs: 2,
                    pretrain_lr: 3e-3,
                    assemble_epochs: 4,
                    assemble_lr: 1e-2,
                },
                tasks: 4,
                fine_tune: 2,
            }
        } else {
            Self {
                pool: PoolEpochs { ancestry: 3, distill: 2, finetune: 3, anchors: 3, stitching: 2, scratch: 3 },
                growth: (2, 1),
                factory: FactorySchedule {
                    pretrain_epochs: 4,
                    pretrain_lr: 3e-3,
                    assemble_epochs: 12,
                    assemble_lr: 1e-2,
                },
                tasks: 10,
                fine_tune: 3,
            }
        }
    }
}

/// Everything the page reports, one entry per seed.
#[derive(Default)]
pub struct Results {
    /// Section 1.
    pub pool: Vec<pool::PoolRun>,
    /// Section 2: per seed, one run per method of [`growth::METHODS`].
    pub growth: Vec<Vec<growth::GrowthRun>>,
    /// Section 3.
    pub factory: Vec<factory::FactoryRun>,
    /// Wall-clock seconds of each section, summed over seeds.
    pub seconds: [f64; 3],
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = ExperimentArgs::from_env(&Accepts::SEEDS)?;
    let seeds = args.seeds(&[0, 1, 2]);
    let quick = args.quick;
    let budget = Budget::new(quick);
    let device = Device::flex();
    let title =
        "kiln-nas: growing and assembling models of many sizes (Learngene Pool, SN-Net, MixtureGrowth, NN-Factory)";
    let mut page = ResultsPage::new(&args, "nas-growth", title);
    let mut results = Results::default();
    let mut configs = None;
    for &seed in &seeds {
        device.seed(seed);
        let data = Data::load(quick, seed)?;
        let growth_cfg = growth::config(&data, budget.growth.0, budget.growth.1);
        let factory_cfg = factory::config(&data, quick);

        let t = Instant::now();
        results.pool.push(pool::run(&data, quick, budget.pool, seed, &device)?);
        results.seconds[0] += t.elapsed().as_secs_f64();
        eprintln!("seed {seed}: Learngene Pool vs SN-Net done ({:.0}s)", page.elapsed_secs());

        let t = Instant::now();
        results.growth.push(growth::run(&data, &growth_cfg, seed, &device)?);
        results.seconds[1] += t.elapsed().as_secs_f64();
        eprintln!("seed {seed}: MixtureGrowth done ({:.0}s)", page.elapsed_secs());

        let t = Instant::now();
        let run = factory::run(&data, &factory_cfg, &budget.factory, budget.tasks, budget.fine_tune, seed, &device)?;
        results.factory.push(run);
        results.seconds[2] += t.elapsed().as_secs_f64();
        eprintln!("seed {seed}: NN-Factory done ({:.0}s)", page.elapsed_secs());
        configs = Some((data.size, data.train_examples.len(), growth_cfg, factory_cfg));
    }
    let Some(configs) = configs else { return Err("no seeds to run".into()) };
    page::write(&mut page, &results, &seeds, &budget, &configs)?;
    page.write("flex")?;
    Ok(())
}
