//! Deep classification-by-components (Saralajew, Rana, Villmann, Shaker: "A Robust
//! Prototype-Based Network with Interpretable RBF Classifier Foundations", AAAI 2025,
//! arXiv 2412.15499; official code si-cim/cbc-aaai-2025, `deep_cbc/models/cbcnet.py` and
//! `cbc.py`), on images.
//!
//! - Backbone features `f(x) ∈ R^{K×H×W}` (one channel per component), a softmax over the
//!   channels at every position (`num_features = 0`: the add-on is `nn.Softmax(dim=1)`), and a
//!   global max-pool: detection `d_k(x) = max_{h,w} softmax_k(f(x)_{·,h,w}) ∈ [0, 1]`.
//! - The CBC head (`SlimClassificationByComponents`, one reasoning concept per class):
//!   trainable `R ∈ R^{2K×C}`, initialised `0.6 − 0.2·N(0, 1)`, decoded by a softmax over all
//!   `2K` rows per class into positive `P⁺` (rows `0..K`) and negative `P⁻` (rows `K..2K`)
//!   reasoning, `Σ_k (P⁺_kc + P⁻_kc) = 1`; class probability
//!   `p_c(x) = Σ_k P⁺_kc d_k + P⁻_kc (1 − d_k) = d·(P⁺ − P⁻) + Σ_k P⁻_kc ∈ [0, 1]`.
//! - Loss: the margin loss `ReLU(p⁻ − p⁺ + 0.025)` (`MarginLoss(similarity=True,
//!   margin=0.025)` in `cbcnet_executor.py`).
//! - Inference (`CBCNet.forward(inference=True)`, used by `eval_cbcnet`): detections below
//!   0.1 count as 0.
//! - `cub_resnet_config_base.yaml`: ResNet-50, 200 classes, batch 40, Adam (AdamW, decay 0),
//!   classifier-only fine-tuning 96 epochs at 4.5e-4, then end-to-end 144 epochs at 2.25e-4.
//!
//! Deviations, all deliberate:
//! - No PIPNet pretraining of the components (14 epochs of alignment and tanh losses on
//!   augmented pairs) and no ImageNet weights: training starts from random weights, so the
//!   head-only phase has nothing to fine-tune on; the presets train end to end.
//! - The default backbone is Kiln's ResNet with basic blocks in ResNet-34's layout
//!   `[3, 4, 6, 3]` (512 components) rather than torchvision's bottleneck ResNet-50 (2048), and
//!   the whole backbone trains (the official code freezes the stages before `layer2`).
//! - The small preset ([`DeepCbcConfig::small`]) is a CNN as deep as
//!   `CnnConfig::for_input` makes it for the image (5 blocks at 32 px, receptive field 78)
//!   with narrower blocks (16–64 channels, so 64 components), for CPU runs.
//! - Learning-rate schedules (`ReduceLROnPlateau`, cosine during pretraining) are constant
//!   rates.

mod config;
mod head;
mod model;
mod train;

pub use config::DeepCbcConfig;
pub use head::CbcHead;
pub use model::DeepCbc;
pub use train::DeepCbcTraining;
