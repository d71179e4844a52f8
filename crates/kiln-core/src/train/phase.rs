//! What a phase of a run is: gradient epochs with their own optimiser, schedule and trainable
//! parameters, or a non-gradient action that edits the model (ProtoPNet's push, pruning, BN
//! recalibration).

use std::path::Path;
use std::sync::Arc;

use burn::module::ParamGroup;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::momentum::MomentumConfig;
use burn::optim::{AdamConfig, AdamWConfig, ModuleOptimizer, SgdConfig};
use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use super::lars::Lars;
use super::schedule::LrSchedule;
use super::step::TrainModel;
use crate::error::Result;

/// An optimiser and its hyper-parameters (PyTorch's defaults unless stated).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum OptimizerConfig {
    /// Adam (Kingma & Ba 2015); L2 `weight_decay` added to the gradient as in `torch.optim.Adam`.
    Adam {
        /// β₁.
        beta1: f32,
        /// β₂.
        beta2: f32,
        /// ε.
        epsilon: f32,
        /// L2 penalty (0 for none).
        weight_decay: f32,
    },
    /// AdamW (decoupled weight decay).
    AdamW {
        /// Decoupled weight decay.
        weight_decay: f32,
    },
    /// Stochastic gradient descent with optional momentum.
    Sgd {
        /// Momentum (0 for none).
        momentum: f64,
        /// L2 penalty (0 for none).
        weight_decay: f32,
    },
    /// LARS ([`Lars`], SimCLR's optimiser): decay and layer adaptation for every parameter but
    /// biases and normalisation scales/shifts ([`lars::EXCLUDED_PATHS`](super::lars::EXCLUDED_PATHS)),
    /// which get plain momentum.
    Lars {
        /// Momentum.
        momentum: f64,
        /// L2 penalty added to the gradient (0 for none).
        weight_decay: f32,
        /// Trust coefficient η.
        trust_coefficient: f32,
    },
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        Self::adam()
    }
}

impl OptimizerConfig {
    /// Adam with β = (0.9, 0.999), ε = 1e-8, no weight decay.
    pub fn adam() -> Self {
        Self::Adam { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weight_decay: 0.0 }
    }

    /// Adam with an L2 penalty.
    pub fn adam_with_decay(weight_decay: f32) -> Self {
        Self::Adam { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weight_decay }
    }

    /// LARS as SimCLR trains with it: momentum 0.9, trust coefficient 0.001.
    pub fn lars(weight_decay: f32) -> Self {
        Self::Lars { momentum: 0.9, weight_decay, trust_coefficient: 0.001 }
    }

    /// The same optimiser with another weight decay.
    pub fn with_weight_decay(self, decay: f32) -> Self {
        match self {
            Self::Adam { beta1, beta2, epsilon, .. } => Self::Adam { beta1, beta2, epsilon, weight_decay: decay },
            Self::AdamW { .. } => Self::AdamW { weight_decay: decay },
            Self::Sgd { momentum, .. } => Self::Sgd { momentum, weight_decay: decay },
            Self::Lars { momentum, trust_coefficient, .. } => {
                Self::Lars { momentum, weight_decay: decay, trust_coefficient }
            }
        }
    }

    /// Builds burn's optimiser, with a separate optimiser (own weight decay) for each group
    /// that sets one. Under LARS a group keeps the exclusion rule: its biases and normalisation
    /// parameters stay without decay and adaptation.
    pub fn init_with_groups(&self, groups: &[ParamGroupSettings]) -> ModuleOptimizer {
        let mut optim = self.init();
        for group in groups {
            if let Some(decay) = group.weight_decay {
                let matcher = ParamGroup::from_predicate(group.path.clone());
                let decay_cfg = (decay > 0.0).then(|| WeightDecayConfig::new(decay));
                optim = match self.with_weight_decay(decay) {
                    Self::Adam { beta1, beta2, epsilon, .. } => optim.with_group(
                        matcher,
                        AdamConfig::new()
                            .with_beta_1(beta1)
                            .with_beta_2(beta2)
                            .with_epsilon(epsilon)
                            .with_weight_decay(decay_cfg)
                            .build(),
                        None,
                    ),
                    Self::AdamW { .. } => {
                        optim.with_group(matcher, AdamWConfig::new().with_weight_decay(decay).build(), None)
                    }
                    Self::Sgd { momentum, .. } => optim.with_group(
                        matcher,
                        SgdConfig::new()
                            .with_momentum(
                                (momentum > 0.0)
                                    .then(|| MomentumConfig::new().with_momentum(momentum).with_dampening(0.0)),
                            )
                            .with_weight_decay(decay_cfg)
                            .build(),
                        None,
                    ),
                    Self::Lars { momentum, weight_decay, trust_coefficient } => optim.with_group(
                        matcher.exclude(Lars::excluded_params()),
                        Lars::new(momentum, weight_decay, trust_coefficient),
                        None,
                    ),
                };
            }
        }
        optim
    }

