//! The training methods of the nas-train page at one (subnet, batch) pass budget, each returning
//! the trained supernet, the passes it used and its wall-clock time.

use std::time::Instant;

use burn::prelude::Device;
use kiln_core::train::{BatchSource, LrSchedule, Phase, TrainPhase, Trainer};
use kiln_nas::mos::{MosConfig, MosModel, MosSupernet};
use kiln_nas::ofa::{
    NasData, OfaConfig, OfaSupernet, ProgressiveShrinking, ShrinkStage, ShrinkingModel, ShrinkingSchedule, SubnetConfig,
};
use kiln_nas::shiftnas::{ShiftNasConfig, ShiftNasPhase, ShiftNasStage};
use kiln_nas::sortednet::{SortedNetConfig, SortedNetModel};

use crate::protocol::passes;

/// The example's result type.
pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// A trained supernet of either kind.
pub enum Supernet {
    /// Plain weight sharing.
    Ofa(OfaSupernet),
    /// Mixture-of-Supernets: each subnet's weights come from its router.
    Mos(MosSupernet),
}

impl Supernet {
    /// An OFA supernet holding `subnet`'s weights (MoS: W(a) baked in).
    pub fn weights_for(&self, subnet: &SubnetConfig) -> OfaSupernet {
        match self {
            Self::Ofa(supernet) => supernet.clone(),
            Self::Mos(supernet) => supernet.bake(subnet),
        }
    }
}

/// A method's trained supernet and its cost.
pub struct Trained {
    /// The supernet whose subnets are evaluated.
    pub supernet: Supernet,
    /// (subnet, batch) training passes, the teacher's included where the method has one.
    pub passes: u64,
    /// Wall-clock seconds of training.
    pub seconds: f64,
}

/// The frozen full network of OFA's schedule and its cost, shared by the methods that
/// distil from it.
pub struct Teacher {
    /// The trained full network.
    pub network: OfaSupernet,
    /// Its (largest subnet, batch) passes.
    pub passes: u64,
    /// Its training time.
    pub seconds: f64,
}

fn batches(data: &NasData) -> usize {
    data.train.num_batches()
}

/// Epochs (at least one) that spend about `budget` passes at `per_step` subnets per step.
fn epochs_for(budget: u64, per_step: usize, data: &NasData) -> usize {
    ((budget as f64 / (per_step * batches(data)) as f64).round() as usize).max(1)
}

