//! [`StProtoPNetSchedule`]: ST-ProtoPNet's training schedule (cwangrun/ST-ProtoPNet, cropped
//! variant: `cropped/main.py`, `cropped/settings_CUB_CAR.py`) as engine phases.
//!
//! Official, 30 epochs `e = 0..29`:
//! - warm-up `e = 0..4`: add-on layers and prototypes of both branches, Adam 3e-3, weight decay
//!   `1e-3 × 0.5` on the add-on layers (factor 0.5 for ResNet/VGG, 1.0 for DenseNet);
//! - joint `e = 5..20`: backbone 1e-4, add-on layers 3e-3 (both with that weight decay),
//!   prototypes 3e-3, one Adam; `StepLR(step_size = 1, γ = 0.2)` is stepped only at the start of
//!   epochs 7, 9, 11 and 13, so epoch `e` runs at `η · 0.2^{|{s ∈ {7, 9, 11, 13} : s ≤ e}|}` and
//!   the rate settles at `η · 0.2⁴` from epoch 13;
//! - push after epoch 20's joint pass (`push_start = 20`, push epochs the multiples of 10), then
//!   10 last-layer passes (both last layers, Adam 1e-4);
//! - joint again `e = 21..29` with the same optimiser at the settled rate, and neither another
//!   push nor another last-layer phase: the final prototypes are not exact training patches.
//!
//! Every phase optimises the alternating loss of [`super::loss`] (trivial on even steps of an
//! epoch, support on odd ones). Here: warm-up, joint, push, last layer, joint after push, in
//! typed [`PrototypeStage`]s. The joint decay is [`LrSchedule::Step`] every `joint_step.0`
//! epochs, capped at `joint_decays` decays: when the cap binds, the joint phase is split into a
//! decaying phase of `every · (decays + 1)` epochs and a constant one at `γ^decays`, and the
//! joint phase after push runs at the rate the joint phase ended at.
//!
//! Deviations from the official code: every phase starts a fresh Adam (the official joint
//! optimiser keeps its moments from epoch 5 to 29, across the push and the last-layer epochs);
//! where the joint phase is split (official lengths: after 10 of its 16 epochs), Adam restarts
//! there as well, at an unchanged rate.

use kiln_core::train::{ActionContext, LrSchedule, Phase};
use serde::{Deserialize, Serialize};

use super::model::StProtoPNet;
use super::push_action;
use crate::push_set::PushSet;
use crate::schedule::{JointRates, PrototypeStage, last_layer_phase, warm_up_phase};

/// Epochs and learning rates of an ST-ProtoPNet run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StProtoPNetSchedule {
    /// Warm-up epochs (official: 5).
    pub warm_epochs: usize,
    /// Joint epochs before the push (official: 16, epochs 5–20).
    pub joint_epochs: usize,
    /// Last-layer epochs after the push (official: 10).
    pub last_layer_epochs: usize,
    /// Joint epochs after the last-layer phase, with no push to follow (official: 9, epochs
    /// 21–29).
    pub joint_after_push_epochs: usize,
    /// Learning rate of the add-on layers and prototypes (official: 3e-3).
    pub add_on_lr: f64,
    /// Learning rate of the backbone in the joint phases (official: 1e-4).
    pub features_lr: f64,
    /// Learning rate of the last layers (official: 1e-4).
    pub last_layer_lr: f64,
    /// Weight decay of the backbone and add-on layers (official: `1e-3 × 0.5` for the default
    /// ResNet-34).
    pub weight_decay: f32,
    /// Joint decay period in epochs and factor (official: 2, 0.2: epochs 7, 9, 11, 13).
    pub joint_step: (usize, f64),
    /// Most decays of the joint rate (official: 4).
    pub joint_decays: usize,
}

impl Default for StProtoPNetSchedule {
    fn default() -> Self {
        Self::new()
    }
}

impl StProtoPNetSchedule {
    /// The official cropped schedule: warm 5, joint 16, push, last layer 10, joint 9.
    pub fn new() -> Self {
        Self {
            warm_epochs: 5,
            joint_epochs: 16,
            last_layer_epochs: 10,
            joint_after_push_epochs: 9,
            add_on_lr: 3e-3,
            features_lr: 1e-4,
            last_layer_lr: 1e-4,
            weight_decay: 5e-4,
            joint_step: (2, 0.2),
            joint_decays: 4,
        }
    }

    /// The CPU preset, with [`crate::ProtoPNetSchedule::small`]'s lengths and rates for a
    /// backbone trained from scratch (warm 2, joint 12 with the backbone at 3e-3 and one decay
    /// by 0.2 after 10 epochs, last layer 5 at 1e-3) and a joint phase after push of 6 epochs
    /// (about the official 9 : 16 of the joint phase).
    pub fn small() -> Self {
        Self {
            warm_epochs: 2,
            joint_epochs: 12,
            last_layer_epochs: 5,
            joint_after_push_epochs: 6,
            features_lr: 3e-3,
            last_layer_lr: 1e-3,
            joint_step: (10, 0.2),
            joint_decays: 1,
            ..Self::new()
        }
    }

    /// The factor on the joint rates in the last joint epoch before the push,
    /// `γ^min(decays, ⌊(joint_epochs − 1)/every⌋)`: the rate of the joint phase after push.
    pub fn settled_joint_factor(&self) -> f64 {
        let (every, gamma) = self.joint_step;
        let decays = self.joint_epochs.saturating_sub(1) / every.max(1);
        gamma.powi(decays.min(self.joint_decays) as i32)
    }

    /// The phases, with both prototype sets pushed onto `push_set` (reports in
    /// `<run>/push/phase-NN.json`).
    pub fn phases(&self, push_set: PushSet) -> Vec<Phase<StProtoPNet>> {
        let rates = JointRates { features: self.features_lr, add_on: self.add_on_lr, weight_decay: self.weight_decay };
        let (every, gamma) = self.joint_step;
        let decaying = self.joint_epochs.min(every.max(1) * (self.joint_decays + 1));
        let settled = self.settled_joint_factor();
        let joint = PrototypeStage::Joint { round: 1 };
        let mut phases = vec![
            Phase::train("warm_up", warm_up_phase(self.warm_epochs, self.add_on_lr, self.weight_decay)),
            Phase::train("joint_1", rates.phase(decaying, LrSchedule::Step { every, gamma })).in_stage(joint),
        ];
        if decaying < self.joint_epochs {
            let rest = rates.scaled(settled).phase(self.joint_epochs - decaying, LrSchedule::Constant);
            phases.push(Phase::train("joint_1_settled", rest).in_stage(joint));
        }
        let push = push_action(push_set);
        phases.extend([
            Phase::action("push_1", move |m, ctx: &ActionContext<'_>| push(m, ctx))
                .in_stage(PrototypeStage::Push { round: 1 }),
            Phase::train("last_layer_1", last_layer_phase(self.last_layer_epochs, self.last_layer_lr))
                .in_stage(PrototypeStage::LastLayer { round: 1 }),
            Phase::train(
                "joint_after_push_1",
                rates.scaled(settled).phase(self.joint_after_push_epochs, LrSchedule::Constant),
            )
            .in_stage(PrototypeStage::JointAfterPush { round: 1 }),
        ]);
        phases
    }
}
