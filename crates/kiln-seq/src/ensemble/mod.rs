//! Ensemble of one-dimensional CNNs for skeleton-based action recognition.
//!
//! Yangyang Xu and Lei Wang, "Ensemble One-dimensional Convolution Neural Networks for
//! Skeleton-based Action Recognition", arXiv 1801.01080 (2018). No official code was found;
//! this is a reimplementation from the paper's description.
//!
//! A sequence of `T` frames of `J` joints is a `[J·3, T]` signal: the coordinates are the
//! channels and the convolutions run over time.
//!
//! - [`BaseNet`]: `ReLU(BN(Conv_k(x)))`, residual blocks
//!   `h ← ReLU(BN(Conv_k(ReLU(BN(Conv_k h)))) + P h)`, global average pooling over time
//!   `z = (1/T) Σ_t h_t`, a linear classifier.
//! - Four subnets, trained independently with cross-entropy
//!   `L = −(1/B) Σ_b log softmax(f(x_b))_{y_b}`:
//!   1. [`TwoStreamNet`]: a temporal stream and a stream convolving along the joints of each
//!      frame (max over joints), their pooled features concatenated.
//!   2. [`BodyPartNet`]: one Base-Net stem per body part (torso, arms, legs), concatenated
//!      along the channels, then shared residual temporal layers.
//!   3. [`AttentionNet`]: squeeze-and-excitation after every residual block,
//!      `s = σ(W₂ ReLU(W₁ z))`, and frame attention `α = softmax_t(v·h_t)` as the pooling.
//!   4. [`FrameDiffNet`]: a Base-Net on `d_t = x_{t+1} − x_t`.
//! - Late fusion ([`Ensemble::forward`], [`fuse_scores`]):
//!   `p(y | x) = (1/4) Σ_k softmax(f_k(x))_y`. Diversity between the subnets is the point:
//!   [`evaluate_ensemble`] reports each subnet's accuracy, the fusion's, and the pairwise
//!   disagreement `D(a, b) = (1/N) Σ_n [ŷ_a(x_n) ≠ ŷ_b(x_n)]`.
//!
//! # Unverified choices and deviations
//!
//! Section 3 of the paper (depths, kernels, widths, schedule) was not available when this was
//! written; these choices are ours and **unverified**:
//! - Base-Net: stem + `blocks` residual blocks of two `same`-padded convolutions, width 128,
//!   4 blocks, temporal kernel 9 ([`EnsembleConfig::new`]); [`EnsembleConfig::small`] is 24,
//!   2 and 5. Dropout before every classifier.
//! - Two-stream: the joint stream treats the `3 × J` coordinates of a frame as a 1-D signal
//!   along the joint index (kernel 3), max-pooled over joints, then one residual temporal
//!   block; the streams are fused by concatenating pooled features (not by averaging scores).
//! - Body-part: parts are torso / arms / legs ([`default_parts`]); each stem is one
//!   `Conv → BN → ReLU`, not a whole Base-Net.
//! - Attention: SE ratio 8 (4 in the CPU preset) after every block; frame attention is a
//!   softmax over time of a linear score, used as the temporal pooling.
//! - Training: Adam at 1e-3, 100 epochs, batch 64, cosine decay ([`EnsembleConfig::new`]);
//!   inputs translated so that the root joint of the first frame is the origin
//!   ([`SkeletonSource`]); no data augmentation.
//! - Fusion is the plain mean of the four softmax outputs (no learned weights).
//!
//! Data: [`crate::synth::skeleton`] generates 8 parametric actions offline, and
//! [`crate::io::ntu`] reads NTU RGB+D `.skeleton` files into the same `[T, J, 3]` layout.

mod attention;
mod base;
mod body_part;
mod config;
mod data;
mod frame_diff;
mod fusion;
mod train;
mod two_stream;

pub use attention::{AttentionNet, FrameAttention, SeAttention};
pub use base::{BaseNet, ConvBn, ResBlock1d, Trunk, time_mean};
pub use body_part::BodyPartNet;
pub use config::{EnsembleConfig, EnsembleTraining, default_parts};
pub use data::{SkeletonBatch, SkeletonSource};
pub use frame_diff::{FrameDiffNet, frame_difference};
pub use fusion::{
    CONFIG_FILE, Ensemble, EnsembleEvaluation, SubnetKind, WEIGHTS_FILE, disagreement, evaluate_ensemble, fuse_scores,
    load_ensemble, save_ensemble,
};
pub use train::{EnsembleRun, subnet_dir, train_ensemble, training_phase};
pub use two_stream::TwoStreamNet;
