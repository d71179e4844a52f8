//! The plain classifiers of `kiln train`: MLP, CNN and ResNet, each trained with one phase of
//! Adam and cosine decay.

use burn::prelude::Device;
use kiln_core::nn::{self, CnnConfig, MlpConfig, ResNetConfig};
use kiln_core::train::{ImageBatch, VectorBatch};

use super::classify::Classifier;
use crate::classify_data::ClassifyData;

/// Multi-layer perceptron on feature vectors (images flattened).
pub struct Mlp;

impl Classifier for Mlp {
    const NAME: &'static str = "mlp";
    const ABOUT: &'static str = "multi-layer perceptron on feature vectors (tables, or images flattened)";
    type Batch = VectorBatch;
    type Model = nn::Mlp;
    type Config = MlpConfig;

    fn config(data: &ClassifyData) -> MlpConfig {
        MlpConfig::new(data.input_size(), data.num_classes())
    }

    fn init(config: &MlpConfig, device: &Device) -> nn::Mlp {
        config.init(device)
    }
}

/// Small CNN (conv-BN-ReLU blocks) sized to the input.
pub struct Cnn;

impl Classifier for Cnn {
    const NAME: &'static str = "cnn";
    const ABOUT: &'static str = "small CNN (conv-BN-ReLU blocks), as deep as the image needs";
    type Batch = ImageBatch;
    type Model = nn::Cnn;
    type Config = CnnConfig;

    /// The fewest blocks whose receptive field covers the image; `config.json` records them.
    fn config(data: &ClassifyData) -> CnnConfig {
        let [channels, height, width] = data.input_shape;
        CnnConfig::for_input(channels, height, width, data.num_classes())
    }

    fn init(config: &CnnConfig, device: &Device) -> nn::Cnn {
        config.init(device)
    }
}

/// ResNet of basic blocks sized to the input.
pub struct ResNet;

impl Classifier for ResNet {
    const NAME: &'static str = "resnet";
    const ABOUT: &'static str = "ResNet of basic blocks, with as many stages as the image needs";
    type Batch = ImageBatch;
    type Model = nn::ResNet;
    type Config = ResNetConfig;

    /// The fewest stages whose receptive field covers the image (ResNet-8 covers only 25 px);
    /// `config.json` records them.
    fn config(data: &ClassifyData) -> ResNetConfig {
        let [channels, height, width] = data.input_shape;
        ResNetConfig::for_input(channels, height, width, data.num_classes())
    }

    fn init(config: &ResNetConfig, device: &Device) -> nn::ResNet {
        config.init(device)
    }
}
