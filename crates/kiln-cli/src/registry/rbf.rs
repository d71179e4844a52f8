//! The RBF networks of `kiln train` (enlaight `RBF` and `RobustRBF`; Saralajew et al.,
//! AAAI 2025) on images flattened to pixels in `[0, 1]`, with certified L2 radii.

use burn::prelude::Device;
use kiln_core::train::{Phase, VectorBatch};
use kiln_proto::rbf::{Rbf as RbfModel, RbfConfig, RbfObjective};

use super::cbc::{OnPixels, PixelInput, pixel_classifier, pixel_phase};
use super::classify::Classifier;
use super::robust::CertificateOf;
use crate::classify_data::{ClassifyData, Prepared};
use crate::error::Result;
use crate::options::TrainOptions;

/// RBF network with signed output weights, trained with cross-entropy.
pub struct Rbf;

/// Robust RBF network: layer-normalised output weights, robust loss.
pub struct RobustRbf;

pixel_classifier!(
    Rbf,
    "rbf",
    "RBF network, small preset; cross-entropy, certified L2 radii",
    RbfModel,
    RbfConfig,
    |data| RbfConfig::small(data.input_size(), data.num_classes()).with_layer_normalization(false),
    RbfObjective::CrossEntropy
);
pixel_classifier!(
    RobustRbf,
    "robust-rbf",
    "robust RBF network, small preset; robust loss, certified L2 radii",
    RbfModel,
    RbfConfig,
    |data| RbfConfig::small(data.input_size(), data.num_classes()).with_layer_normalization(true),
    RbfObjective::Robust
);
