//! The RBF networks of `kiln train` (enlaight `RBF` and `RobustRBF`; Saralajew et al.,
//! AAAI 2025) on images flattened to pixels in `[0, 1]`, with certified L2 radii.

use burn::prelude::Device;
use kiln_core::train::{Phase, VectorBatch};
use kiln_proto::rbf::{Rbf as RbfModel, RbfConfig, RbfObjective};

use super::cbc::{OnPixels, PixelInput, pixel_phase};
use super::classify::Classifier;
use super::robust::CertificateOf;
use crate::classify_data::{ClassifyData, Prepared};
use crate::error::Result;
use crate::options::TrainOptions;

/// RBF network with signed output weights, trained with cross-entropy.
pub struct Rbf;

/// Robust RBF network: layer-normalised output weights, robust loss.
pub struct RobustRbf;

macro_rules! rbf_classifier {
    ($entry:ident, $name:literal, $about:literal, $normalised:expr, $objective:expr) => {
        impl Classifier for $entry {
            const NAME: &'static str = $name;
            const ABOUT: &'static str = $about;
            type Batch = VectorBatch;
            type Model = PixelInput<RbfModel>;
            type Config = OnPixels<RbfConfig>;

            fn config(data: &ClassifyData) -> Self::Config {
                let model =
                    RbfConfig::small(data.input_size(), data.num_classes()).with_layer_normalization($normalised);
                OnPixels::of(model, data)
            }

            fn init(config: &Self::Config, device: &Device) -> Self::Model {
                PixelInput::new(config.model.init(device), config.model.input_dim, config, device)
            }

            fn phases(options: &TrainOptions, data: &Prepared) -> Result<Vec<Phase<Self::Model>>> {
                pixel_phase($name, $objective, options, data)
            }

            fn certificate() -> Option<CertificateOf<Self::Model>> {
                Some(|m| &m.model)
            }
        }
    };
}

rbf_classifier!(
    Rbf,
    "rbf",
    "RBF network, small preset; cross-entropy, certified L2 radii",
    false,
    RbfObjective::CrossEntropy
);
rbf_classifier!(
    RobustRbf,
    "robust-rbf",
    "robust RBF network, small preset; robust loss, certified L2 radii",
    true,
    RbfObjective::Robust
);
