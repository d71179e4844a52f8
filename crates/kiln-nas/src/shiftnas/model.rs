//! [`ShiftNasModel`]: the OFA supernet, the architecture generator and the bin distribution,
//! trained together on the kiln-core engine; the "matrix mapping" that runs a relaxed
//! architecture through the supernet.

use burn::module::{Module, RunningState};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::module::adaptive_avg_pool2d;
use kiln_core::nn::cross_entropy;
use kiln_core::tensor::to_vec;
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel};

use super::generator::{ArchGenerator, RelaxedArch, argmax};
use super::loss::{MacBins, MacTables, ProbabilityShift, ShiftState};
use crate::elastic::{BlockRun, ElasticMbBlock};
use crate::ofa::{OfaSupernet, largest_subnet_step, resize};

/// Which objective a phase's steps train.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShiftNasPhase {
    /// Generator only, on the MAC term of every bin:
    /// `(1/K) Σ_k |MACs(G(k)) − c_k| / c_k` (no supernet forward; our addition, see the module
    /// documentation).
    GeneratorWarmUp,
    /// Supernet and generator together on `CE + λ·|MACs(a) − c_k|/c_k` for the drawn bin, then
    /// the probability shift.
    #[default]
    Joint,
}

/// What every ShiftNAS training step uses: the objective, τ, λ and the probability-shift rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftNasStage {
    /// The objective of the phase.
    pub phase: ShiftNasPhase,
    /// τ, the Gumbel-softmax temperature.
    pub temperature: f64,
    /// λ, the weight of the MAC loss.
    pub lambda: f64,
    /// The update of θ after each step.
    pub shift: ProbabilityShift,
}

impl Default for ShiftNasStage {
    /// The stage of [`ShiftNasConfig::new`](super::ShiftNasConfig::new).
    fn default() -> Self {
        super::ShiftNasConfig::new().stage()
    }
}

/// The terms of one generator/supernet loss.
#[derive(Debug, Clone)]
pub struct ShiftNasLoss {
    /// `CE + λ·|MACs(a) − c_k|/c_k`, `[1]`.
    pub total: Tensor<1>,
    /// The supernet's cross-entropy under `a`, `[1]`.
    pub ce: Tensor<1>,
    /// `|MACs(a) − c_k|/c_k`, `[1]`.
    pub mac_error: Tensor<1>,
    /// `MACs(a)`, `[1]`.
    pub macs: Tensor<1>,
    /// The supernet's logits under `a`, `[b, classes]`.
    pub logits: Tensor<2>,
}

/// The supernet trained with ShiftNAS' generator and shifted bin distribution.
#[derive(Module, Debug)]
pub struct ShiftNasModel {
    /// The weight-sharing supernet.
    pub supernet: OfaSupernet,
    /// The bin-conditioned architecture generator.
    pub generator: ArchGenerator,
    /// θ, the logits of the bin distribution, `[K]` (saved with the model).
    theta: RunningState<Tensor<1>>,
    /// Δ, each bin's EMA loss drop, `[K]`.
    delta: RunningState<Tensor<1>>,
    /// Each bin's last loss, NaN before its first step, `[K]`.
    last_loss: RunningState<Tensor<1>>,
    /// The MAC bins and their targets.
    #[module(skip)]
    pub bins: MacBins,
    /// The differentiable MAC count.
    #[module(skip)]
    pub tables: MacTables,
}

fn host_tensor(values: Vec<f32>, device: &Device) -> Tensor<1> {
    let n = values.len();
    Tensor::from_data(TensorData::new(values, [n]), device)
}

impl ShiftNasModel {
    /// Joins a supernet, a generator and the bins, with θ = 0 (uniform p).
    pub fn new(supernet: OfaSupernet, generator: ArchGenerator, bins: MacBins, device: &Device) -> Self {
        let k = bins.len();
        let tables = MacTables::new(&supernet.config);
        Self {
            supernet,
            generator,
            theta: RunningState::new(Tensor::zeros([k], device)),
            delta: RunningState::new(Tensor::zeros([k], device)),
            last_loss: RunningState::new(host_tensor(vec![f32::NAN; k], device)),
            bins,
            tables,
        }
    }

