//! Section 2: MixtureGrowth. Two half-width seeds train together, then grow into the full
//! width with orthogonal, copy, zero or random new coefficients, or one seed widens by
//! Net2Net; the full width trained from scratch for as many epochs is the reference. Each run
//! records validation accuracy per epoch against the cumulative forward MACs of training.

use burn::prelude::Device;
use kiln_core::train::{ActionContext, Phase, Trainer};
use kiln_nas::mixture_growth::{GrowInit, GrowthStage, MixtureGrowth, MixtureGrowthConfig};

use crate::data::Data;

/// The compared methods, in table order.
pub const METHODS: [&str; 6] = [
    "orthogonal growth",
    "copy growth",
    "zero growth",
    "random growth",
    "Net2Net (seed 0 widened)",
    "scratch full width",
];

/// One method's run on one seed.
#[derive(Debug, Clone)]
pub struct GrowthRun {
    /// Test accuracy at the end.
    pub accuracy: f64,
    /// Cumulative forward MACs of training at the end.
    pub training_macs: f64,
    /// Per training epoch: (cumulative forward MACs, validation accuracy).
    pub curve: Vec<(f64, f64)>,
    /// Forward MACs of one image through the final network.
    pub macs: u64,
}

/// The configuration of the run: `small()` (template counts, rates, schedule) at WRN-10-1
/// grown from WRN-10-½ seeds (widths 16/32/64 from 8/16/32), on the digits (quick) or the
/// 32-px images; `small()`'s WRN-10-4 costs ~16× more per image, beyond the full run's
/// 25-minute budget on two cores. `seed_epochs` and `grown_epochs` as given.
pub fn config(data: &Data, seed_epochs: usize, grown_epochs: usize) -> MixtureGrowthConfig {
    let mut cfg = MixtureGrowthConfig::small().with_input(data.channels, 10).with_size(10, 1);
    cfg.seed_epochs = seed_epochs;
    cfg.grown_epochs = grown_epochs;
    cfg
}

fn phase_error(e: impl std::fmt::Display) -> kiln_core::CoreError {
    kiln_core::CoreError::Phase { phase: "grow".into(), message: e.to_string() }
}

/// Runs every method of [`METHODS`] on one seed.
pub fn run(
    data: &Data,
    cfg: &MixtureGrowthConfig,
    seed: u64,
    device: &Device,
) -> Result<Vec<GrowthRun>, Box<dyn std::error::Error>> {
    let trainer = Trainer::new(device.clone()).with_seed(seed).with_progress(false);
    let steps = kiln_core::train::BatchSource::num_batches(&data.train);
    let examples = data.train_examples.len();
    let (h, w) = (data.size, data.size);
    let growth_macs = cfg.epoch_macs(h, w, examples, device)?;
    let grown_macs =
        MixtureGrowth::grow([&cfg.init_seed(device)?, &cfg.init_seed(device)?], GrowInit::Zero)?.cost(h, w).macs;
    let mut runs = Vec::new();
    for (i, _) in METHODS.iter().enumerate() {
        let (model, phases, epoch_macs) = match i {
            0..=3 => {
                let init = [GrowInit::Orthogonal, GrowInit::Copy, GrowInit::Zero, GrowInit::Random][i];
                let c = cfg.clone().with_grow_init(init);
                (MixtureGrowth::new(&c, device)?, c.phases(steps), growth_macs.clone())
            }
            4 => {
                // The growth action replaced by Net2Net's widening of seed 0. Only seed 0's
                // training is counted (the phase also trains seed 1, which is then dropped).
                let mut phases = cfg.phases(steps);
                phases[1] = Phase::action("net2net", |m: MixtureGrowth, _: &ActionContext<'_>| {
                    let seed0 = m.seeds.first().ok_or_else(|| phase_error("no seed"))?;
                    MixtureGrowth::net2net(seed0).map(MixtureGrowth::from_network).map_err(phase_error)
                })
                .in_stage(GrowthStage::Grow);
                let mut macs = growth_macs.clone();
                macs.iter_mut().take(cfg.seed_epochs).for_each(|m| *m /= 2);
                (MixtureGrowth::new(cfg, device)?, phases, macs)
            }
            _ => {
                let epochs = cfg.seed_epochs + cfg.grown_epochs;
                let model = MixtureGrowth::from_network(cfg.init_scratch(device)?);
                (model, cfg.scratch_phases(steps), vec![grown_macs * examples as u64; epochs])
            }
        };
        let (model, report) = trainer.fit(model, &phases, &data.train, Some(&data.valid))?;
        // Training epochs only (the growth action has no training cost).
        let valid: Vec<f64> = report
            .records
            .iter()
            .filter(|r| r.phase != "grow" && r.phase != "net2net")
            .map(|r| r.valid.as_ref().and_then(|v| v.get("accuracy").copied()).unwrap_or(0.0))
            .collect();
        let mut total = 0.0;
        let curve = epoch_macs
            .iter()
            .zip(valid)
            .map(|(&m, acc)| {
                total += m as f64;
                (total, acc)
            })
            .collect();
        let accuracy = trainer.evaluate(&model, &data.test)?.accuracy().unwrap_or(0.0);
        let macs = model.grown.as_ref().map_or(0, |g| g.cost(h, w).macs);
        runs.push(GrowthRun { accuracy, training_macs: total, curve, macs });
    }
    Ok(runs)
}
