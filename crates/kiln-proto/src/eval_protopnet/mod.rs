//! EvalProtoPNet (Huang, Zhang, Chen, Wang, Cao: "Evaluation and Improvement of
//! Interpretability for Self-Explainable Part-Prototype Networks", ICCV 2023), checked against
//! hqhQAQ/EvalProtoPNet (`model.py`, `train_and_test.py`, `main.py`, `scripts/train.sh`). Its
//! interpretability metrics (consistency and stability) are [`crate::interpretability`].
//!
//! - [`EvalProtoPNetConfig`]: official defaults (`new`) and the CPU preset (`small`), with
//!   `with_sdfa(false).with_sa(false)` the ablation baseline.
//! - [`EvalProtoPNet`]: backbone `f` → `Z = σ(Conv1×1(f(x)))` (`D` = 64) → projection
//!   `s_j = max_{z ∈ Z} ⟨z, p_j/‖p_j‖⟩` on unit prototypes (10 per class) → logits by score
//!   aggregation (SA): `logit_c = Σ_{j ∈ P_c} w_j s_j`, `w_{P_c} = m · softmax(a_{P_c})`,
//!   weights `a` initialised to 1 and learned at 1e-6, no cross-class weights.
//! - [`loss`]: `CE + 0.8·Clst − 0.08·Sep + 1e-4·Orth + 0.5·L_SDFA` (cluster and separation on
//!   the cosine distance `−cos(z, p)`; SDFA after warm-up), prototypes renormalised to unit
//!   length after every optimiser step.
//! - [`EvalProtoPNetSchedule`]: warm-up 5 and joint 7 epochs (`StepLR(3, 0.2)`), Adam with
//!   backbone 1e-4, add-on layer and prototypes 3e-3, weight decay 1e-3; no push.
//!
//! Deviations from the official code:
//! - Prototypes start at unit length (official: `U[0, 1)`, normalised after the first step;
//!   only the first step's orthogonality term differs).
//! - Without SA, the logits come from ProtoPNet's dense last layer (1 own class, −0.5 others),
//!   which no phase trains (the official schedule has no last-layer stage); the model always
//!   carries both SA's weights and that layer, so every configuration saves the same record.
//! - SDFA's shallow map is the backbone's first stage ([`kiln_core::nn::Backbone::stages`]:
//!   the official ResNet `layer1`; for the CNN, its first block), cropped to a multiple of the
//!   deep grid when needed (see [`loss`]); the StepLR decays fall one joint epoch later (see
//!   [`EvalProtoPNetSchedule`]).

mod config;
pub mod loss;
mod model;
mod train;

pub use config::EvalProtoPNetConfig;
pub use model::{EvalProtoPNet, EvalProtoPNetOutput, SigmoidAddOn, score_aggregation};
pub use train::EvalProtoPNetSchedule;
