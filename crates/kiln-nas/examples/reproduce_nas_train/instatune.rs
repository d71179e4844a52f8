//! The InstaTune section of the nas-train page: pretrain the full network on digits 0–4, then
//! fine-tune on 5–9 elastically (InstaTune) or statically (then slice subnets out), at equal
//! (subnet, batch) passes, with standalone fine-tuning of the smallest and largest subnets from
//! the sliced pretrained weights, a supernet made elastic already in pretraining (then
//! fine-tuned as InstaTune), and a LINAS front of each fine-tuned supernet.

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_nas::instatune::{InstaTuneConfig, instatune_data, search_front, standalone_accuracy};
use kiln_nas::ofa::{OfaConfig, OfaSupernet, SubnetObjective, subnet_accuracy};
use kiln_nas::search::LinasConfig;

use crate::methods::Res;
use crate::protocol::Protocol;

/// Real evaluations of each LINAS front.
pub const FRONT_BUDGET: usize = 30;

/// One seed of the InstaTune comparison.
#[derive(Debug, Clone)]
pub struct InstaTuneRun {
    /// Test accuracy (digits 5–9) of every evaluation subnet in InstaTune's supernet.
    pub elastic: Vec<f64>,
    /// The same subnets sliced out of the statically fine-tuned network.
    pub sliced: Vec<f64>,
    /// The same subnets in the supernet pretrained elastically on 0–4, then fine-tuned
    /// elastically on 5–9.
    pub pre_elastic: Vec<f64>,
    /// Smallest and largest subnet fine-tuned alone from the sliced pretrained weights.
    pub standalone: [f64; 2],
    /// Fine-tuning passes of InstaTune, of each static baseline, and of the elastically
    /// pretrained supernet.
    pub passes: [usize; 3],
    /// Pretraining passes: static (InstaTune and the static baselines), elastic.
    pub pretrain_passes: [usize; 2],
    /// Final hypervolume (validation accuracy × MACs) of LINAS on InstaTune's supernet, on
    /// the static network's slices and on the elastically pretrained supernet.
    pub hypervolume: [f64; 3],
}

/// The settings: `InstaTuneConfig::small()` with `epochs = (pretrain, fine-tune)`.
pub fn settings(epochs: (usize, usize)) -> InstaTuneConfig {
    InstaTuneConfig { pretrain_epochs: epochs.0, finetune_epochs: epochs.1, ..InstaTuneConfig::small() }
}

fn front_hypervolume(supernet: &OfaSupernet, data: &kiln_nas::ofa::NasData, seed: u64, device: &Device) -> Res<f64> {
    let objectives = [SubnetObjective::Accuracy, SubnetObjective::Macs];
    let linas =
        LinasConfig { initial: 10, budget: FRONT_BUDGET, validate_per_iteration: 5, seed, ..LinasConfig::default() };
    let (trace, _) = search_front(supernet, data, device, &objectives, &linas)?;
    Ok(trace.final_hypervolume())
}

/// Runs the comparison for `seed`: InstaTune's fine-tuning has `epochs.1` epochs of
/// `2 + random` subnets per step; the baselines get as many passes (one subnet per step).
pub fn run(seed: u64, epochs: (usize, usize), protocol: &Protocol, device: &Device) -> Res<InstaTuneRun> {
    let config = settings(epochs);
    let data = instatune_data(&config.classes, config.batch_size, seed)?;
    let trainer = Trainer::new(device.clone()).with_seed(seed);
    let base = OfaConfig::digits();
    device.seed(seed);
    let (pretrained, pretrain_passes) = config.pretrain(&base, &data, device, &trainer)?;
    device.seed(seed);
    let (elastic, elastic_passes) = config.elastic_finetune(&pretrained, &data, device, &trainer)?;
    let matched = InstaTuneConfig { finetune_epochs: epochs.1 * config.sandwich.subnets_per_step(), ..config.clone() };
    device.seed(seed);
    let (fixed, fixed_passes) = matched.static_finetune(&pretrained, &data, device, &trainer)?;
    device.seed(seed);
    let (elastic_start, elastic_pretrain_passes) = config.elastic_pretrain(&base, &data, device, &trainer)?;
    device.seed(seed);
    let (pre_elastic, pre_elastic_passes) = config.elastic_finetune(&elastic_start, &data, device, &trainer)?;
    let task = &data.finetune;
    let (mut on_elastic, mut on_fixed, mut on_pre_elastic) = (Vec::new(), Vec::new(), Vec::new());
    for s in &protocol.subnets {
        on_elastic.push(subnet_accuracy(&elastic, &s.subnet, &task.train, &task.test, device)?);
        on_fixed.push(subnet_accuracy(&fixed, &s.subnet, &task.train, &task.test, device)?);
        on_pre_elastic.push(subnet_accuracy(&pre_elastic, &s.subnet, &task.train, &task.test, device)?);
    }
    let mut standalone = [0.0; 2];
    let ends = [0, protocol.subnets.len() - 1];
    for (slot, &i) in ends.iter().enumerate() {
        device.seed(seed);
        let (alone, _) =
            matched.standalone_finetune(&pretrained, &protocol.subnets[i].subnet, &data, device, &trainer)?;
        standalone[slot] = standalone_accuracy(&alone, &task.test, device)?;
    }
    let hypervolume = [
        front_hypervolume(&elastic, task, seed, device)?,
        front_hypervolume(&fixed, task, seed, device)?,
        front_hypervolume(&pre_elastic, task, seed, device)?,
    ];
    Ok(InstaTuneRun {
        elastic: on_elastic,
        sliced: on_fixed,
        pre_elastic: on_pre_elastic,
        standalone,
        passes: [elastic_passes, fixed_passes, pre_elastic_passes],
        pretrain_passes: [pretrain_passes, elastic_pretrain_passes],
        hypervolume,
    })
}
