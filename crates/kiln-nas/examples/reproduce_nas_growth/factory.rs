//! Section 3: NN-Factory. The modular supernet and the generative assembler train once; each
//! held-out task (class subset never shown to the assembler) is then customised at half the
//! full network's MACs, against L1 pruning of the same supernet (before and after fine-tuning
//! on the task's images) and a random assembly at the same budget. Times are wall-clock
//! seconds of one customisation on this machine.

use std::time::Instant;

use burn::prelude::Device;
use kiln_core::train::{BatchSource, Trainer};
use kiln_nas::nn_factory::{
    Assembler, FactoryConfig, FactorySchedule, TaskSplit, fine_tune_phases, full_macs, l1_pruned_assembly,
    random_assembly, task_examples,
};

use crate::data::Data;

/// Budget of every customisation, as a fraction of the full network's MACs.
pub const DENSITY: f64 = 0.5;

/// Means over the customised held-out tasks of one seed.
#[derive(Debug, Clone, Default)]
pub struct FactoryRun {
    /// Seconds to train the factory (supernet + assembler), once for all tasks.
    pub factory_seconds: f64,
    /// Tasks customised.
    pub tasks: usize,
    /// NN-Factory: accuracy, seconds per task, MACs / full MACs.
    pub ours: (f64, f64, f64),
    /// L1 pruning before fine-tuning: accuracy, seconds.
    pub pruned: (f64, f64),
    /// L1 pruning + fine-tuning: accuracy, seconds (pruning, extraction and fine-tuning).
    pub tuned: (f64, f64),
    /// Random assembly: accuracy.
    pub random: f64,
    /// Forward MACs of the full network and of the customised ones (mean), for section 4.
    pub macs: (f64, f64),
}

/// The factory of the run: the digits preset (quick), or the same modules on 32-px images
/// with strides 2-2-1-2 (32 → 4 px).
pub fn config(data: &Data, quick: bool) -> FactoryConfig {
    let mut cfg = FactoryConfig::small();
    cfg.in_channels = data.channels;
    cfg.image_size = data.size;
    if !quick {
        cfg.strides = vec![2, 2, 1, 2];
    }
    cfg
}

/// Runs section 3 on one seed over the first `tasks` held-out tasks.
pub fn run(
    data: &Data,
    cfg: &FactoryConfig,
    schedule: &FactorySchedule,
    tasks: usize,
    fine_tune_epochs: usize,
    seed: u64,
    device: &Device,
) -> Result<FactoryRun, Box<dyn std::error::Error>> {
    let trainer = Trainer::new(device.clone()).with_seed(seed).with_progress(false);
    let start = Instant::now();
    let (factory, _) = trainer.fit(cfg.init(device)?, &schedule.phases(), &data.train, None)?;
    let mut out = FactoryRun { factory_seconds: start.elapsed().as_secs_f64(), ..FactoryRun::default() };
    let assembler = Assembler::new(&factory).with_validation(data.valid.batch(0, 0, device)?).with_seed(seed);
    let split = TaskSplit::new(&factory.config);
    let mut sums = [0.0f64; 11];
    for task in split.held_out.iter().take(tasks) {
        let (train, test) =
            data.loaders(task_examples(&data.train_examples, task), task_examples(&data.test_examples, task), seed);
        if test.num_batches() == 0 || train.num_batches() == 0 {
            continue;
        }
        let full = full_macs(&factory.config, task.len());
        let budget = (full as f64 * DENSITY) as u64;
        let acc = |e: kiln_core::train::Evaluation| e.accuracy().unwrap_or(0.0);

        let t = Instant::now();
        let assembly = assembler.assemble(task, budget)?;
        let (net, _) = assembler.extract(&assembly)?;
        let ours_seconds = t.elapsed().as_secs_f64();
        let ours = acc(trainer.evaluate(&net, &test)?);

        let t = Instant::now();
        let pruned_assembly = l1_pruned_assembly(&factory.supernet, &factory.config, task, budget)?;
        let (pruned_net, _) = assembler.extract(&pruned_assembly)?;
        let pruned_seconds = t.elapsed().as_secs_f64();
        let pruned = acc(trainer.evaluate(&pruned_net, &test)?);
        let (tuned_net, _) = trainer.fit(pruned_net, &fine_tune_phases(fine_tune_epochs, 3e-3), &train, None)?;
        let tuned_seconds = t.elapsed().as_secs_f64();
        let tuned = acc(trainer.evaluate(&tuned_net, &test)?);

        let random = random_assembly(&factory.config, task, budget, seed)?;
        let random = acc(trainer.evaluate(&assembler.extract(&random)?.0, &test)?);

        let row = [
            ours,
            ours_seconds,
            assembly.cost.macs as f64 / full as f64,
            pruned,
            pruned_seconds,
            tuned,
            tuned_seconds,
            random,
            full as f64,
            assembly.cost.macs as f64,
            1.0,
        ];
        sums.iter_mut().zip(row).for_each(|(s, v)| *s += v);
    }
    let n = sums[10].max(1.0);
    let m = |i: usize| sums[i] / n;
    out.tasks = sums[10] as usize;
    out.ours = (m(0), m(1), m(2));
    out.pruned = (m(3), m(4));
    out.tuned = (m(5), m(6));
    out.random = m(7);
    out.macs = (m(8), m(9));
    Ok(out)
}
