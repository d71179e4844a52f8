//! [`MgdModel`]: the student and the two teachers as one [`TrainModel`], with a typed stage
//! ([`MgdStage`]) for the supervised baseline, teacher pre-training, the pixel-KD baseline and
//! MGD with per-term switches (the "minus each loss" ablation, [`MgdVariant`]).
//!
//! An MGD step on labelled images `x, y` and unlabelled draws `u₀, u₁` with CutMix mask `m`
//! (`train.py`, student s, wide teacher w, deep teacher d):
//!
//! - pseudo-labels: `ŷ_n = argmax mix(n(u₀), n(u₁), m)` for n ∈ {s, w, d}, each network's
//!   logits on the *unmixed* draws mixed by the mask;
//! - on `ũ = mix(u₀, u₁, m)`: pixel consistency `CE(s(ũ), ŷ_w) + CE(w(ũ), ŷ_s) + CE(s(ũ), ŷ_d)
//!   + CE(d(ũ), ŷ_s)`; image level `λ₁ Σ|GAP s(ũ) − GAP d(ũ)|`; region level
//!   `λ₂ MSE(S(f_s(ũ)), S(f_w(ũ)))` on the decoder features;
//! - on `x`: the same pixel consistency with each network's own arg-max, and `CE(s(x), y) +
//!   CE(w(x), y) + CE(d(x), y)`.
//!
//! The loss is their sum, as in `train.py`. The teachers run without gradient (the official
//! `Network.forward` wraps branches 2 and 3 in `torch.no_grad()`), so every teacher-side term
//! is a logged constant and only the student learns: [`MgdStage::trainable`] freezes both
//! teachers, which also runs their batch norm on running statistics.

use burn::module::Module;
use burn::prelude::{Device, Int, Tensor};
use kiln_core::train::{Report, StepContext, StepOutput, TrainModel, Trainable, Trainer};

use super::config::MgdConfig;
use super::cutmix::mix;
use super::data::{SegBatch, SegExample, SegSource, part_segmentation, split_labelled};
use super::loss::{
    argmax_labels, image_level_loss, pixel_consistency, pixel_cross_entropy, pixel_kd, pixel_rows, region_level_loss,
};
use super::metrics::evaluate;
use super::segnet::{SegNet, SegOutput};
use crate::error::Result;

/// Loss settings carried by the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MgdWeights {
    /// λ₁ of the image-level loss.
    pub lambda_image: f64,
    /// λ₂ of the region-level loss.
    pub lambda_region: f64,
    /// Side of the region-level pooled grid.
    pub region_pool: usize,
    /// Temperature of the pixel-KD baseline.
    pub kd_temperature: f64,
    /// Ignored label.
    pub ignore_index: i64,
}

/// Which teacher the KD baseline distils.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Teacher {
    /// The wide teacher.
    #[default]
    Wide,
    /// The deep teacher.
    Deep,
}

/// Which MGD terms are on (the supervised cross-entropy always is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MgdTerms {
    /// Pixel-level bidirectional consistency with both teachers.
    pub pixel: bool,
    /// Image-level semantic-sensitive loss against the deep teacher.
    pub image: bool,
    /// Region-level content-aware loss against the wide teacher.
    pub region: bool,
}

impl MgdTerms {
    /// Every term.
    pub const ALL: Self = Self { pixel: true, image: true, region: true };
}

/// What a phase trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MgdStage {
    /// The student on the labels alone.
    #[default]
    Supervised,
    /// Both teachers on the labels (the official teachers arrive pre-trained by CPS).
    Teachers,
    /// The student on the labels plus pixel KD to a teacher on labelled and unlabelled images.
    Kd(Teacher),
    /// The student with the MGD terms that are on.
    Mgd(MgdTerms),
}

impl MgdStage {
    /// The parameters this stage trains: the teachers in [`MgdStage::Teachers`], the student
    /// otherwise.
    pub fn trainable(&self) -> Trainable {
        match self {
            Self::Teachers => Trainable::only(["wide", "deep"]),
            _ => Trainable::only(["student"]),
        }
    }
}

/// The rows of the ablation table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MgdVariant {
    /// Labels only.
    Supervised,
    /// Labels + pixel KD from the wide teacher.
    Kd,
    /// Full MGD.
    Mgd,
    /// MGD without the pixel-level term.
    NoPixel,
    /// MGD without the image-level term.
    NoImage,
    /// MGD without the region-level term.
    NoRegion,
}

impl MgdVariant {
    /// Every variant, in table order.
    pub const ALL: [Self; 6] = [Self::Supervised, Self::Kd, Self::Mgd, Self::NoPixel, Self::NoImage, Self::NoRegion];