/// OFA's teacher: the full network at random resolution, OFA's rate and optimiser.
pub fn teacher(ofa: &ProgressiveShrinking, data: &NasData, trainer: &Trainer, device: &Device) -> Res<Teacher> {
    let start = Instant::now();
    let phases = ofa.teacher_phases(batches(data));
    let (model, _) = trainer.fit(ShrinkingModel::new(OfaConfig::digits().init(device)), &phases, &data.train, None)?;
    Ok(Teacher {
        network: model.supernet,
        passes: passes(&phases, batches(data), |s: &ShrinkStage| s.subnets_per_step),
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Progressive shrinking after issue 14 §1: OFA's sub-stages and n subnets per step from the
/// frozen teacher.
pub fn ofa_schedule(ofa: &ProgressiveShrinking, teacher: &Teacher, data: &NasData, trainer: &Trainer) -> Res<Trained> {
    let start = Instant::now();
    let phases = ofa.phases(&OfaConfig::digits(), batches(data));
    let model = ShrinkingModel::with_trained_teacher(teacher.network.clone());
    let (model, _) = trainer.fit(model, &phases, &data.train, None)?;
    Ok(Trained {
        supernet: Supernet::Ofa(model.supernet),
        passes: teacher.passes + passes(&phases, batches(data), |s: &ShrinkStage| s.subnets_per_step),
        seconds: teacher.seconds + start.elapsed().as_secs_f64(),
    })
}

/// Progressive shrinking before §1 (the simple schedule: one subnet per step, in-place
/// distillation, Adam), with `budget` passes split 8 : 3 : 3 : 4 over its stages.
pub fn simple_schedule(budget: u64, data: &NasData, trainer: &Trainer, device: &Device) -> Res<Trained> {
    let start = Instant::now();
    let epochs = (budget as f64 / batches(data) as f64 / 18.0).max(1.0 / 3.0);
    let part = |w: f64| ((w * epochs).round() as usize).max(1);
    let schedule =
        ShrinkingSchedule { full: part(8.0), kernel: part(3.0), depth: part(3.0), width: part(4.0), lr: 3e-3 };
    let phases = schedule.phases();
    let (supernet, _) = trainer.fit(OfaConfig::digits().init(device), &phases, &data.train, None)?;
    Ok(Trained {
        supernet: Supernet::Ofa(supernet),
        passes: passes(&phases, batches(data), |_| 1),
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// SortedNet from scratch with `budget` passes (`g_acc` sub-models per step).
pub fn sortednet(budget: u64, data: &NasData, trainer: &Trainer, device: &Device) -> Res<Trained> {
    let start = Instant::now();
    let base = SortedNetConfig::small();
    let epochs = epochs_for(budget, base.g_acc, data);
    let config = SortedNetConfig { epochs, ..base };
    let phases = config.phases(&OfaConfig::digits())?;
    let model = SortedNetModel::new(OfaConfig::digits().init(device));
    let (model, _) = trainer.fit(model, &phases, &data.train, None)?;
    Ok(Trained {
        supernet: Supernet::Ofa(model.supernet),
        passes: passes(&phases, batches(data), |s| s.g_acc),
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Mixture-of-Supernets from scratch with `budget` passes: `experts` experts (the paper's
/// MoS-MT: 6; 1 is plain weight sharing under the same sandwich rule, MoS's control) and
/// neuron-wise routers of hidden size 128 ([`MosConfig::new`]), the sandwich rule (3 subnets
/// per step), Adam at 3·10⁻³ (the other methods' rate; MoS's own 10⁻³ is for 40K updates).
pub fn mos(experts: usize, budget: u64, data: &NasData, trainer: &Trainer, device: &Device) -> Res<Trained> {
    let start = Instant::now();
    let config = OfaConfig::digits();
    let per_step = MosConfig::new().stage().subnets(&config, 0).len().max(1);
    let epochs = epochs_for(budget, per_step, data);
    let mos = MosConfig { experts, epochs, lr: 3e-3, ..MosConfig::new() };
    let phases = mos.phases(&config, batches(data))?;
    let model = MosModel::new(mos.init(&config, device)?);
    let (model, _) = trainer.fit(model, &phases, &data.train, None)?;
    Ok(Trained {
        supernet: Supernet::Mos(model.supernet),
        passes: passes(&phases, batches(data), |s| s.subnets(&config, 0).len().max(1)),
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Bins drawn from ShiftNAS's final bin probabilities for the page's histogram.
pub const DRAWS: usize = 1000;

/// Uniform sampling, the control of ShiftNAS's claim: one subnet per step with every gene
/// (and the resolution) uniform, OFA's cross-entropy (label smoothing 0.1), no teacher, Adam
/// at 3·10⁻³ with cosine decay, from scratch, `budget` passes.
pub fn uniform(budget: u64, data: &NasData, trainer: &Trainer, device: &Device) -> Res<Trained> {
    let start = Instant::now();
    let config = OfaConfig::digits();
    let stage = ShrinkStage { subnets_per_step: 1, ..ShrinkStage::expand(&config, config.expand_ratios.len()) };
    let epochs = epochs_for(budget, 1, data);
    let phase = TrainPhase::new(epochs, 3e-3).with_schedule(LrSchedule::Cosine { min_factor: 0.05 });
    let phases = vec![Phase::train("uniform", phase).in_stage(stage)];
    let (model, _) = trainer.fit(ShrinkingModel::new(config.init(device)), &phases, &data.train, None)?;
    Ok(Trained {
        supernet: Supernet::Ofa(model.supernet),
        passes: passes(&phases, batches(data), |s: &ShrinkStage| s.subnets_per_step),
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// ShiftNAS from scratch with `budget` passes (one generated architecture per step) after its
/// generator-only warm-up (no supernet passes): [`ShiftNasConfig::small`]'s generator with 5
/// bins. Returns the trained supernet, the generator's architecture for each of its bins and
/// `DRAWS` bins drawn from the final shifted probabilities.
pub fn shiftnas(
    budget: u64,
    data: &NasData,
    trainer: &Trainer,
    device: &Device,
) -> Res<(Trained, Vec<SubnetConfig>, Vec<usize>)> {
    let start = Instant::now();
    let epochs = epochs_for(budget, 1, data);
    let config = ShiftNasConfig { bins: 5, epochs, ..ShiftNasConfig::small() };
    let phases = config.phases()?;
    let (model, _) = trainer.fit(config.init(device)?, &phases, &data.train, None)?;
    let generated = (0..config.bins).map(|k| model.generate(k)).collect::<Result<Vec<_>, _>>()?;
    let state = model.shift_state();
    let draws = (0..DRAWS as u64).map(|seed| state.draw(seed)).collect();
    let joint = |s: &ShiftNasStage| usize::from(s.phase == ShiftNasPhase::Joint);
    Ok((
        Trained {
            supernet: Supernet::Ofa(model.supernet),
            passes: passes(&phases, batches(data), joint),
            seconds: start.elapsed().as_secs_f64(),
        },
        generated,
        draws,
    ))
}

/// `subnet` trained alone from scratch for `epochs` (Adam 3·10⁻³, cosine): test accuracy.
pub fn standalone(
    subnet: &SubnetConfig,
    epochs: usize,
    data: &NasData,
    trainer: &Trainer,
    device: &Device,
) -> Res<f64> {
    let network = OfaConfig::digits().init(device).extract(subnet);
    let phase = Phase::train(
        "standalone",
        TrainPhase::new(epochs, 3e-3).with_schedule(LrSchedule::Cosine { min_factor: 0.05 }),
    );
    let (network, _) = trainer.fit(network, &[phase], &data.train, None)?;
    Ok(trainer.evaluate(&network, &data.test)?.accuracy().unwrap_or(0.0))
}