    /// θ, Δ and the last losses, read on the host.
    pub fn shift_state(&self) -> ShiftState {
        let read = |s: &RunningState<Tensor<1>>| to_vec(s.value_sync()).into_iter().map(f64::from).collect::<Vec<_>>();
        ShiftState {
            theta: read(&self.theta),
            delta: read(&self.delta),
            last_loss: read(&self.last_loss).into_iter().map(|v| (!v.is_nan()).then_some(v)).collect(),
        }
    }

    /// Stores θ, Δ and the last losses.
    pub fn set_shift_state(&self, state: &ShiftState) {
        let device = self.theta.value().device();
        // `update` keeps the value per thread until a sync; syncing at once makes it what
        // `visit` (saving) and every later read see.
        let write = |s: &RunningState<Tensor<1>>, v: Vec<f32>| {
            s.update(host_tensor(v, &device));
            s.value_sync();
        };
        write(&self.theta, state.theta.iter().map(|&v| v as f32).collect());
        write(&self.delta, state.delta.iter().map(|&v| v as f32).collect());
        write(&self.last_loss, state.last_loss.iter().map(|v| v.map_or(f32::NAN, |v| v as f32)).collect());
    }

    /// The block run of the relaxed architecture at block slot `slot` (the matrix mapping):
    /// mask `Σ_e o^e_e · mask_e` (`mask_e` = the first `in·e` hidden channels), kernel
    /// `Σ_k o^k_k · pad(W_k)` (each effective kernel centre-padded to the largest size), SE
    /// width from the arg-max expand ratio.
    fn block_run(&self, block: &ElasticMbBlock, arch: &RelaxedArch, slot: usize) -> BlockRun {
        let config = &self.supernet.config;
        let units = config.units.len();
        let device = block.expand.weight.device();
        let (max, in_ch) = (block.max_hidden(), block.expand.weight.dims()[1]);
        let hidden = |e: usize| (in_ch * e).clamp(1, max);
        let masks: Vec<f32> = config
            .expand_ratios
            .iter()
            .flat_map(|&e| (0..max).map(move |c| if c < hidden(e) { 1.0 } else { 0.0 }))
            .collect();
        let ne = config.expand_ratios.len();
        let expand = arch.expand(units, slot);
        let masks = Tensor::<2>::from_data(TensorData::new(masks, [ne, max]), &device);
        let mask = expand.clone().reshape([1, ne]).matmul(masks).reshape([1, max, 1, 1]);
        let big = block.depthwise.weight.dims()[2];
        let padded: Vec<Tensor<2>> = config
            .kernel_sizes
            .iter()
            .map(|&k| {
                let w = block.depthwise.active_kernel(k);
                let [c, _, size, _] = w.dims();
                let s = (big - size) / 2;
                Tensor::<4>::zeros([c, 1, big, big], &device)
                    .slice_assign([0..c, 0..1, s..s + size, s..s + size], w)
                    .reshape([1, -1])
            })
            .collect();
        let nk = padded.len();
        let kernel = arch.kernel(units, slot).reshape([1, nk]).matmul(Tensor::cat(padded, 0));
        let e = argmax(&expand);
        BlockRun {
            expand: block.expand.weight.val(),
            depthwise: kernel.reshape([max, 1, big, big]),
            project: block.project.weight.val(),
            mask,
            se_hidden: hidden(config.expand_ratios.get(e).copied().unwrap_or(1)),
        }
    }

    /// The supernet under the relaxed architecture `arch`: resolution by the arg-max of its
    /// one-hot (a hard choice), every block through [`ElasticMbBlock::forward_with`] with the
    /// mapped mask and kernel, and, for blocks past a unit's first, `x ← x + gate_b·(block(x) −
    /// x)` with `gate_b = Σ_{d > b} o^d_d` (exactly skipping or running the block at hard
    /// one-hots).
    ///
    /// # Shapes
    /// `[b, in_channels, h, w] → [b, num_classes]`
    pub fn forward_relaxed(&self, arch: &RelaxedArch, x: Tensor<4>) -> Tensor<2> {
        let config = &self.supernet.config;
        let r = argmax(&arch.resolution());
        let resolution = config.resolutions.get(r).copied().unwrap_or(8);
        let net = &self.supernet;
        let mut x = config.stem_activation.forward(net.stem_norm.forward(net.stem.forward(resize(x, resolution))));
        let mut slot = 0;
        for (u, blocks) in net.units.iter().enumerate() {
            let depth = arch.depth(u);
            for (b, block) in blocks.iter().enumerate() {
                let y = block.forward_with(x.clone(), self.block_run(block, arch, slot + b));
                x = if b == 0 {
                    y
                } else {
                    let runs: Vec<f32> =
                        config.depths.iter().map(|&d| if d.clamp(1, blocks.len()) > b { 1.0 } else { 0.0 }).collect();
                    let gate = (depth.clone() * host_tensor(runs, &depth.device())).sum().reshape([1, 1, 1, 1]);
                    x.clone() + (y - x) * gate
                };
            }
            slot += blocks.len();
        }
        net.head.forward(adaptive_avg_pool2d(x, [1, 1]).flatten::<2>(1, 3))
    }