    /// The row label.
    pub fn name(self) -> &'static str {
        match self {
            Self::Supervised => "supervised",
            Self::Kd => "pixel KD",
            Self::Mgd => "MGD",
            Self::NoPixel => "MGD − pixel",
            Self::NoImage => "MGD − image",
            Self::NoRegion => "MGD − region",
        }
    }

    /// The stage that trains the student of this variant.
    pub fn stage(self) -> MgdStage {
        let all = MgdTerms::ALL;
        match self {
            Self::Supervised => MgdStage::Supervised,
            Self::Kd => MgdStage::Kd(Teacher::Wide),
            Self::Mgd => MgdStage::Mgd(all),
            Self::NoPixel => MgdStage::Mgd(MgdTerms { pixel: false, ..all }),
            Self::NoImage => MgdStage::Mgd(MgdTerms { image: false, ..all }),
            Self::NoRegion => MgdStage::Mgd(MgdTerms { region: false, ..all }),
        }
    }
}

/// The student and the two teachers.
#[derive(Module, Debug)]
pub struct MgdModel {
    /// The student.
    pub student: SegNet,
    /// The wide teacher.
    pub wide: SegNet,
    /// The deep teacher.
    pub deep: SegNet,
    /// Loss settings.
    #[module(skip)]
    pub weights: MgdWeights,
}

/// A network's outputs without gradient.
fn fixed(net: &SegNet, images: Tensor<4>) -> SegOutput {
    let out = net.forward(images);
    SegOutput { logits: out.logits.detach(), features: out.features.detach(), aspp: out.aspp.detach() }
}

/// `[b, h, w]` labels as `[b·h·w]`.
fn flat(labels: Tensor<3, Int>) -> Tensor<1, Int> {
    let [b, h, w] = labels.dims();
    labels.reshape([b * h * w])
}

impl MgdModel {
    fn ce(&self, logits: Tensor<4>, labels: Tensor<3, Int>) -> Tensor<1> {
        pixel_cross_entropy(logits, labels, self.weights.ignore_index)
    }

    fn teacher(&self, which: Teacher) -> &SegNet {
        match which {
            Teacher::Wide => &self.wide,
            Teacher::Deep => &self.deep,
        }
    }

    fn supervised(&self, net: &SegNet, batch: SegBatch) -> StepOutput {
        let logits = net.logits(batch.images);
        let loss = self.ce(logits.clone(), batch.labels.clone());
        StepOutput::classification(loss.clone(), pixel_rows(logits), flat(batch.labels)).with_term("ce", loss)
    }

    fn teachers(&self, batch: SegBatch) -> StepOutput {
        let wide = self.wide.logits(batch.images.clone());
        let ce_wide = self.ce(wide.clone(), batch.labels.clone());
        let ce_deep = self.ce(self.deep.logits(batch.images), batch.labels.clone());
        StepOutput::classification(ce_wide.clone() + ce_deep.clone(), pixel_rows(wide), flat(batch.labels))
            .with_term("ce_wide", ce_wide)
            .with_term("ce_deep", ce_deep)
    }

    fn kd(&self, batch: SegBatch, which: Teacher) -> StepOutput {
        let t = self.weights.kd_temperature;
        let teacher = self.teacher(which);
        let student = self.student.logits(batch.images.clone());
        let ce = self.ce(student.clone(), batch.labels.clone());
        let mut kd = pixel_kd(student.clone(), fixed(teacher, batch.images).logits, t);
        if let Some(u) = batch.unlabelled {
            kd = kd + pixel_kd(self.student.logits(u.first.clone()), fixed(teacher, u.first).logits, t);
        }
        StepOutput::classification(ce.clone() + kd.clone(), pixel_rows(student), flat(batch.labels))
            .with_term("ce", ce)
            .with_term("kd", kd)
    }

    fn mgd(&self, batch: SegBatch, terms: MgdTerms) -> StepOutput {
        let w = self.weights;
        let ig = w.ignore_index;
        let student = self.student.forward(batch.images.clone()).logits;
        let wide = fixed(&self.wide, batch.images.clone()).logits;
        let deep = fixed(&self.deep, batch.images).logits;
        let ce_student = self.ce(student.clone(), batch.labels.clone());
        let ce_teachers = self.ce(wide.clone(), batch.labels.clone()) + self.ce(deep.clone(), batch.labels.clone());
        let mut loss = ce_student.clone() + ce_teachers.clone();
        let mut pixel = None;
        if terms.pixel {
            let (ys, yw, yd) =
                (argmax_labels(student.clone()), argmax_labels(wide.clone()), argmax_labels(deep.clone()));
            pixel = Some(
                pixel_consistency(student.clone(), wide, ys.clone(), yw, ig)
                    + pixel_consistency(student.clone(), deep, ys, yd, ig),
            );
        }
        let (mut image, mut region) = (None, None);
        if let Some(u) = batch.unlabelled {
            let mixed_images = mix(u.first.clone(), u.second.clone(), u.mask.clone());
            let s = self.student.forward(mixed_images.clone());
            let wm = fixed(&self.wide, mixed_images.clone());
            let dm = fixed(&self.deep, mixed_images);
            if terms.pixel {
                let pseudo = |net: &SegNet| {
                    let a = fixed(net, u.first.clone()).logits;
                    let b = fixed(net, u.second.clone()).logits;
                    argmax_labels(mix(a, b, u.mask.clone()))
                };
                let (ps, pw, pd) = (pseudo(&self.student), pseudo(&self.wide), pseudo(&self.deep));
                let unlabelled = pixel_consistency(s.logits.clone(), wm.logits.clone(), ps.clone(), pw, ig)
                    + pixel_consistency(s.logits.clone(), dm.logits.clone(), ps, pd, ig);
                pixel = Some(match pixel {
                    Some(labelled) => labelled + unlabelled,
                    None => unlabelled,
                });
            }
            if terms.image {
                image = Some(image_level_loss(s.logits, dm.logits) * w.lambda_image);
            }
            if terms.region {
                region = Some(region_level_loss(s.features, wm.features, w.region_pool) * w.lambda_region);
            }
        }
        for term in [&pixel, &image, &region].into_iter().flatten() {
            loss = loss + term.clone();
        }
        let mut out = StepOutput::classification(loss, pixel_rows(student), flat(batch.labels))
            .with_term("ce_student", ce_student)
            .with_term("ce_teachers", ce_teachers);
        for (name, term) in [("pixel", pixel), ("image", image), ("region", region)] {
            if let Some(t) = term {
                out = out.with_term(name, t);
            }
        }
        out
    }
}

