//! LARS: layer-wise adaptive rate scaling (You, Gitman & Ginsburg, "Large Batch Training of
//! Convolutional Networks", 2017, arXiv:1708.03888), exactly as SimCLR (v1 and v2) trains with it
//! (google-research/simclr, `tf2/lars_optimizer.py`, `classic_momentum=True`, no Nesterov).
//!
//! For a parameter `w` with gradient `g`, learning rate `lr`, momentum `m`, weight decay `wd` and
//! trust coefficient `η` ("eeta", 0.001):
//! - decay (unless excluded): `g ← g + wd·w`;
//! - adaptation (unless excluded): `trust = η·‖w‖₂ / ‖g‖₂` when both norms are positive, else 1
//!   (the norms are of the whole tensor, `g` after decay); without adaptation `trust = 1`;
//! - `v ← m·v + lr·trust·g` (the rate enters the velocity: "classic" momentum);
//! - `w ← w − v`.
//!
//! SimCLR excludes every variable whose name contains `batch_normalization`, `bias` or
//! `head_supervised` from both decay and adaptation (`tf2/model.py`, `build_optimizer`); those
//! follow `v ← m·v + lr·g, w ← w − v`. Burn names these parameters by their field: `gamma` and
//! `beta` of `BatchNorm` (and of `LayerNorm`, `GroupNorm`, `InstanceNorm`; the running statistics
//! are not parameters) and `bias` of `Linear`/`Conv*`. [`Lars::init`] therefore excludes every
//! parameter whose module path ends in `bias`, `gamma` or `beta` ([`EXCLUDED_PATHS`]).
//! Deviation: SimCLR's `head_supervised` (a linear head trained alongside pretraining with an L2
//! loss instead of LARS decay) has no fixed name here and is not excluded.

use burn::module::ParamGroup;
use burn::optim::{LearningRate, ModuleOptimizer, Optimizer, RecordState, StateSink, StateSource};
use burn::tensor::{Device, FloatDType, Tensor};

/// Regex of the parameter paths [`Lars::init`] leaves without decay and adaptation: a last path
/// segment `bias`, `gamma` or `beta` (`"encoder.bn1.gamma"`, `"head.0.bias"`, a top-level
/// `"bias"`), matched by burn's [`ParamGroup::from_regex`] against the dot-joined field path.
pub const EXCLUDED_PATHS: &str = r"(^|\.)(bias|gamma|beta)$";

/// The LARS update of one parameter tensor (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lars {
    /// Momentum `m` (SimCLR: 0.9).
    pub momentum: f64,
    /// L2 weight decay `wd` added to the gradient (0: none; SimCLR 1e-6, SimCLR v2 1e-4).
    pub weight_decay: f32,
    /// Trust coefficient `η` (SimCLR's `EETA_DEFAULT = 0.001`).
    pub trust_coefficient: f32,
    /// Whether the layer-wise trust ratio scales the rate (false: `trust = 1`).
    pub layer_adaptation: bool,
}

impl Lars {
    /// LARS with decay and layer adaptation.
    pub fn new(momentum: f64, weight_decay: f32, trust_coefficient: f32) -> Self {
        Self { momentum, weight_decay, trust_coefficient, layer_adaptation: true }
    }

    /// The update SimCLR gives its excluded parameters: the same momentum, no decay, no
    /// adaptation (`v ← m·v + lr·g, w ← w − v`).
    pub fn excluded(&self) -> Self {
        Self { weight_decay: 0.0, layer_adaptation: false, ..*self }
    }

    /// The parameters [`Lars::init`] excludes ([`EXCLUDED_PATHS`]).
    pub fn excluded_params() -> ParamGroup {
        // The pattern is a constant (tested); an empty id list would match nothing.
        ParamGroup::from_regex(EXCLUDED_PATHS).unwrap_or_else(|_| ParamGroup::from_ids(Vec::new()))
    }

    /// A whole-module optimiser: `self` for every parameter, [`Lars::excluded`] for biases and
    /// normalisation scales/shifts ([`EXCLUDED_PATHS`]), as SimCLR excludes them.
    pub fn init(&self) -> ModuleOptimizer {
        ModuleOptimizer::from(*self).with_group(Self::excluded_params(), self.excluded(), None)
    }
}

/// The velocity `v` of one parameter.
#[derive(Clone)]
pub struct LarsState<const D: usize> {
    /// `v`, with the learning rate already in it.
    pub velocity: Tensor<D>,
}

impl<const D: usize> RecordState for LarsState<D> {
    fn state_flatten(&self, prefix: &str, out: &mut StateSink) {
        out.push_tensor(prefix, "velocity", self.velocity.clone().into_data());
    }

    fn state_unflatten(prefix: &str, src: &mut StateSource, device: &Device) -> Option<Self> {
        Some(Self { velocity: Tensor::from_data(src.take_tensor(prefix, "velocity")?, device) })
    }
}

impl Optimizer for Lars {
    type State<const D: usize> = LarsState<D>;

    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<D>,
        mut grad: Tensor<D>,
        state: Option<Self::State<D>>,
    ) -> (Tensor<D>, Option<Self::State<D>>) {
        if self.weight_decay != 0.0 {
            grad = grad + tensor.clone().mul_scalar(self.weight_decay);
        }
        let step = if self.layer_adaptation {
            let w_norm = l2_norm(tensor.clone());
            let g_norm = l2_norm(grad.clone());
            let valid = w_norm.clone().greater_scalar(0.0).bool_and(g_norm.clone().greater_scalar(0.0));
            // Clamp so that 0/0 is never formed; the mask then puts 1 where a norm is zero.
            let tiny = grad.dtype().finfo().unwrap_or(FloatDType::F32.finfo()).min_positive;
            let ratio = w_norm.div(g_norm.clamp_min(tiny)).mul_scalar(self.trust_coefficient);
            let trust = ratio.ones_like().mask_where(valid, ratio);
            grad.mul(trust.unsqueeze::<D>()).mul_scalar(lr)
        } else {
            grad.mul_scalar(lr)
        };
        let velocity = match state {
            Some(state) => state.velocity.mul_scalar(self.momentum) + step,
            None => step,
        };
        (tensor - velocity.clone(), Some(LarsState { velocity }))
    }

    fn to_device<const D: usize>(state: Self::State<D>, device: &Device) -> Self::State<D> {
        LarsState { velocity: state.velocity.to_device(device) }
    }
}

/// `‖x‖₂` of the whole tensor, as a one-element tensor.
fn l2_norm<const D: usize>(tensor: Tensor<D>) -> Tensor<1> {
    tensor.square().sum().sqrt()
}
