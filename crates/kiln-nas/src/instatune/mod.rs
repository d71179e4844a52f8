//! InstaTune (Sridhar, Kundu, Sundaresan, Szankin, Sarah: "InstaTune: Instantaneous Neural
//! Architecture Search During Fine-Tuning", ICCV 2023 Workshops, pp. 1523–1527, arXiv
//! 2308.15609; no official code found) on the Once-for-All supernet of [`ofa`](crate::ofa).
//!
//! **Idea.** A network is pretrained as usual; the super-network is made only during
//! fine-tuning on the new task, so that NAS costs about one fine-tuning run and the subnets
//! are trained for the target task. Afterwards a multi-objective evolutionary search with
//! lightly trained predictors (LINAS) finds the Pareto subnets.
//!
//! **Stages** (typed [`InstaTuneStage`], set by the engine's phases):
//!
//! 1. [`InstaTuneStage::Pretrain`]: the full network (the supernet's largest subnet, no
//!    elasticity) on the first task, `CE(y, f_max(x))` ([`InstaTuneConfig::pretrain`]).
//! 2. [`InstaTuneStage::ElasticFinetune`]: the new task, every step with the sandwich rule
//!    ([`SandwichRule`]): the largest subnet, the smallest and 2 uniformly random subnets on
//!    one mini-batch, in-place distillation from the largest, losses summed, one optimiser
//!    step ([`InstaTuneConfig::elastic_finetune`]):
//!
//!    `L = CE(y, f_max(x)) + Σ_{a ∈ {min, r₁, r₂}} [α · CE(y, f_a(x)) + κ · KD(f_a(x), sg(f_max(x)))]`,
//!
//!    `KD(s, t) = −(1/n) Σ_i Σ_c softmax(t_i)_c · log softmax(s_i)_c` (temperature 1), `sg` the
//!    stop-gradient: the teacher is the largest subnet's own logits of the same step, so the
//!    largest subnet runs once and gets gradient from its cross-entropy only. α = κ = 1 by
//!    default (OFA's `CE + kd_ratio · KD`, `kd_ratio = 1`).
//! 3. Search: [`search_front`] runs the existing LINAS ([`linas`](fn@crate::search::linas)) on
//!    the OFA subnet space ([`problem_for`](crate::ofa::problem_for), real evaluations after
//!    BN recalibration on the new task) with a given budget and returns the front.
//!
//! **Tasks.** Digits 0–4 pretrain, 5–9 fine-tune ([`ClassSplit::digits`]); a task's labels
//! are its positions in its class list (digit 7 → class 2 of the new task,
//! [`task_examples`]). The new task gets a freshly initialised 5-way head by default
//! ([`InstaTuneConfig::new_head`]); with `new_head = false` the pretrained head's outputs are
//! re-used as the new classes (both tasks must have as many).
//!
//! **Baselines** (for the results page), each with its count of (subnet, batch) training
//! passes ([`training_passes`]) so that budgets can be matched:
//! [`InstaTuneConfig::static_finetune`] (the full network fine-tuned statically, subnets
//! then sliced out and BN-recalibrated) and [`InstaTuneConfig::standalone_finetune`] (one
//! subnet extracted from the pretrained weights and fine-tuned alone), and the conventional
//! route InstaTune replaces, a supernet made elastic already in pretraining
//! ([`InstaTuneConfig::elastic_pretrain`]: the same sandwich rule on the first task, standing
//! in for OFA's progressive shrinking so that only the stage where elasticity enters differs),
//! then fine-tuned by [`InstaTuneConfig::elastic_finetune`]. At equal epochs, the elastic
//! stages run `2 + random_subnets` = 4 passes per step, the others 1.
//!
//! **What is reconstructed.** The paper's §3 text (loss weights, sampling, schedule) was not
//! available to us; the sandwich rule with in-place distillation follows BigNAS/OFA and the
//! issue. The teacher is the in-place largest subnet (not a separate frozen network), the
//! random subnets draw every gene, resolution included, uniformly.
//!
//! **Deviations.** The paper fine-tunes pretrained ViT-B/16, BERT-base and BEiT-3
//! (elastic depth, heads, FFN width) on their target datasets; here the supernet is the small
//! OFA CNN of [`OfaConfig::digits`](crate::ofa::OfaConfig::digits) (elastic depth, kernel,
//! expand ratio and resolution) pretrained by us on digits 0–4 and fine-tuned on 5–9. The
//! optimiser (Adam, constant rate), rates and epochs ([`InstaTuneConfig::new`]: 10 + 10 epochs
//! at 10⁻³; [`InstaTuneConfig::small`] for CPU tests) are ours. The elastic-pretraining
//! baseline uses the sandwich rule rather than OFA's staged progressive shrinking.

mod config;
mod error;
mod model;
mod train;

pub use config::{ClassSplit, InstaTuneConfig};
pub use error::InstaTuneError;
pub use model::{InstaTuneModel, InstaTuneStage, SandwichLoss, SandwichRule, with_new_head};
pub use train::{
    FrontMember, InstaTuneData, instatune_data, search_front, standalone_accuracy, task_examples, training_passes,
};
