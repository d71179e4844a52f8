//! SimCLRv2: Chen, Kornblith, Swersky, Norouzi and Hinton, "Big Self-Supervised Models are
//! Strong Semi-Supervised Learners", NeurIPS 2020 (arXiv 2006.10029); official code
//! google-research/simclr, `tf2/model.py`, `tf2/objective.py`, `tf2/run.py`, `tf2/README.md`,
//! `tf2/colabs/distillation_self_training.ipynb`.
//!
//! Three steps on a data set of which only a fraction is labelled:
//!
//! 1. **Pretraining** ([`pretrain`]) on all images without labels. Two random views of each of
//!    N images go through the encoder f (globally pooled) and the projection head g
//!    ([`head`]): `z = g(f(x))`. With the 2N projections and `s_ij = cos(z_i, z_j) / τ`, NT-Xent
//!    ([`nt_xent`]) is
//!    `ℓ_i = −log[exp(s_{i,p(i)}) / Σ_{k≠i} exp(s_ik)]`, summed over the 2N anchors and
//!    divided by N (the official scale), where `p(i)` is the other view of the same image.
//!    The head has 3 layers: `h₁ = ReLU(BN(W₁h₀))`, `h₂ = ReLU(BN(W₂h₁))`, `z = BN₀(W₃h₂)`
//!    (widths: encoder, encoder, 128; no dense bias; BN₀ without β).
//! 2. **Fine-tuning** ([`finetune`]) on the labelled subset ([`labels`]: a seeded fraction of
//!    each class): the encoder and the first head layer (`ft_proj_selector = 1`) under a new
//!    linear classifier, all trained, with cross-entropy.
//! 3. **Self-distillation** ([`distill`]) on all images: a student of the same encoder
//!    (without the projection head) minimises `−Σ_x Σ_y P^T(y|x; τ) log P^S(y|x; τ)` at
//!    τ = 1 against the fine-tuned teacher (fixed, evaluation mode), optionally plus `w ·`
//!    cross-entropy on the labelled images ([`crate::distill`]).
//!
//! [`supervised`] trains the same encoder with a linear classifier on the labelled subset only,
//! the baseline the semi-supervised steps must beat.
//!
//! ```ignore
//! let config = SimClrConfig::digits();
//! pretrain(&config, &images, BasicViews::digits(), &device, "runs/pre".as_ref())?;
//! let (labelled, unlabelled) = split_labelled(&images, 0.1, 0)?;
//! finetune(&FinetuneConfig::for_fraction(0.1), "runs/pre".as_ref(), &labelled, None, 10, &device, "runs/ft".as_ref())?;
//! distill(&DistillConfig::new(FinetuneConfig::new()), "runs/ft".as_ref(), &labelled, &unlabelled, None, &device, "runs/kd".as_ref())?;
//! ```
//!
//! # What the official code says, and where this differs
//!
//! Checked in the official code:
//! - Head (`tf2/model.py`, `ProjectionHead`, `LinearLayer`): `num_proj_layers = 3`; middle
//!   layers `Dense(width of their input)`, BN with β, ReLU; the last `Dense(proj_out_dim = 128)`,
//!   BN with `center=False`, no ReLU. `LinearLayer` drops the dense bias whenever it uses BN, so
//!   the middle layers' "bias" is BN's β. Kernels start from N(0, 0.01²).
//! - `ft_proj_selector` (`tf2/run.py`) picks `hiddens_list[k]`, where `hiddens_list[0]` is the
//!   head's input: 0 (the flag's default) fine-tunes from the encoder, 1 from the first head
//!   layer (the paper's choice, used here by default), −1 from the last.
//! - NT-Xent (`tf2/objective.py`, `add_contrastive_loss`): L2-normalised projections, the
//!   self-similarity masked with `LARGE_NUM = 1e9`, `loss = reduce_mean(loss_a + loss_b)`.
//! - Temperature: `tf2/run.py` defaults to τ = 0.1; the README's CIFAR-10 command uses 0.5.
//! - Pretraining (`tf2/README.md`, ImageNet): batch 4096, LARS, lr 0.075·√B
//!   (`learning_rate_scaling=sqrt`), weight decay 1e-4, `warmup_epochs = 10` (the flag's
//!   default), then cosine decay (`WarmUpAndCosineDecay`); LARS excludes BN and bias from weight
//!   decay and from the trust ratio.
//! - Distillation (`tf2/colabs/distillation_self_training.ipynb`): `add_kd_loss` is
//!   `reduce_mean(τ² · CE(softmax(t/τ), s/τ))` at τ = 1, as `kiln_core::nn::distillation_loss`;
//!   the teacher runs with `trainable=False`; the student is built fresh
//!   (`build_student_model()`, randomly initialised). The colab distils into a *smaller*
//!   ConvNet; it shows no self-distillation (same-architecture) initialisation, so the
//!   same-architecture student here is also randomly initialised.
//!
//! Deviations:
//! - **Optimiser**: pretraining defaults to kiln-core's LARS (momentum 0.9, weight decay 1e-4,
//!   trust coefficient 0.001, biases and BN parameters excluded) at 0.075·√B with 10 warm-up
//!   epochs and cosine decay, as the paper. Fine-tuning defaults to Adam at 1e-3 with a constant
//!   rate (the paper: LARS, cosine), and [`SimClrConfig::digits`] pretrains with Adam at 1e-3
//!   and τ = 0.2 (the setting measured on the digits). The warm-up is counted in optimiser
//!   steps of the run (`warmup_epochs × steps per epoch`), as `WarmUpAndCosineDecay`.
//! - **Encoder**: a kiln-core backbone (the small CNN or a basic-block ResNet), not the
//!   paper's ResNet-50/152 with selective kernels; no MoCo memory buffer.
//! - **BN without β** is burn's batch norm with β subtracted again after it (β's two gradient
//!   contributions cancel, so it stays at its initial 0 up to rounding). The linear
//!   classifier's bias also starts from N(0, 0.01²) (burn's initialiser covers weight and
//!   bias; official: zeros).
//! - **Fine-tuning from the last head layer** (`ft_proj_selector = −1`) is not offered.
//! - **No linear evaluation while pretraining** (`lineareval_while_pretraining`): pretraining
//!   reads no labels.
//! - **Augmentations**: the paper's crop-resize, colour distortion and blur are not here; views
//!   come from any [`ViewTransform`]: kiln-data's `SimClrAugment`, the official
//!   crop/flip/colour pipeline, or, for the digits, rotation, shift, noise and cutout
//!   ([`crate::augment::BasicViews::digits`], which the learning test and the results page
//!   use: on 10% of the labels it adds 2.1 points over supervised-only where `SimClrAugment`'s
//!   crop-resize adds 1.1, 5 seeds). Views are
//!   seeded by the data loader's batch seed (run seed, epoch, batch index), not by the step
//!   seed of the engine, which a batcher does not see; both are fixed by the run's seed.
//!   Inputs are the pixels in [0, 1] (no normalisation), as the official pipeline.
//! - **Label subset**: `round(fraction · n_c)` examples of every class `c`, seeded; the paper
//!   uses the fixed ImageNet subset lists.
//! - **Distillation objective**: `KD + w · CE_labelled` with `w = 0` by default (the paper's
//!   `α`-weighted sum, see [`crate::distill`]).
//! - **Fine-tuning and distillation augmentation**: `FinetuneConfig`'s shift of a few pixels
//!   (no flip); the official code fine-tunes on the pretraining crop (area 0.08–1) and flip,
//!   without colour. Every training loader drops its last partial batch, as the official
//!   `drop_remainder=is_training`.
//! - **Self-distillation student**: randomly initialised, with the teacher's encoder and no
//!   head layer (`DistillConfig::student_selector = 0`), as the paper's student "excluding the
//!   projection head"; 1 keeps the teacher's first head layer too.

pub mod config;
pub mod head;
pub mod labels;
pub mod loss;
pub mod model;
pub mod store;
pub mod train;

pub use crate::augment::ViewTransform;
pub use config::{LrScaling, SimClrConfig};
pub use head::{HeadLayer, ProjectionHead};
pub use labels::{LabelSplit, label_subset, split_labelled};
pub use loss::nt_xent;
pub use model::{SimClr, SimClrClassifier};
pub use store::ClassifierSpec;
pub use train::{DistillConfig, FinetuneConfig, accuracy, distill, finetune, pretrain, supervised};