    /// Builds burn's optimiser.
    pub fn init(&self) -> ModuleOptimizer {
        let decay = |w: f32| (w > 0.0).then(|| WeightDecayConfig::new(w));
        match *self {
            Self::Adam { beta1, beta2, epsilon, weight_decay } => AdamConfig::new()
                .with_beta_1(beta1)
                .with_beta_2(beta2)
                .with_epsilon(epsilon)
                .with_weight_decay(decay(weight_decay))
                .init(),
            Self::AdamW { weight_decay } => AdamWConfig::new().with_weight_decay(weight_decay).init(),
            Self::Sgd { momentum, weight_decay } => SgdConfig::new()
                .with_momentum(
                    (momentum > 0.0).then(|| MomentumConfig::new().with_momentum(momentum).with_dampening(0.0)),
                )
                .with_weight_decay(decay(weight_decay))
                .init(),
            Self::Lars { momentum, weight_decay, trust_coefficient } => {
                Lars::new(momentum, weight_decay, trust_coefficient).init()
            }
        }
    }
}

/// Which parameters a phase trains, by module path (`"prototype_layer"`, `"features.conv1"`).
///
/// A path matches a parameter when the parameter's full path (e.g. `last_layer.weight`)
/// contains it. Frozen parameters get no gradient and keep their values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum Trainable {
    /// Every parameter.
    #[default]
    All,
    /// Only parameters whose path contains one of these.
    Only(Vec<String>),
    /// Every parameter except those whose path contains one of these.
    Except(Vec<String>),
}

impl Trainable {
    /// Only these module paths.
    pub fn only<S: Into<String>>(paths: impl IntoIterator<Item = S>) -> Self {
        Self::Only(paths.into_iter().map(Into::into).collect())
    }

    /// Every module path but these.
    pub fn except<S: Into<String>>(paths: impl IntoIterator<Item = S>) -> Self {
        Self::Except(paths.into_iter().map(Into::into).collect())
    }

    /// The path patterns this names (none for [`Trainable::All`]).
    pub fn patterns(&self) -> &[String] {
        match self {
            Self::All => &[],
            Self::Only(paths) | Self::Except(paths) => paths,
        }
    }

    /// Freezes and unfreezes `model` accordingly.
    ///
    /// # Errors
    /// [`CoreError::UnmatchedPattern`] when a path matches no parameter of `model`: an
    /// `Only` pattern that matched nothing would otherwise freeze the whole model.
    pub fn apply<M: burn::module::Module>(&self, model: M) -> Result<M> {
        super::params::check_patterns(&model, self.patterns().iter().map(String::as_str))?;
        Ok(match self {
            Self::All => model.unfreeze(),
            Self::Only(paths) => model.freeze().unfreeze_group(ParamGroup::from_any_predicates(paths.clone())),
            Self::Except(paths) => model.unfreeze().freeze_group(ParamGroup::from_any_predicates(paths.clone())),
        })
    }
}

/// Learning rate and weight decay of the parameters whose path contains `path`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamGroupSettings {
    /// Path predicate (`"features"`, `"prototype_vectors"`).
    pub path: String,
    /// Base learning rate of the group.
    pub lr: f64,
    /// Weight decay of the group (`None`: the phase optimiser's).
    pub weight_decay: Option<f32>,
}

/// A gradient phase: `epochs` passes over the training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainPhase {
    /// Number of epochs.
    pub epochs: usize,
    /// Base learning rate.
    pub lr: f64,
    /// Parameter groups whose learning rate (and optionally weight decay) differ from the
    /// phase's; the schedule scales their rates too. ProtoPNet trains its backbone at 1e-4 with
    /// weight decay 1e-3 and its prototypes at 3e-3 without.
    pub groups: Vec<ParamGroupSettings>,
    /// The optimiser, created fresh at the start of the phase.
    pub optimizer: OptimizerConfig,
    /// Learning-rate schedule over the phase.
    pub schedule: LrSchedule,
    /// Which parameters train.
    pub trainable: Trainable,
    /// Cap on optimiser steps per epoch (for endless streams and quick tests); `None` for a full
    /// pass.
    pub max_steps_per_epoch: Option<usize>,
}

