//! Section 1: Learngene Pool against SN-Net. Both start from scratch here: SN-Net trains its
//! three anchors alone then stitches them; the pool trains an ancestry, distils three
//! auxiliary models into it and fine-tunes the stitched descendants. The pool's instances are
//! also trained alone (cross-entropy only), as the scratch reference of section 4.

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use kiln_core::metrics::ClassificationMetrics;
use kiln_core::train::{BatchSource, Phase, TrainPhase, Trainer};
use kiln_data::{DataLoader, ImageBatch, ImageExample};
use kiln_nas::learngene::{Descendant, LearngenePool, LearngenePoolConfig};
use kiln_nas::snnet::{SnNetConfig, SnNetSchedule, StitchConfig};
use kiln_nas::vit::Vit;

use crate::Point;
use crate::data::Data;

/// Epochs of section 1.
#[derive(Debug, Clone, Copy)]
pub struct PoolEpochs {
    /// The ancestry (cross-entropy).
    pub ancestry: usize,
    /// Each auxiliary's distillation.
    pub distill: usize,
    /// The pool's fine-tuning.
    pub finetune: usize,
    /// SN-Net's anchors.
    pub anchors: usize,
    /// SN-Net's stitching.
    pub stitching: usize,
    /// Each instance-shaped ViT trained alone.
    pub scratch: usize,
}

/// What one seed of section 1 measures.
pub struct PoolRun {
    /// Every SN-Net configuration (anchors first).
    pub snnet: Vec<Point>,
    /// Parameters SN-Net stores (anchors and stitch layers).
    pub snnet_stored: u64,
    /// Every descendant of the pool (instances first).
    pub pool: Vec<Point>,
    /// Parameters the pool stores (instances and stitch layers).
    pub pool_stored: u64,
    /// The ancestry's test accuracy and cost.
    pub ancestry: Point,
    /// The pool's instance shapes trained alone.
    pub scratch: Vec<Point>,
}

/// Test accuracy of `forward` on `data`.
pub fn accuracy(
    forward: impl Fn(Tensor<4>) -> Tensor<2>,
    data: &DataLoader<ImageExample, ImageBatch>,
    device: &Device,
) -> Result<f64, Box<dyn std::error::Error>> {
    let mut metrics = ClassificationMetrics::new(1);
    for i in 0..data.num_batches() {
        let batch = data.batch(0, i, device)?;
        metrics.update(forward(batch.images), batch.targets);
    }
    Ok(metrics.accuracy())
}

/// The configurations of the run: the digits presets in quick mode, the 32-px `small()` ones
/// otherwise.
pub fn configs(quick: bool) -> (SnNetConfig, LearngenePoolConfig) {
    if quick {
        (SnNetConfig::digits(), LearngenePoolConfig::digits())
    } else {
        (SnNetConfig::small(), LearngenePoolConfig::small())
    }
}

fn stitch_name(cfg: &StitchConfig) -> String {
    match cfg {
        StitchConfig::Anchor(i) => format!("anchor {i}"),
        StitchConfig::Stitched { front, position, layer } => {
            format!("{front}→{} ({}, {}) L{layer}", front + 1, position.front_block, position.end_block)
        }
    }
}

fn descendant_name(d: &Descendant) -> String {
    match d {
        Descendant::Instance(i) => format!("instance {i}"),
        Descendant::Stitched { front, end, front_last, end_first } => {
            format!("{front}→{end} ({front_last}, {end_first})")
        }
    }
}

/// Runs section 1 on one seed.
pub fn run(
    data: &Data,
    quick: bool,
    epochs: PoolEpochs,
    seed: u64,
    device: &Device,
) -> Result<PoolRun, Box<dyn std::error::Error>> {
    let trainer = Trainer::new(device.clone()).with_seed(seed).with_progress(false);
    let (sn_cfg, mut cfg) = configs(quick);

    // SN-Net: anchors alone, least-squares stitches, stitching.
    let init_images = data.train.batch(0, 0, device)?.images.to_data();
    let schedule = SnNetSchedule {
        anchor_epochs: epochs.anchors,
        stitch_epochs: epochs.stitching,
        anchor_lr: 3e-3,
        stitch_lr: 1e-3,
    };
    let (net, _) = trainer.fit(sn_cfg.init(device)?, &schedule.phases(init_images), &data.train, None)?;
    let mut snnet = Vec::new();
    for c in net.configs() {
        let cost = net.cost(c)?;
        let acc = accuracy(|x| net.forward_config(c, x), &data.test, device)?;
        snnet.push(Point { name: stitch_name(c), macs: cost.macs, params: cost.params, accuracy: acc });
    }
    let snnet_stored = net.num_params() as u64;

    // Learngene Pool: ancestry, distillation, fine-tuning.
    let ancestry_phase = [Phase::train("ancestry", TrainPhase::new(epochs.ancestry, 3e-3))];
    let (ancestry, _) = trainer.fit(cfg.ancestry.init(device), &ancestry_phase, &data.train, None)?;
    let ancestry_point = Point {
        name: "ancestry".into(),
        macs: cfg.ancestry.cost().macs,
        params: cfg.ancestry.cost().params,
        accuracy: trainer.evaluate(&ancestry, &data.test)?.accuracy().unwrap_or(0.0),
    };
    cfg.distill.epochs = epochs.distill;
    cfg.distill.lr = 3e-3;
    let mut auxiliaries = Vec::new();
    for i in 0..cfg.auxiliaries.len() {
        let distillation = cfg.distillation(ancestry.clone(), i, device)?;
        let (distilled, _) = trainer.fit(distillation, &cfg.distill.phases(), &data.train, None)?;
        auxiliaries.push(distilled.auxiliary);
    }
    let pool = LearngenePool::from_auxiliaries(&cfg, auxiliaries)?;
    cfg.finetune.epochs = epochs.finetune;
    cfg.finetune.lr = 5e-4;
    let (pool, _) = trainer.fit(pool, &cfg.finetune.phases(), &data.train, None)?;
    let mut descendants = Vec::new();
    for d in pool.descendants() {
        let cost = pool.cost(&d)?;
        let acc = trainer.evaluate(&pool.build(&d)?, &data.test)?.accuracy().unwrap_or(0.0);
        descendants.push(Point { name: descendant_name(&d), macs: cost.macs, params: cost.params, accuracy: acc });
    }

    // The instance shapes trained alone, as long as an auxiliary's distillation + fine-tuning.
    let mut scratch = Vec::new();
    for (i, vit_cfg) in cfg.instances().iter().enumerate() {
        let phase = [Phase::<Vit>::train("scratch", TrainPhase::new(epochs.scratch, 3e-3))];
        let (vit, _) = trainer.fit(vit_cfg.init(device), &phase, &data.train, None)?;
        let acc = trainer.evaluate(&vit, &data.test)?.accuracy().unwrap_or(0.0);
        let cost = vit_cfg.cost();
        scratch.push(Point {
            name: format!("ViT {i} (width {})", vit_cfg.width),
            macs: cost.macs,
            params: cost.params,
            accuracy: acc,
        });
    }
    Ok(PoolRun {
        snnet,
        snnet_stored,
        pool: descendants,
        pool_stored: pool.stored_params(),
        ancestry: ancestry_point,
        scratch,
    })
}
