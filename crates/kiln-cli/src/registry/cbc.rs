//! The robust prototype models of `kiln train` (Saralajew et al., AAAI 2025): robust stable
//! CBC, stable CBC with the margin loss, and GLVQ, on images flattened to vectors.
//!
//! These models compare inputs with components in `[0, 1]^n`, so they see pixels, not the
//! normalised vectors the loaders produce: [`PixelInput`] undoes the channel normalisation
//! recorded in `config.json` before the model. Tables have no such range and are refused.

use burn::module::{Module, ModuleDisplay, Param};
use burn::prelude::{Device, Tensor, TensorData};
use kiln_core::train::{Phase, StepContext, StepOutput, TrainModel, TrainPhase, VectorBatch};
use kiln_proto::cbc::{CbcObjective, RobustCbcConfig, StableCbc};
use kiln_proto::glvq::{Glvq as GlvqModel, GlvqConfig};
use serde::{Deserialize, Serialize};

use super::classify::Classifier;
use super::robust::CertificateOf;
use crate::classify_data::{ClassifyData, Prepared};
use crate::error::{CliError, Result};
use crate::options::TrainOptions;

/// A model's configuration with the normalisation of its image channels.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OnPixels<C> {
    /// The model's own configuration.
    pub model: C,
    /// Channel means the loader subtracted.
    pub mean: Vec<f32>,
    /// Channel standard deviations the loader divided by.
    pub std: Vec<f32>,
    /// Values per channel (`height × width`).
    pub plane: usize,
}

impl<C> OnPixels<C> {
    /// The configuration `model` with the channel normalisation of `data`.
    pub(super) fn of(model: C, data: &ClassifyData) -> Self {
        let [_, height, width] = data.input_shape;
        Self { model, mean: data.mean.clone(), std: data.std.clone(), plane: height * width }
    }

    /// Per-feature `(std, mean)` of the flattened channel-major image, `[n]` each.
    fn feature_scale(&self, n: usize, device: &Device) -> (Tensor<1>, Tensor<1>) {
        let per_feature = |values: &[f32], default: f32| -> Tensor<1> {
            let v: Vec<f32> = (0..n).map(|f| values.get(f / self.plane.max(1)).copied().unwrap_or(default)).collect();
            Tensor::from_data(TensorData::new(v, [n]), device)
        };
        (per_feature(&self.std, 1.0), per_feature(&self.mean, 0.0))
    }
}

/// A vector model fed with pixels: `x_pixels = x · std + mean` per channel, then the model.
#[derive(Module, Debug)]
pub struct PixelInput<M: Module> {
    /// The model on pixels in `[0, 1]`.
    pub model: M,
    /// Per-feature standard deviation (never trained: see [`PixelInput::pixels`]).
    pub scale: Param<Tensor<1>>,
    /// Per-feature mean (never trained: see [`PixelInput::pixels`]).
    pub shift: Param<Tensor<1>>,
}

impl<M: Module> PixelInput<M> {
    /// `model` behind the per-feature scale and shift of `config`'s normalisation.
    pub(super) fn new<C>(model: M, n: usize, config: &OnPixels<C>, device: &Device) -> Self {
        let (scale, shift) = config.feature_scale(n, device);
        Self {
            model,
            scale: Param::from_tensor(scale).set_require_grad(false),
            shift: Param::from_tensor(shift).set_require_grad(false),
        }
    }

    /// Normalised vectors `[b, n]` back to pixels. Scale and shift are detached, so they get
    /// no gradient and the optimiser never moves them (the engine unfreezes every parameter):
    /// the certified radii of the model are radii on the pixels.
    pub fn pixels(&self, x: Tensor<2>) -> Tensor<2> {
        x * self.scale.val().detach().unsqueeze::<2>() + self.shift.val().detach().unsqueeze::<2>()
    }
}

impl<M: TrainModel<Batch = VectorBatch> + ModuleDisplay> TrainModel for PixelInput<M> {
    type Batch = VectorBatch;
    type Stage = M::Stage;

    fn step(&self, batch: VectorBatch, ctx: &StepContext<M::Stage>) -> StepOutput {
        let features = self.pixels(batch.features);
        self.model.step(VectorBatch { features, targets: batch.targets }, ctx)
    }

    fn after_optimizer_step(mut self) -> Self {
        self.model = self.model.after_optimizer_step();
        self
    }
}

/// One constant-rate Adam phase over `--epochs` at `--lr` in `stage` (the paper's recipe),
/// refusing tables.
pub(super) fn pixel_phase<M: TrainModel>(
    name: &str,
    stage: M::Stage,
    options: &TrainOptions,
    data: &Prepared,
) -> Result<Vec<Phase<M>>> {
    if let Prepared::Vectors { .. } = data {
        return Err(CliError::Usage(format!("--model {name} needs image data with pixels in [0, 1], not a table")));
    }
    Ok(vec![Phase::train(name, TrainPhase::new(options.epochs, options.lr)).in_stage(stage)])
}

/// Robust stable CBC (certified radii, Theorem 1).
pub struct RobustCbc;

/// Stable CBC trained with the margin loss (the paper's baseline).
pub struct Cbc;

/// GLVQ (the paper's prototype baseline, hypothesis-margin certificate).
pub struct Glvq;

/// A `Classifier` on pixels in `[0, 1]` with a certificate: `$model` wrapped in [`PixelInput`],
/// configured by `$make` from the data (bound to `$data`), trained by one [`pixel_phase`] in
/// `$stage`. Serves stable CBC, GLVQ and the RBF networks (`registry/rbf.rs`).
macro_rules! pixel_classifier {
    ($entry:ident, $name:literal, $about:literal, $model:ty, $config:ty, |$data:ident| $make:expr, $stage:expr) => {
        impl Classifier for $entry {
            const NAME: &'static str = $name;
            const ABOUT: &'static str = $about;
            type Batch = VectorBatch;
            type Model = PixelInput<$model>;
            type Config = OnPixels<$config>;

            fn config($data: &ClassifyData) -> Self::Config {
                OnPixels::of($make, $data)
            }

            fn init(config: &Self::Config, device: &Device) -> Self::Model {
                PixelInput::new(config.model.init(device), config.model.input_dim, config, device)
            }

            fn phases(options: &TrainOptions, data: &Prepared) -> Result<Vec<Phase<Self::Model>>> {
                pixel_phase($name, $stage, options, data)
            }

            fn certificate() -> Option<CertificateOf<Self::Model>> {
                Some(|m| &m.model)
            }
        }
    };
}
pub(super) use pixel_classifier;

pixel_classifier!(
    RobustCbc,
    "robust-cbc",
    "robust stable CBC, small preset; robust loss, certified L2 radii",
    StableCbc,
    RobustCbcConfig,
    |data| RobustCbcConfig::small(data.input_size(), data.num_classes()),
    CbcObjective::Robust
);
pixel_classifier!(
    Cbc,
    "cbc",
    "stable CBC, small preset; margin loss (robust CBC's baseline)",
    StableCbc,
    RobustCbcConfig,
    |data| RobustCbcConfig::small(data.input_size(), data.num_classes()),
    CbcObjective::Margin
);
pixel_classifier!(
    Glvq,
    "glvq",
    "GLVQ, 2 prototypes per class; hypothesis-margin certificate",
    GlvqModel,
    GlvqConfig,
    |data| GlvqConfig::new(data.input_size(), data.num_classes()),
    ()
);