impl TrainModel for MgdModel {
    type Batch = SegBatch;
    type Stage = MgdStage;

    fn step(&self, batch: SegBatch, ctx: &StepContext<MgdStage>) -> StepOutput {
        if !ctx.training {
            let net = if ctx.stage == MgdStage::Teachers { &self.wide } else { &self.student };
            return self.supervised(net, batch);
        }
        match ctx.stage {
            MgdStage::Supervised => self.supervised(&self.student, batch),
            MgdStage::Teachers => self.teachers(batch),
            MgdStage::Kd(which) => self.kd(batch, which),
            MgdStage::Mgd(terms) => self.mgd(batch, terms),
        }
    }
}

/// The data of an MGD experiment.
#[derive(Debug, Clone)]
pub struct MgdData {
    /// Labelled training images.
    pub labelled: Vec<SegExample>,
    /// Unlabelled training images.
    pub unlabelled: Vec<SegExample>,
    /// Held-out images for the mIoU.
    pub test: Vec<SegExample>,
}

impl MgdData {
    /// `train` procedural images of `cfg.image_size` split by `cfg.labelled_fraction`, and
    /// `test` more from another seed.
    ///
    /// # Errors
    /// From [`part_segmentation`] and [`split_labelled`].
    pub fn procedural(cfg: &MgdConfig, train: usize, test: usize) -> Result<Self> {
        let all = part_segmentation(cfg.image_size, train, cfg.seed)?;
        let (labelled, unlabelled) = split_labelled(&all, cfg.labelled_fraction, cfg.seed)?;
        let test = part_segmentation(cfg.image_size, test, cfg.seed.wrapping_add(1))?;
        Ok(Self { labelled, unlabelled, test })
    }

    /// The training source (labelled and unlabelled, shuffled with `cfg.seed`).
    pub fn source(&self, cfg: &MgdConfig) -> SegSource {
        let mut source = SegSource::new(self.labelled.clone(), self.unlabelled.clone(), cfg.batch_size, Some(cfg.seed));
        source.cutmix = cfg.cutmix();
        source
    }
}

/// A fresh model whose teachers are trained for `epochs` in [`MgdStage::Teachers`] on
/// `data`'s labelled images.
///
/// # Errors
/// From [`MgdConfig::init`] and the trainer.
pub fn train_teachers(cfg: &MgdConfig, data: &MgdData, epochs: usize, device: &Device) -> Result<(MgdModel, Report)> {
    let model = cfg.init(device)?;
    let phases = [cfg.phase("teachers", MgdStage::Teachers, epochs)];
    Ok(Trainer::new(device.clone()).with_seed(cfg.seed).fit(model, &phases, &data.source(cfg), None)?)
}

/// Trains a fresh student (the same initialisation for every variant) next to `teachers`'
/// teachers for `cfg.epochs` in `variant`'s stage; returns the model, the run's report and the
/// student's mIoU on `data.test`.
///
/// # Errors
/// From [`MgdConfig::init`] and the trainer.
pub fn train_student(
    cfg: &MgdConfig,
    teachers: &MgdModel,
    variant: MgdVariant,
    data: &MgdData,
    device: &Device,
) -> Result<(MgdModel, Report, f64)> {
    let mut model = teachers.clone();
    model.student = cfg.init(device)?.student;
    let phases = [cfg.phase(variant.name(), variant.stage(), cfg.epochs)];
    let (model, report) =
        Trainer::new(device.clone()).with_seed(cfg.seed).fit(model, &phases, &data.source(cfg), None)?;
    let miou = evaluate(&model.student, &data.test, cfg.num_classes, 32, device).miou();
    Ok((model, report, miou))
}
