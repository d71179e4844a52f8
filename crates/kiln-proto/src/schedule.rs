//! The prototype-network training schedule on the shared engine: warm-up, joint, push, last
//! layer (ProtoPNet's), and the phase builders ST-ProtoPNet's schedule
//! ([`crate::st_protopnet::StProtoPNetSchedule`]) shares.
//!
//! Official code (`main.py`, `settings.py`): warm-up trains the add-on layers (Adam 3e-3, weight
//! decay 1e-3) and the prototypes (3e-3) with the backbone and last layer frozen; joint trains
//! backbone (1e-4, wd 1e-3), add-on (3e-3, wd 1e-3) and prototypes (3e-3) with StepLR(5, 0.1);
//! after each push the last layer alone is optimised (1e-4). Difference here: the step schedule
//! restarts with each joint phase (the official StepLR runs across the whole run).

use std::path::Path;

use kiln_core::train::{Action, ActionContext, LrSchedule, OptimizerConfig, Phase, TrainModel, TrainPhase, Trainable};
use serde::{Deserialize, Serialize};

use crate::protopnet::{ProtoPNet, prune, push};
use crate::push_set::PushSet;

/// The stages of a prototype network's schedule, as typed values: what each phase of
/// [`ProtoPNetSchedule::phases_with`] is, so code selects phases by stage, never by name or
/// position. Rounds count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PrototypeStage {
    /// Add-on layers and prototypes train; backbone and last layer frozen.
    #[default]
    WarmUp,
    /// Backbone, add-on layers and prototypes train together.
    Joint {
        /// The push round this joint phase precedes.
        round: usize,
    },
    /// Prototypes are projected onto training patches.
    Push {
        /// The push round.
        round: usize,
    },
    /// Only the last layer trains (convex optimisation of the paper).
    LastLayer {
        /// The push round this phase follows.
        round: usize,
    },
    /// Backbone, add-on layers and prototypes train together again after a push and its
    /// last-layer phase, with no push to follow (ST-ProtoPNet's cropped schedule, epochs
    /// 21–29), so the final prototypes are no longer exact training patches.
    JointAfterPush {
        /// The push round this phase follows.
        round: usize,
    },
    /// Prototypes whose neighbourhood is impure are removed.
    Prune,
}

impl PrototypeStage {
    /// `true` for the phases before the first push (warm-up and the first joint phase).
    pub fn before_first_push(&self) -> bool {
        matches!(self, Self::WarmUp | Self::Joint { round: 1 })
    }
}

/// Epochs and learning rates of a ProtoPNet run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProtoPNetSchedule {
    /// Warm-up epochs (official: 5).
    pub warm_epochs: usize,
    /// Joint epochs before each push (official: 10).
    pub joint_epochs: usize,
    /// Rounds of joint → push → last layer (official: until epoch 1000).
    pub push_rounds: usize,
    /// Last-layer epochs after each push (official: 20).
    pub last_layer_epochs: usize,
    /// Learning rate of the add-on layers and prototypes (official: 3e-3).
    pub add_on_lr: f64,
    /// Learning rate of the backbone in the joint phase (official: 1e-4).
    pub features_lr: f64,
    /// Learning rate of the last layer (official: 1e-4).
    pub last_layer_lr: f64,
    /// Weight decay of the backbone and add-on layers (official: 1e-3).
    pub weight_decay: f32,
    /// Joint-phase StepLR period in epochs and factor (official: 5, 0.1).
    pub joint_step: (usize, f64),
}

impl Default for ProtoPNetSchedule {
    fn default() -> Self {
        Self {
            warm_epochs: 5,
            joint_epochs: 10,
            push_rounds: 1,
            last_layer_epochs: 20,
            add_on_lr: 3e-3,
            features_lr: 1e-4,
            last_layer_lr: 1e-4,
            weight_decay: 1e-3,
            joint_step: (5, 0.1),
        }
    }
}

impl ProtoPNetSchedule {
    /// A short schedule for small images with a backbone trained from scratch: warm 2, joint 12
    /// with the backbone at the add-on layers' rate 3e-3 (the paper's 1e-4 assumes an ImageNet
    /// backbone) and StepLR(10, 0.2), last layer 5 epochs at 1e-3.
    pub fn small() -> Self {
        Self {
            warm_epochs: 2,
            joint_epochs: 12,
            last_layer_epochs: 5,
            features_lr: 3e-3,
            last_layer_lr: 1e-3,
            joint_step: (10, 0.2),
            ..Self::default()
        }
    }

    /// ProtoPNet's phases, with push onto `push_set`. Push reports go to
    /// `<run>/push/phase-NN.json`.
    pub fn phases(&self, push_set: PushSet) -> Vec<Phase<ProtoPNet>> {
        self.phases_with(std::sync::Arc::new(push_action(push_set)))
    }