impl TrainPhase {
    /// `epochs` of Adam at `lr` on every parameter.
    pub fn new(epochs: usize, lr: f64) -> Self {
        Self {
            epochs,
            lr,
            groups: Vec::new(),
            optimizer: OptimizerConfig::adam(),
            schedule: LrSchedule::Constant,
            trainable: Trainable::All,
            max_steps_per_epoch: None,
        }
    }

    /// Sets the optimiser.
    pub fn with_optimizer(mut self, optimizer: OptimizerConfig) -> Self {
        self.optimizer = optimizer;
        self
    }

    /// Sets the schedule.
    pub fn with_schedule(mut self, schedule: LrSchedule) -> Self {
        self.schedule = schedule;
        self
    }

    /// Sets the trainable parameters.
    pub fn with_trainable(mut self, trainable: Trainable) -> Self {
        self.trainable = trainable;
        self
    }

    /// Gives parameters whose path contains `path` their own base learning rate.
    pub fn with_group_lr(mut self, path: impl Into<String>, lr: f64) -> Self {
        self.groups.push(ParamGroupSettings { path: path.into(), lr, weight_decay: None });
        self
    }

    /// Gives parameters whose path contains `path` their own learning rate and weight decay.
    pub fn with_group(mut self, path: impl Into<String>, lr: f64, weight_decay: f32) -> Self {
        self.groups.push(ParamGroupSettings { path: path.into(), lr, weight_decay: Some(weight_decay) });
        self
    }

    /// Caps the optimiser steps per epoch.
    pub fn with_max_steps_per_epoch(mut self, steps: usize) -> Self {
        self.max_steps_per_epoch = Some(steps);
        self
    }
}

/// What an action phase gets besides the model.
pub struct ActionContext<'a> {
    /// The device the run trains on (without autodiff).
    pub device: &'a Device,
    /// The run directory, when the run has one (actions may write artefacts there).
    pub run_dir: Option<&'a Path>,
    /// The run's seed.
    pub seed: u64,
    /// Index of this phase in the run.
    pub phase_index: usize,
}

/// A non-gradient edit of the model. It receives the model in evaluation mode (no autodiff)
/// and returns the edited model.
pub type Action<M> = Arc<dyn Fn(M, &ActionContext<'_>) -> Result<M> + Send + Sync>;

/// What a phase does: gradient epochs or a non-gradient action.
pub enum PhaseKind<M> {
    /// Gradient epochs.
    Train(TrainPhase),
    /// A non-gradient step.
    Action(Action<M>),
}

/// A phase of a run: a name for logs and checkpoints, a typed stage the model steps in, and
/// what it does.
pub struct Phase<M: TrainModel> {
    /// Label used in logs, checkpoints and the report (`"warm_up"`, `"joint"`, `"push"`). Code
    /// never branches on it; the [`stage`](Self::stage) carries the meaning.
    pub name: String,
    /// The model's kind of this phase, passed to every step ([`StepContext::stage`](super::step::StepContext::stage)).
    pub stage: M::Stage,
    /// What the phase does.
    pub kind: PhaseKind<M>,
}

impl<M: TrainModel> Phase<M> {
    /// A gradient phase in the default stage.
    pub fn train(name: impl Into<String>, phase: TrainPhase) -> Self {
        Self { name: name.into(), stage: M::Stage::default(), kind: PhaseKind::Train(phase) }
    }

    /// A non-gradient action phase in the default stage.
    pub fn action(
        name: impl Into<String>,
        action: impl Fn(M, &ActionContext<'_>) -> Result<M> + Send + Sync + 'static,
    ) -> Self {
        Self { name: name.into(), stage: M::Stage::default(), kind: PhaseKind::Action(Arc::new(action)) }
    }

    /// The same phase in another stage.
    pub fn in_stage(mut self, stage: M::Stage) -> Self {
        self.stage = stage;
        self
    }

    /// Number of epochs (actions count as one).
    pub fn epochs(&self) -> usize {
        match &self.kind {
            PhaseKind::Train(p) => p.epochs,
            PhaseKind::Action(_) => 1,
        }
    }

    /// The gradient settings, `None` for an action.
    pub fn train_phase(&self) -> Option<&TrainPhase> {
        match &self.kind {
            PhaseKind::Train(p) => Some(p),
            PhaseKind::Action(_) => None,
        }
    }
}

impl<M: TrainModel> Clone for Phase<M> {
    fn clone(&self) -> Self {
        let kind = match &self.kind {
            PhaseKind::Train(p) => PhaseKind::Train(p.clone()),
            PhaseKind::Action(a) => PhaseKind::Action(Arc::clone(a)),
        };
        Self { name: self.name.clone(), stage: self.stage.clone(), kind }
    }
}
