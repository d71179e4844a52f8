//! Progressive shrinking (OFA §3.2) on the shared engine, with in-place distillation.
//!
//! Phases, each a [`TrainPhase`] whose name selects what is sampled: `full` (the largest
//! subnet only), `kernel` (elastic kernel), `depth` (+ elastic depth), `width` (+ elastic width,
//! preceded by the `sort_channels` action), with random resolution in every elastic phase.
//! Each step trains one sampled subnet on
//! `L = CE(y, f_a(x)) + λ_KD · CE(softmax(f_max(x)), f_a(x))`, where the teacher `f_max` is the
//! largest subnet of the same weights, detached (in-place distillation; OFA's code uses the
//! separately trained full network, of which this is the weight-shared version).

use burn::prelude::{Int, Tensor};
use burn::tensor::activation::log_softmax;
use burn::tensor::activation::softmax;
use kiln_core::nn::cross_entropy;
use kiln_core::train::{ActionContext, ImageBatch, LrSchedule, Phase, StepContext, StepOutput, TrainModel, TrainPhase};
use rand::Rng;

use super::subnet::SubnetConfig;
use super::supernet::OfaSupernet;

/// Which dimensions are elastic in a phase named `phase`.
fn elastic_dims(phase: &str) -> (bool, bool, bool) {
    match phase.split('_').next().unwrap_or("") {
        "kernel" => (true, false, false),
        "depth" => (true, true, false),
        "width" => (true, true, true),
        _ => (false, false, false),
    }
}

impl OfaSupernet {
    /// Samples a subnet for a phase: the elastic dimensions uniformly, the others at their
    /// largest; `full` gives the largest subnet.
    pub fn sample_subnet(&self, phase: &str, seed: u64) -> SubnetConfig {
        let cfg = &self.config;
        let mut subnet = SubnetConfig::largest(cfg);
        let (kernel, depth, width) = elastic_dims(phase);
        if !(kernel || depth || width) {
            return subnet;
        }
        let mut rng = kiln_core::seed::rng(seed, 0);
        let mut pick = |list: &[usize]| list[rng.random_range(0..list.len().max(1)).min(list.len().saturating_sub(1))];
        subnet.resolution = pick(&cfg.resolutions);
        if kernel {
            subnet.kernels = subnet.kernels.iter().map(|_| pick(&cfg.kernel_sizes)).collect();
        }
        if depth {
            subnet.depths = subnet.depths.iter().map(|_| pick(&cfg.depths)).collect();
        }
        if width {
            subnet.expands = subnet.expands.iter().map(|_| pick(&cfg.expand_ratios)).collect();
        }
        subnet
    }
}

/// `CE(softmax(teacher), student) = −(1/n) Σ_i Σ_c p_teacher(c) log p_student(c)`.
pub fn distillation_loss(student: Tensor<2>, teacher: Tensor<2>) -> Tensor<1> {
    let [n, _] = student.dims();
    (softmax(teacher, 1) * log_softmax(student, 1)).sum().neg() / (n.max(1) as f64)
}

impl TrainModel for OfaSupernet {
    type Batch = ImageBatch;

    fn step(&self, batch: ImageBatch, ctx: &StepContext) -> StepOutput {
        let subnet = self.sample_subnet(&ctx.phase, ctx.step_seed);
        let logits = self.forward_subnet(&subnet, batch.images.clone());
        let targets: Tensor<1, Int> = batch.targets;
        let ce = cross_entropy(logits.clone(), targets.clone());
        if subnet == SubnetConfig::largest(&self.config) || !ctx.training {
            return StepOutput::classification(ce.clone(), logits, targets).with_term("cross_entropy", ce);
        }
        let teacher = self.forward_subnet(&SubnetConfig::largest(&self.config), batch.images).detach();
        let kd = distillation_loss(logits.clone(), teacher);
        StepOutput::classification(ce.clone() + kd.clone(), logits, targets)
            .with_term("cross_entropy", ce)
            .with_term("distillation", kd)
    }
}

/// Epochs of each progressive-shrinking stage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShrinkingSchedule {
    /// Full network.
    pub full: usize,
    /// Elastic kernel.
    pub kernel: usize,
    /// Elastic kernel and depth.
    pub depth: usize,
    /// Elastic kernel, depth and width.
    pub width: usize,
    /// Base learning rate (Adam, cosine within each stage).
    pub lr: f64,
}

impl ShrinkingSchedule {
    /// The phases: `full`, `kernel`, `depth`, `sort_channels` (action), `width`.
    pub fn phases(&self) -> Vec<Phase<OfaSupernet>> {
        let stage = |name: &str, epochs: usize, lr: f64| {
            Phase::train(name, TrainPhase::new(epochs, lr).with_schedule(LrSchedule::Cosine { min_factor: 0.05 }))
        };
        vec![
            stage("full", self.full, self.lr),
            stage("kernel", self.kernel, self.lr * 0.5),
            stage("depth", self.depth, self.lr * 0.5),
            Phase::action("sort_channels", |m: OfaSupernet, _ctx: &ActionContext<'_>| Ok(m.sort_channels())),
            stage("width", self.width, self.lr * 0.5),
        ]
    }
}
