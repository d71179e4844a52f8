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

/// ResNet-8-like network.
pub struct ResNet;

impl Classifier for ResNet {
    const NAME: &'static str = "resnet";
    const ABOUT: &'static str = "ResNet-8-like network (basic blocks)";
    type Batch = ImageBatch;
    type Model = nn::ResNet;
    type Config = ResNetConfig;

    fn config(data: &ClassifyData) -> ResNetConfig {
        ResNetConfig::new(data.input_shape[0], data.num_classes())
    }

    fn init(config: &ResNetConfig, device: &Device) -> nn::ResNet {
        config.init(device)
    }
}
