//! Prob-PSENN in `kiln train` (Vadillo et al., arXiv 2403.13740, on Li et al.'s PSENN): the
//! small preset on images flattened to pixels in `[0, 1]`, one Adam phase of the whole objective,
//! and its uncertainty decomposition for `kiln eval --uncertainty`.

use burn::prelude::Device;
use kiln_core::train::{Phase, VectorBatch};
use kiln_proto::prob_psenn::{ProbPsenn as ProbPsennModel, ProbPsennConfig};

use super::cbc::{OnPixels, PixelInput, pixel_phase};
use super::classify::Classifier;
use super::uncertainty::UncertaintyOf;
use crate::classify_data::{ClassifyData, Prepared};
use crate::error::Result;
use crate::options::TrainOptions;

/// Prob-PSENN: an autoencoder whose prototypes are Gaussians in its latent space.
pub struct ProbPsenn;

impl Classifier for ProbPsenn {
    const NAME: &'static str = "prob-psenn";
    const ABOUT: &'static str = "Prob-PSENN, small preset; probabilistic prototypes, uncertainty decomposition";
    type Batch = VectorBatch;
    type Model = PixelInput<ProbPsennModel>;
    type Config = OnPixels<ProbPsennConfig>;

    /// [`ProbPsennConfig::small`] for the image size and classes: its decoder reconstructs pixels
    /// in `[0, 1]`, so the model sees pixels, not the loaders' normalised values.
    fn config(data: &ClassifyData) -> Self::Config {
        OnPixels::of(ProbPsennConfig::small(data.input_size(), data.num_classes()), data)
    }

    fn init(config: &Self::Config, device: &Device) -> Self::Model {
        PixelInput::new(config.model.init(device), config.model.input_dim, config, device)
    }

    /// One constant-rate Adam phase of `--epochs` at `--lr` (Li et al. train every term jointly
    /// from the start), refusing tables.
    fn phases(options: &TrainOptions, data: &Prepared) -> Result<Vec<Phase<Self::Model>>> {
        pixel_phase(Self::NAME, (), options, data)
    }

    fn uncertainty() -> Option<UncertaintyOf<Self::Model>> {
        Some(|m, pixels, samples| Ok(m.model.predict_with_uncertainty(pixels, samples)?))
    }
}
