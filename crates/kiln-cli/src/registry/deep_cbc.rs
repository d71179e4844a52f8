//! Deep CBC in `kiln train` (si-cim/cbc-aaai-2025; Saralajew et al., AAAI 2025): the small
//! preset sized to the images, trained end to end with the margin loss.

use burn::prelude::Device;
use kiln_core::train::{ImageBatch, Phase};
use kiln_proto::deep_cbc::{DeepCbc as DeepCbcModel, DeepCbcConfig, DeepCbcTraining};

use super::classify::Classifier;
use crate::classify_data::{ClassifyData, Prepared};
use crate::error::{CliError, Result};
use crate::options::TrainOptions;

/// Deep CBC: CNN components detected by a softmax over channels and a global max-pool.
pub struct DeepCbc;

impl Classifier for DeepCbc {
    const NAME: &'static str = "deep-cbc";
    const ABOUT: &'static str = "deep CBC, small preset; CNN components, positive and negative reasoning";
    type Batch = ImageBatch;
    type Model = DeepCbcModel;
    type Config = DeepCbcConfig;

    /// As deep as the image needs (`CnnConfig::for_input`), 16–64 channels.
    fn config(data: &ClassifyData) -> DeepCbcConfig {
        let [channels, height, width] = data.input_shape;
        DeepCbcConfig::small(data.num_classes(), channels, height, width)
    }

    fn init(config: &DeepCbcConfig, device: &Device) -> DeepCbcModel {
        config.init(device)
    }

    /// End to end, `--epochs` at `--lr` (no pretraining, so no head-only phase).
    fn phases(options: &TrainOptions, data: &Prepared) -> Result<Vec<Phase<DeepCbcModel>>> {
        if let Prepared::Vectors { .. } = data {
            return Err(CliError::Usage(format!("--model {} needs image data, not a table", Self::NAME)));
        }
        Ok(DeepCbcTraining::small(options.epochs, options.lr).phases())
    }
}
