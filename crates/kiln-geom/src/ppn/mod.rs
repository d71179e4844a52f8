//! The Parallel Perception Network (PPN): S. Sah and S. Chinara, "Parallel Neural Computing
//! for Scene Understanding from LiDAR Perception in Autonomous Racing", arXiv 2412.18165
//! (2024); reference notebook `suwesh/Parallel-Perception-Network/scene-evo-hwacc.ipynb`.
//!
//! Two independent nets read the same raw LiDAR sweeps, each building its own bird's-eye view
//! (BEV) on its own device, so they run in parallel ([`parallel`]):
//!
//! - [`bev_stack`]: 0.2 m cells on a 1000² grid, 50 z-layers; the max layer per cell binarised
//!   at layer > 0 (`occ = [max h ≥ Δz]`, `h` the height above the ground); `T = 16` frames
//!   stacked as channels. Built on [`crate::lidar::rasterize`].
//! - [`encoder`]: conv-BN-LeakyReLU(0.01) stages, `32 · 2^s` channels (32 → 1024 over 6
//!   stages), 2×2 max-pools, pooled side branches from the raw stack.
//! - [`segnet`]: the encoder, a transposed-conv decoder with U-Net skips and a softmax over
//!   {empty, wall, car}; loss `SmoothL1 + MSE`, Adam 10⁻⁴.
//! - [`recon`]: the same encoder, a decoder without skips, distilled from the segmentation
//!   output with [`loss::mssce`]: `MSSCE = α(MSE + SmoothL1) + (1−α)(MSE + SmoothL1 on Sobel
//!   edges)`, α = 0.85; Adam 10⁻³ until the loss is below 0.1 ([`train`]).
//! - [`data`], [`evaluate`], [`picture`]: windows of simulated frames
//!   ([`crate::lidar::RaceSim`]), next-frame occupancy IoU against persistence and
//!   all-occupied baselines, PNGs.
//! - [`config`]: [`PpnConfig::new`] (the paper) and [`PpnConfig::small`] (0.5 m, 128², 8
//!   frames, 4 stages of 8 → 64 channels).
//!
//! ```ignore
//! let ppn = PpnConfig::small().init(&device)?;
//! let out = ppn.infer_parallel([&dev_a, &dev_b], &scans)?; // scans: the last T sweeps
//! ```
//!
//! # Deviations from the paper and notebook
//!
//! - **Target.** The notebook regresses the next 16 scans against a 1-channel output (the
//!   shapes broadcast and do not match). We predict the **next frame** as {empty, wall, car},
//!   from the simulator's labels of the points above the ground layer
//!   ([`bev_stack::BevStack::classes`]), as softmax probabilities regressed on the one-hot
//!   target with the paper's `SmoothL1 + MSE`.
//! - **Edges.** The notebook's Canny edges are computed in numpy and carry no gradient; we use
//!   the Sobel operator as a fixed convolution ([`loss::sobel`]) and compare both gradient
//!   components, so the edge term trains the net.
//! - **Side branches.** The notebook is not in our index; "pooled side branches" is read as a
//!   1×1 conv-BN-LeakyReLU of the raw stack average-pooled to each stage's scale, added to the
//!   stage's pooled input ([`encoder`]).
//! - **Padding.** 1000 is not a multiple of `2⁵ = 32` (6 stages, 5 pools): the nets zero-pad
//!   the grid to 1024² and crop their outputs ([`PpnConfig::padded_cells`]).
//! - **Early stop.** Kiln's engine stops on a stalled validation metric, not on a loss
//!   threshold; the reconstruction phase runs in rounds and stops after the first round whose
//!   loss is below 0.1 (a fresh Adam each round; [`train`]). Our 3-class probability maps reach
//!   0.1 before the net ranks the classes, so `PpnTraining::recon_min_epochs` can require a few
//!   epochs first (1, the paper's rule, by default).
//! - **Rates.** The paper trains the segmentation net with Adam at 10⁻⁴; the CPU reproduction
//!   trains for a few hundred steps only and uses a larger rate (see the results page).
//! - **Hardware.** The paper reports 2× over sequential on two T4 GPUs (the notebook measures
//!   0.326 s vs 0.232 s per frame, ≈ 1.4×). On CPU each net gets its own flex device and a
//!   1-thread rayon pool ([`parallel::BranchPools`]).

pub mod bev_stack;
pub mod config;
pub mod data;
pub mod encoder;
pub mod evaluate;
pub mod loss;
pub mod model;
pub mod parallel;
pub mod picture;
pub mod recon;
pub mod segnet;
pub mod train;

pub use bev_stack::{BevStack, PpnClass};
pub use config::PpnConfig;
pub use data::{FrameRaster, PpnBatch, PpnSource};
pub use evaluate::{PpnScores, evaluate_occupancy};
pub use model::{Branch, Ppn};
pub use parallel::{BranchPools, PpnOutput, with_cpu_threads};
pub use train::{PpnStage, PpnTrained, PpnTraining, train_ppn};
