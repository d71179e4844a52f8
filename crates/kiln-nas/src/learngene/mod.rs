//! # Learngene Pool
//!
//! Shi et al., "Building Variable-sized Models via Learngene Pool", AAAI 2024 (official code:
//! superselll/learngenepool, MindSpore). One large *ancestry* model is distilled into several
//! small *auxiliary* models; their blocks are the *learngene instances* that form the pool.
//! *Descendant* models of many sizes are then built by stitching instances small → large, and
//! the whole pool is fine-tuned with one random descendant per step. Compared with SN-Net
//! ([`crate::snnet`]), which stitches independently pretrained full-depth anchors, the pool
//! stores fewer parameters and reaches models smaller than SN-Net's smallest anchor.
//!
//! ## Stage 1: distillation ([`Distillation`], [`learngene_distillation_loss`])
//! For an auxiliary (student, logits `s`) and the frozen ancestry (teacher, logits `t`):
//!
//! `L = α·CE(s, y) + (1 − α)·(softCE(s/T, t/T) + Σ_p MSE(h_s^p, W_p h_t^p) + Σ_p MSE(a_s^p, V_p a_t^p))`
//!
//! with α = 0.1, T = 1, `h` the block outputs, `a` the attention branches `MHA(LN₁(x))` (before
//! the residual addition, as the official `Block_OutMidMap`), and AdamW at lr 5e-4, weight
//! decay 0.05, 100 epochs. What the official `criterion2.py` and `trans_layer.py` fix:
//! - **Direction of the maps.** `W_p` and `V_p` are `Dense(tea_dim, stu_dim)` with bias: they
//!   map the *teacher's* outputs down to the student's width, and the MSE compares the
//!   student's outputs with the mapped teacher's. They are separate for block outputs
//!   (`trans_layer_map`) and attention (`trans_layer_att`), one per matched point, and train
//!   with the student (they are in the distillation optimiser).
//! - **Points** ([`MatchPoints`]): `[front,end]` for Ti pairs student blocks
//!   `⌊k·d/3⌋ − 1` (k = 1, 2, 3) with teacher blocks 3, 7, 11; S and B use `[end]` (the last
//!   blocks). We write the teacher points as `⌊k·D/3⌋ − 1` for an ancestry of `D` blocks,
//!   which is 3, 7, 11 at `D = 12`; [`LearngenePoolConfig::small`]'s 6-block ancestry gives
//!   1, 3, 5 against the 3-block Ti auxiliary's 0, 1, 2.
//! - **Reductions.** `softCE` is `ReduceMean(−softmax(t)·log_softmax(s))` over the batch *and
//!   the classes* (no `T²`), i.e. [`kiln_core::nn::distillation_loss`] divided by
//!   `T²·classes` ([`soft_cross_entropy`]); each MSE is the mean over all elements, and the
//!   MSEs are summed over points.
//!
//! ## The pool and its descendants ([`LearngenePool`], [`Descendant`])
//! The instances are the distilled auxiliaries (embedding, blocks, norm, head). A stitched
//! descendant runs the front instance's embedding and blocks `0..=j`, a linear stitch layer,
//! then the end instance's blocks `k..`, norm and head; the cuts `(j, k)` are SN-Net's paired
//! stitching (`|j − k| ≤ 1`, one stitch layer per 2-block window: `3d − 2` cuts over `d − 1`
//! layers per pair), so a descendant of `d`-block instances runs `d` (`k = j + 1`), `d + 1`
//! (`k = j`) or `d + 2` (`k = j − 1`) blocks. Stitch layers are initialised from the learned maps, not by least
//! squares: the official `initialize_stitching_weights` sets Ti → B's to the transposed mean of
//! Ti's block-output maps (`mean_p W_p`, ancestry → Ti, transposed: Ti → ancestry width = B's
//! width), bias zero. [`LearngenePool::build`] gives a descendant as a standalone
//! [`DescendantNet`]; [`LearngenePool::cost`] its MACs and parameters, and
//! [`LearngenePool::stored_params`] what the pool stores.
//!
//! ## Stage 2: fine-tuning ([`FinetuneConfig`], [`PoolStage`])
//! Cross-entropy on one uniformly drawn descendant per step ([`PoolStage::Random`], as
//! OFA's typed stages), AdamW, 50 epochs (paper; the official `main.py` runs 100 epochs at lr
//! 5e-5, our default rate).
//!
//! ## Deviations
//! - The official training samples only Ti, B and the Ti → B cuts (`stitch_cfg_ids`); its S
//!   instance is never loaded nor used, and its three-instance chains are never sampled. Here
//!   every pair of [`LearngenePoolConfig::pairs`] (default: all three) contributes its cuts and
//!   every instance is a descendant; chains of three instances are not built.
//! - Stitch layers into an instance narrower than the ancestry (Ti → S) start from the composed
//!   map `M_Tiᵀ·M_S` (Ti → ancestry → S); the official code has no rule for them.
//! - Both stages anneal the learning rate by a cosine to 1% (the official schedule flags are
//!   not in the repository); no mixup, label smoothing, drop-path or EMA.
//! - Presets: [`LearngenePoolConfig::new`] is the paper's (DeiT-B → 9-block Ti/S/B),
//!   [`LearngenePoolConfig::small`] the CPU one (32 px, patch 8, ancestry 6 blocks at width
//!   96, instances 3 blocks at 24/48/96), [`LearngenePoolConfig::digits`] the tests' (8×8
//!   digits, patch 4, ancestry 6 blocks at width 32, instances 3 blocks at 16/24/32).
//! - The paper's ancestry is a pretrained DeiT-B; here it is whatever [`Vit`](crate::vit::Vit)
//!   the caller trained (the tests train one on the digits first).

mod config;
mod descendant;
mod distill;
mod error;
mod finetune;
mod loss;
mod model;

pub use config::{AuxiliaryConfig, DistillConfig, FinetuneConfig, LearngenePoolConfig, MatchPoints};
pub use descendant::{Descendant, paired_stitching, stitch_layer_of, stitch_layers_per_pair};
pub use distill::{Auxiliary, Distillation};
pub use error::LearngeneError;
pub use finetune::PoolStage;
pub use loss::{DistillationTerms, learngene_distillation_loss, mse, soft_cross_entropy};
pub use model::{DescendantNet, LearngenePool, PairStitches};