    /// The loss of the architecture `arch` drawn for bin `bin` on a batch:
    /// `CE(f(x; a), y) + λ·|MACs(a) − c_k|/c_k`.
    pub fn loss(
        &self,
        arch: &RelaxedArch,
        bin: usize,
        images: Tensor<4>,
        targets: Tensor<1, Int>,
        lambda: f64,
    ) -> ShiftNasLoss {
        let logits = self.forward_relaxed(arch, images);
        let ce = cross_entropy(logits.clone(), targets);
        let macs = self.tables.macs(arch);
        let target = self.bins.target(bin);
        let mac_error = ((macs.clone() - target) / target).abs();
        ShiftNasLoss { total: ce.clone() + mac_error.clone() * lambda, ce, mac_error, macs, logits }
    }
}

impl ShiftNasModel {
    /// The generator warm-up loss, over the K bins, of a straight-through Gumbel sample `G(k)`
    /// (noise from `seed`) and of the noise-free arg-max architecture `Ĝ(k)` (also straight
    /// through), all from one pass of the generator each:
    ///
    /// `(1/2K) Σ_k (|MACs(G(k)) − c_k| + |MACs(Ĝ(k)) − c_k|) / c_k`.
    ///
    /// The second term is ours (see the module doc): without it the sampled architectures hit
    /// their bins on average while the arg-max one, which [`generate`](Self::generate) returns,
    /// missed a bin in 6 of 8 initialisations.
    pub fn warm_up_loss(&self, temperature: f64, seed: u64) -> Tensor<1> {
        let bins: Vec<usize> = (0..self.bins.len()).collect();
        let mut errors: Vec<Tensor<1>> = Vec::new();
        for noise in [Some(seed), None] {
            for (arch, &bin) in self.generator.sample_many(&bins, temperature, noise).iter().zip(&bins) {
                let target = self.bins.target(bin);
                errors.push(((self.tables.macs(arch) - target) / target).abs());
            }
        }
        Tensor::cat(errors, 0).mean()
    }
}

impl TrainModel for ShiftNasModel {
    type Batch = ImageBatch;
    type Stage = ShiftNasStage;

    /// Generator warm-up: [`warm_up_loss`](Self::warm_up_loss). Joint training: bin `k ~ p = softmax(θ)` and Gumbel noise from the step seed, `a = G(k)`, the
    /// loss of [`loss`](Self::loss) (supernet and generator get their gradients from it), then
    /// the probability shift with the step's CE. Validation: the largest subnet.
    fn step(&self, batch: ImageBatch, ctx: &StepContext<ShiftNasStage>) -> StepOutput {
        if !ctx.training {
            return largest_subnet_step(&self.supernet, batch);
        }
        if ctx.stage.phase == ShiftNasPhase::GeneratorWarmUp {
            let mac_error = self.warm_up_loss(ctx.stage.temperature, ctx.step_seed);
            return StepOutput::loss(mac_error.clone()).with_term("mac_error", mac_error);
        }
        let mut state = self.shift_state();
        let bin = state.draw(ctx.step_seed);
        let arch = self.generator.sample(bin, ctx.stage.temperature, Some(ctx.step_seed));
        let targets = batch.targets.clone();
        let loss = self.loss(&arch, bin, batch.images, batch.targets, ctx.stage.lambda);
        let ce = to_vec(loss.ce.clone()).first().copied().map_or(f64::NAN, f64::from);
        ctx.stage.shift.observe(&mut state, bin, ce);
        self.set_shift_state(&state);
        StepOutput::classification(loss.total, loss.logits, targets)
            .with_term("ce", loss.ce)
            .with_term("mac_error", loss.mac_error)
    }
}
