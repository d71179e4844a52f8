//! MGD: multi-granularity distillation for semi-supervised semantic segmentation (Qin, Wang,
//! Zhou, Li, Yan, Zhu, Xu, "Multi-Granularity Distillation Scheme Towards Lightweight
//! Semi-Supervised Semantic Segmentation", ECCV 2022; official code JayQine/MGD-SSSS,
//! `exp.voc/voc8.resnet18_deeplabv3plus/{train.py, config.py, criterion.py, network.py}`).
//!
//! A lightweight student (ResNet-18 DeepLabv3+) learns from two complementary teachers, a wide
//! one (WRN-34-2) and a deep one (ResNet-101), all DeepLabv3+. With labelled images `x, y`,
//! unlabelled draws `u₀, u₁`, a CutMix box mask `m` and `mix(a, b, m) = a(1 − m) + b·m`:
//!
//! - **pixel level** (bidirectional consistency): for each teacher t,
//!   `CE(s(ũ), ŷ_t) + CE(t(ũ), ŷ_s)` on the mixed image `ũ = mix(u₀, u₁, m)`, where
//!   `ŷ_n = argmax mix(n(u₀), n(u₁), m)` are each network's predictions on the *unmixed*
//!   draws, mixed by the same mask; and the same on `x` with each network's own arg-max;
//! - **image level** (semantic-sensitive): `λ₁ Σ_{b,k} |GAP(s(ũ)) − GAP(d(ũ))|`, λ₁ = 0.002,
//!   against the deep teacher d;
//! - **region level** (content-aware): decoder features pooled to 7×7, cosine self-similarity
//!   `S = Q̂ᵀQ̂` (49×49), `λ₂ · MSE(S_s, S_w)`, λ₂ = 100, against the wide teacher w;
//! - supervised `CE(n(x), y)` for all three networks.
//!
//! Modules: [`config`] ([`MgdConfig`]), [`segnet`] (a small DeepLabv3+-like segmenter),
//! [`cutmix`] (box masks, mixing), [`loss`] (every term and the pixel-KD baseline), [`data`]
//! (procedural part segmentation), [`train`] ([`MgdModel`], stages and the ablation
//! variants), [`metrics`] (mIoU).
//!
//! ```ignore
//! let cfg = MgdConfig::small();
//! let model = cfg.init(&device)?;
//! let phases = [cfg.phase("teachers", MgdStage::Teachers, 20), cfg.phase("mgd", MgdVariant::Mgd.stage(), 20)];
//! let (model, report) = Trainer::new(device).fit(model, &phases, &source, None)?;
//! ```
//!
//! ## Checked against the official code
//! - `train.py`: `model(·, step=1)` is the student (`branch1`), `step=2` the wide teacher
//!   (`branch2`, loaded from `teacher-voc8-wideresnet34.pth`), `step=3` the deep one (`branch3`,
//!   `teacher-voc8-resnet101.pth`). Mixed images are `u₀·(1 − m) + u₁·m` (the boxes show
//!   `u₁`); pseudo-labels are the arg-max of each network's logits on `u₀` and `u₁` mixed by the
//!   same mask (`logits_cons_tea_n`). `consist_loss1 = CE(s, ŷ_wide) + CE(wide, ŷ_s)`,
//!   `consist_loss2 = CE(s, ŷ_deep) + CE(deep, ŷ_s)` on the mixed image, and the same on the
//!   labelled batch with `argmax` of each network's own logits. `sem_sens_loss =
//!   λ₁·sum(|GAP(s) − GAP(deep)|)` on the mixed image; `content_loss = λ₂·mse(S(q_s), S(q_wide))`
//!   with `q` the 7×7 average pool of the feature each branch returns beside its logits
//!   (`v3plus_feature`, the decoder output, called `aspp_feat` in `train.py`). The loss is
//!   `loss_sup + loss_sup_r + loss_sup_3 + consist + sem + content`; CE is
//!   `nn.CrossEntropyLoss(mean, ignore_index=255)`.
//! - Optimisers: three SGD optimisers are built; `optimizer_l` (student) and `optimizer_r`
//!   (wide) are zeroed and stepped, `optimizer_3` (deep) never is. But `network.py`'s
//!   `Network.forward` runs steps 2 and 3 under `torch.no_grad()`, so neither teacher ever gets
//!   a gradient and stepping `optimizer_r` changes nothing: only the student learns. Kiln
//!   freezes both teachers ([`MgdStage::trainable`]); the teacher-side terms are added to the
//!   loss as constants, as in `train.py`, and logged.
//! - `criterion.py`: `CriterionCosineSimilarity(p, q) = pᵀq / (‖p‖‖q‖)` over channels, giving
//!   `[b, 49, 49]`; its `ep` is unused.
//! - `config.py`: λ₁ = 0.002, λ₂ = 100, lr 0.005, momentum 0.9, weight decay 1e-4, `lr_power`
//!   0.9 (`WarmUpPolyLR`, no warm-up), batch 16, 34 epochs, 512² crops, CutMix
//!   `prop_range (0.25, 0.5)`, 3 boxes, random aspect ratio, by area, within bounds, inverted
//!   (MGD's `mask_gen.py` is not in the indexed repository; a copy of French et al.'s
//!   `BoxMaskGenerator` (Britefury/cutmix-semisup-seg) in another repository was read: see
//!   [`cutmix`]).
//!
//! ## Deviations
//! - Networks: small CNN DeepLabv3+-likes ([`segnet`]), not ResNet-18 / WRN-34-2 / ResNet-101;
//!   the "wide" teacher is a wider trunk, the "deep" one has more residual blocks; the ASPP-lite
//!   concatenates its image-pooling branch (official ASPP adds it after the projection), uses
//!   no leaky ReLU and small dilation rates.
//! - Teachers are frozen with their batch norm on running statistics; the official teachers
//!   sit in `model.train()` under `no_grad`, so they normalise with batch statistics and keep
//!   updating their running statistics. Kiln pre-trains its teachers in
//!   [`MgdStage::Teachers`] (supervised on the labelled images only) instead of loading CPS
//!   checkpoints.
//! - Schedule: the engine has no poly schedule; [`MgdConfig::phase`] uses a cosine decay to 0
//!   (`lr_power` is recorded only). Weight decay spares batch-norm parameters and biases, as
//!   the TorchSeg-family `furnace/utils/init_func.py::group_weight` does (MGD's own copy is not
//!   indexed; copies in other repositories were read).
//! - Cosine norms are clamped at 1e-8 (official: bare division).
//! - The CE over a batch whose pixels are all ignored is 0 (PyTorch: NaN).
//! - The pixel-KD baseline (`T²·KL` per pixel, on labelled and unlabelled images, weight 1,
//!   T = 1) is Kiln's; the paper's KD comparison settings were not checked.
//! - [`MgdConfig::small`] uses lr 0.05 and batch 8 on 32-px procedural images; the unlabelled
//!   batch equals the labelled batch size, and an epoch has
//!   `⌈max(labelled, unlabelled)/batch⌉` steps (the official `niters_per_epoch` floors the
//!   quotient and its loaders drop the last partial batch).
//!
//! ## Measured (CPU, one seed)
//! `tests/semi/mgd/train.rs::ablation` (ignored; about 6 minutes on 2 shared cores):
//! [`MgdConfig::small`], 256 training images (32 labelled), 64 test images, teachers 20
//! epochs, students 10 epochs. Test mIoU: all-background 0.175; wide teacher 0.718, deep
//! teacher 0.704; student supervised 0.693, pixel KD 0.714, MGD 0.699, MGD − pixel 0.476,
//! MGD − image 0.705, MGD − region 0.728. At this scale the tiny student nearly matches its
//! teachers, so there is little to distil, and the region term at λ₂ = 100 dominates the loss
//! of a freshly initialised student (≈ 23 against a student CE of ≈ 2 in the first steps, see
//! `an_mgd_phase_trains_the_student_only_and_logs_its_terms`): without the pixel term it costs
//! 0.22 mIoU, and dropping it gains 0.03. λ₂ was not re-tuned here. The region term's 7×7
//! pooling averages ~2–3 positions per cell of the 16×16 decoder features here against ~18×18
//! of the official 128×128 ones, so the self-similarity matrices are far less smooth and
//! λ₂ = 100 does not carry over; the paper's backbones are also ImageNet-pretrained (its
//! decoder heads, which the region term reads, are not).

pub mod config;
pub mod cutmix;
pub mod data;
pub mod loss;
pub mod metrics;
pub mod segnet;
pub mod train;

pub use config::MgdConfig;
pub use cutmix::{BoxMask, BoxMaskGenerator, mix, mix_labels};
pub use data::{SegBatch, SegExample, SegSource, UnlabelledPair, part_segmentation, split_labelled};
pub use metrics::{SegMetrics, all_background_miou, evaluate};
pub use segnet::{SegNet, SegNetConfig, SegOutput};
pub use train::{
    MgdData, MgdModel, MgdStage, MgdTerms, MgdVariant, MgdWeights, Teacher, train_student, train_teachers,
};