    /// The phases for any prototype model whose parameters are named `features`,
    /// `add_on_layers`, `prototype_vectors` and `last_layer` (at any depth), with `push` as the
    /// push action.
    pub fn phases_with<M: TrainModel<Stage = PrototypeStage>>(&self, push: Action<M>) -> Vec<Phase<M>> {
        let mut phases =
            vec![Phase::train("warm_up", warm_up_phase(self.warm_epochs, self.add_on_lr, self.weight_decay))];
        let step = LrSchedule::Step { every: self.joint_step.0, gamma: self.joint_step.1 };
        let rates = JointRates { features: self.features_lr, add_on: self.add_on_lr, weight_decay: self.weight_decay };
        for round in 1..=self.push_rounds {
            phases.push(
                Phase::train(format!("joint_{round}"), rates.phase(self.joint_epochs, step))
                    .in_stage(PrototypeStage::Joint { round }),
            );
            let push = push.clone();
            phases.push(
                Phase::action(format!("push_{round}"), move |m, ctx: &ActionContext<'_>| push(m, ctx))
                    .in_stage(PrototypeStage::Push { round }),
            );
            phases.push(
                Phase::train(
                    format!("last_layer_{round}"),
                    last_layer_phase(self.last_layer_epochs, self.last_layer_lr),
                )
                .in_stage(PrototypeStage::LastLayer { round }),
            );
        }
        phases
    }
}

/// Warm-up: Adam on the add-on layers (`lr`, `weight_decay`) and the prototypes (`lr`, no
/// decay); backbone and last layer frozen.
pub(crate) fn warm_up_phase(epochs: usize, lr: f64, weight_decay: f32) -> TrainPhase {
    TrainPhase::new(epochs, lr)
        .with_optimizer(OptimizerConfig::adam())
        .with_trainable(Trainable::only(["add_on_layers", "prototype_vectors"]))
        .with_group("add_on_layers", lr, weight_decay)
}

/// Base rates of a joint phase: backbone at `features`, add-on layers and prototypes at
/// `add_on`, weight decay on backbone and add-on layers only.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JointRates {
    pub features: f64,
    pub add_on: f64,
    pub weight_decay: f32,
}

impl JointRates {
    /// A joint phase (Adam; last layer frozen) of `epochs` under `schedule`.
    pub fn phase(self, epochs: usize, schedule: LrSchedule) -> TrainPhase {
        TrainPhase::new(epochs, self.add_on)
            .with_optimizer(OptimizerConfig::adam())
            .with_trainable(Trainable::only(["features", "add_on_layers", "prototype_vectors"]))
            .with_group("features", self.features, self.weight_decay)
            .with_group("add_on_layers", self.add_on, self.weight_decay)
            .with_schedule(schedule)
    }

    /// Every rate multiplied by `factor`.
    pub fn scaled(self, factor: f64) -> Self {
        Self { features: self.features * factor, add_on: self.add_on * factor, ..self }
    }
}

/// Last layer alone, Adam at `lr`.
pub(crate) fn last_layer_phase(epochs: usize, lr: f64) -> TrainPhase {
    TrainPhase::new(epochs, lr).with_optimizer(OptimizerConfig::adam()).with_trainable(Trainable::only(["last_layer"]))
}

/// ProtoPNet's push as an engine action; writes the report into the run directory when there
/// is one.
pub fn push_action(
    push_set: PushSet,
) -> impl Fn(ProtoPNet, &ActionContext<'_>) -> kiln_core::Result<ProtoPNet> + Send + Sync {
    move |model, ctx| {
        let (model, report) = push(model, &push_set, ctx.device);
        if let Some(dir) = ctx.run_dir {
            write_report(&dir.join("push"), &format!("phase-{:02}.json", ctx.phase_index), &report)?;
        }
        Ok(model)
    }
}

/// ProtoPNet's pruning as an engine action (the paper's `k = 6`, `τ = 3`): removes prototypes
/// with fewer than `tau` own-class images among their `k` nearest; writes
/// `<run>/prune/phase-NN.json`. Follow it with a last-layer phase, as the paper does.
pub fn prune_action(
    push_set: PushSet,
    k: usize,
    tau: usize,
) -> impl Fn(ProtoPNet, &ActionContext<'_>) -> kiln_core::Result<ProtoPNet> + Send + Sync {
    move |model, ctx| {
        let (model, report) = prune(model, &push_set, ctx.device, k, tau);
        if let Some(dir) = ctx.run_dir {
            write_report(&dir.join("prune"), &format!("phase-{:02}.json", ctx.phase_index), &report)?;
        }
        Ok(model)
    }
}

pub(crate) fn write_report<T: Serialize>(dir: &Path, name: &str, report: &T) -> kiln_core::Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| kiln_core::CoreError::io(dir, e))?;
    let path = dir.join(name);
    let json = serde_json::to_string_pretty(report)
        .map_err(|e| kiln_core::CoreError::Phase { phase: "push".into(), message: e.to_string() })?;
    std::fs::write(&path, json).map_err(|e| kiln_core::CoreError::io(&path, e))
}
