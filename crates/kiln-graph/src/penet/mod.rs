//! PE-Net (Zheng, Lyu, Gao, Dai, Song, "Prototype-based Embedding Network for Scene Graph
//! Generation", CVPR 2023; reference code `VL-Group/PENET`, class `PrototypeEmbeddingNetwork`
//! in `roi_relation_predictors.py`), as a PredCls predicate classifier.
//!
//! - Entities ([`entity`]): `s = W_s t_s + g_s ⊙ h(x_s)`, `g_s = σ(Linear[W_s t_s ; h(x_s)])`,
//!   then `s ← LayerNorm(Dropout(ReLU(Linear s)) + s)`; the same for `o`. `t`: class word
//!   vector; `x`: visual feature; `W: word → m/2 → m`, `h: m → 2m → m`.
//! - Relation ([`model`]): `F = ReLU(s + o) − (s − o)²`, `r = F − g_p ⊙ h(x_u)` with
//!   `g_p = σ(Linear[F ; h(x_u)])`, the same residual block.
//! - Prototypes `c_k = W_p t_k`; `r` and `c` go through `P(Dropout(ReLU(·)))`, P the shared
//!   projection head `m → m → 2m`; logits `cos(r, c_k) · exp(ℓ)`, `ℓ₀ = ln(1/0.07)`.
//! - Losses ([`loss`]), weight 1 each: CE; `max(0, ‖r − c₊‖² − mean of the 10 nearest
//!   ‖r − c₋‖² + 1)`; `‖Ĉ sg(Ĉ)ᵀ‖₂,₁ / K²`; `mean_k max(0, 7 − min_{j≠k} ‖c_k − sg(c_j)‖²)`.
//! - Baseline ([`baseline`]): a linear softmax head on `[t_s ‖ t_o ‖ x_s ‖ x_o ‖ x_u]`.
//! - Data ([`scenes`](mod@scenes)): seeded procedural scenes, 50 object classes, 30
//!   long-tailed predicates (+ background) ruled by subject group, object group and relative
//!   box direction.
//! - Metrics ([`metrics`]): graph-constrained R@K and mR@K, K = 20/50/100.
//! - Training ([`train`]): all pairs of a batch of scenes, Adam, on the kiln-core engine.
//!
//! Sizes: [`PeNetConfig::new`] has the official ones (word 300, `PENET_MLP_DIM` = 2048 — the
//! predictor hard-codes `self.mlp_dim = 2048` beside the commented-out config key — so
//! `W: 300 → 1024 → 2048`, `h: 2048 → 4096 → 2048`, projection `2048 → 2048 → 4096`, dropout
//! 0.2, ROI and union features 4096); [`PeNetConfig::small`]: word 32, `W: 32 → 64 → 128`.
//!
//! **Checked against the official code.**
//! - Gates: `gate_sub/obj` read `[W t ; h(x)]`, but `gate_pred` reads `[F ; h(x_u)]` (not
//!   `W_p t`), and `h` (`vis2sem`) is one module shared by subject, object and union.
//! - `post_emb: entity_dim → 2m` viewed as `[n, 2, m]`: index 1 is the subject's `x_s`, index 0
//!   the object's `x_o`; the union feature first goes through `down_samp` (`union → m → m`).
//! - The residual block `LayerNorm(Dropout(ReLU(Linear(·))) + ·)` follows `s`, `o` and `r`
//!   (not `c`); `r` and `c` then pass `ReLU`, dropout and the shared `project_head`.
//! - `L_euc` (`loss_dis`) uses the *projected, unnormalised* `r`, `c`; the official code zeroes
//!   the positive, sorts ascending and sums the first 11 / 10, i.e. the mean of the 10 nearest
//!   negatives; nothing is detached.
//! - `‖S‖₂,₁` (`l21_loss`): `S = Ĉ @ Ĉ.detach()ᵀ` on the normalised projected prototypes
//!   (right side detached), `Σ_i ‖S_i‖₂ / (51·51)`, i.e. divided by K².
//! - `dist_loss2`: `D_ij = ‖c_i − c_j.detach()‖²` on the projected unnormalised prototypes;
//!   `sorted[:, :2].sum()` = the zero diagonal + the nearest other; `mean max(0, 7 − d⁻)`.
//! - Background is predicate 0 and takes part in every loss and in the prototype regularisers.
//! - All added losses and CE are summed with weight 1 (`relation_head.py` returns the dict).
//! - Evaluation (`sgg_eval.py`): per pair `argmax_{k≥1}` of the softmax scores, ranked by score;
//!   `mR` divides by all non-background predicates.
//!
//! **Deviations.** The word vectors are the scenes' synthetic ones (not GloVe) and trained, as
//! the official `nn.Embedding`s are; there is no object-label refinement branch
//! (`refine_obj_labels`, unused in PredCls); pair features are gathered before `post_emb`
//! (the same function row-wise); the constants 51/K and k₁ follow the actual K, with
//! `k₁ = min(10, K − 1)` when there are fewer negatives; the official PredCls evaluation's
//! `rel_nms` re-ranking is not applied (plain Motifs graph-constrained recall), and triples
//! match by object index rather than by class and IoU ≥ 0.5 (identical boxes in PredCls);
//! training uses Adam on whole synthetic scenes, not the official SGD schedule on VG150.
//!
//! **On the procedural scenes** (test `penet::learning`, seed 11; 5 object groups, 250
//! training and 100 test scenes, `mlp_dim` 64, 20 epochs): PE-Net mR@20/50/100
//! 0.454/0.503/0.503 (R@50 0.520) against the linear head's 0.156/0.257/0.270 (R@50 0.394); at
//! the default spec (10 groups, 400 scenes, [`PeNetConfig::small`]) 0.222/0.236/0.236 against
//! 0.057/0.072/0.074. As in the paper, the gain is in mean recall over the tail.

pub mod baseline;
pub mod config;
pub mod entity;
pub mod loss;
pub mod metrics;
pub mod model;
pub mod scenes;
pub mod train;

pub use baseline::LinearHead;
pub use config::PeNetConfig;
pub use entity::{EntityEmbedding, Mlp2, VisualToSemantic};
pub use loss::{
    PeNetLossConfig, PeNetLosses, euclidean_relation_loss, penet_losses, prototype_distance_loss, prototype_l21,
    squared_distances,
};
pub use metrics::{RECALL_KS, RecallAccumulator, SceneGraphRecall, ranked_predictions};
pub use model::{PairBatch, PeNet, PeNetForward, fusion};
pub use scenes::{BUCKETS, Scene, SceneSpec, Scenes, UNION_DIM, bucket, long_tail_counts, scenes};
pub use train::{
    PeNetTraining, SceneGraphOutcome, SceneSource, evaluate_recall, pair_batch, scene_config, train_linear_head,
    train_penet,
};
