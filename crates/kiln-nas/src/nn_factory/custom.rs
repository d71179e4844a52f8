//! [`CustomNet`]: an assembly cut out of the supernet as a standalone, physically smaller
//! network: layer `l` keeps only the output channels of its active modules and the input
//! channels of the previous layer's, the head only the task's classes. Since an inactive
//! module's channels are exact zeros in the gated supernet, the outputs are equal.

use std::path::Path;

use burn::module::{Module, Param};
use burn::nn::conv::Conv2d;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::relu;
use burn::tensor::module::adaptive_avg_pool2d;
use kiln_core::train::{ImageBatch, StepContext, StepOutput, TrainModel};
use serde::{Deserialize, Serialize};

use super::assembly::Assembly;
use super::config::FactoryConfig;
use super::error::FactoryError;
use super::supernet::{ModularSupernet, conv};
use crate::macs::Cost;

/// The shape of a customised network: enough to rebuild it before loading its weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomSpec {
    /// Input channels.
    pub in_channels: usize,
    /// Input side.
    pub image_size: usize,
    /// Kernel side.
    pub kernel: usize,
    /// Stride of each layer.
    pub strides: Vec<usize>,
    /// Output channels of each layer (active modules × module channels).
    pub channels: Vec<usize>,
    /// Head size (classes of the task).
    pub classes: usize,
}

/// A customised, standalone network; its logits are over the task's classes in task order
/// (local labels).
#[derive(Module, Debug)]
pub struct CustomNet {
    /// The convolutions, each followed by ReLU.
    pub convs: Vec<Conv2d>,
    /// The task head.
    pub head: Linear,
}

impl CustomSpec {
    /// A network of this shape with fresh weights (to load saved ones into).
    pub fn init(&self, device: &Device) -> CustomNet {
        let mut in_ch = self.in_channels;
        let convs = self
            .strides
            .iter()
            .zip(&self.channels)
            .map(|(&stride, &out)| {
                let layer = conv(in_ch, out, self.kernel, stride, device);
                in_ch = out;
                layer
            })
            .collect();
        CustomNet { convs, head: LinearConfig::new(in_ch, self.classes).init(device) }
    }
}

fn index(idx: &[usize], device: &Device) -> Tensor<1, Int> {
    let v: Vec<i64> = idx.iter().map(|&i| i as i64).collect();
    Tensor::from_data(TensorData::new(v, [idx.len()]), device)
}

/// Cuts `assembly` out of `supernet`.
///
/// # Errors
/// [`FactoryError::InvalidAssembly`] when the gates do not fit `config`, or a task class is out
/// of range.
pub fn extract(
    supernet: &ModularSupernet,
    config: &FactoryConfig,
    assembly: &Assembly,
) -> Result<CustomNet, FactoryError> {
    assembly.gates.check(config)?;
    assembly.task.check(config.num_classes)?;
    let device = supernet.head.weight.device();
    let mut in_idx: Option<Vec<usize>> = None;
    let mut convs = Vec::new();
    for (l, layer) in supernet.convs.iter().enumerate() {
        let out_idx = assembly.gates.channels(l, config.module_channels);
        let mut weight = layer.weight.val().select(0, index(&out_idx, &device));
        if let Some(prev) = &in_idx {
            weight = weight.select(1, index(prev, &device));
        }
        let mut cut = layer.clone();
        cut.weight = Param::from_tensor(weight);
        cut.bias = layer.bias.as_ref().map(|b| Param::from_tensor(b.val().select(0, index(&out_idx, &device))));
        convs.push(cut);
        in_idx = Some(out_idx);
    }
    let classes = index(assembly.task.classes(), &device);
    let mut head = supernet.head.clone();
    let mut weight = supernet.head.weight.val().select(1, classes.clone());
    if let Some(prev) = &in_idx {
        weight = weight.select(0, index(prev, &device));
    }
    head.weight = Param::from_tensor(weight);
    head.bias = supernet.head.bias.as_ref().map(|b| Param::from_tensor(b.val().select(0, classes)));
    Ok(CustomNet { convs, head })
}

impl CustomNet {
    /// Logits over the task's classes.
    ///
    /// # Shapes
    /// `[b, in_channels, h, w] → [b, task classes]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let mut h = x;
        for conv in &self.convs {
            h = relu(conv.forward(h));
        }
        self.head.forward(adaptive_avg_pool2d(h, [1, 1]).flatten::<2>(1, 3))
    }

    /// Analytic MACs and parameters of one `image_size` input, read off the weights' shapes.
    pub fn cost(&self, image_size: usize) -> Cost {
        let mut side = image_size;
        let mut cost = Cost::default();
        for conv in &self.convs {
            let [out, inp, k, _] = conv.weight.dims();
            let pad = match conv.padding {
                burn::nn::PaddingConfig2d::Explicit(p, _, _, _) => p,
                _ => k / 2,
            };
            side = (side + 2 * pad).saturating_sub(k) / conv.stride[0].max(1) + 1;
            cost += Cost::conv2d(inp, out, k, 1, side, side, conv.bias.is_some());
        }
        let [d_in, d_out] = self.head.weight.dims();
        cost + Cost::linear(d_in, d_out, 1, self.head.bias.is_some())
    }

    /// Saves the weights (`model.bpk`) and the assembly with its shape (`assembly.json`) in
    /// `dir`.
    ///
    /// # Errors
    /// [`FactoryError::Write`] naming the file.
    pub fn save(&self, dir: &Path, assembly: &Assembly, spec: &CustomSpec) -> Result<(), FactoryError> {
        let write = |path: &Path, e: String| FactoryError::Write { path: path.to_path_buf(), message: e };
        std::fs::create_dir_all(dir).map_err(|e| write(dir, e.to_string()))?;
        let json_path = dir.join("assembly.json");
        let json = serde_json::to_string_pretty(&SavedCustom { assembly: assembly.clone(), spec: spec.clone() })
            .map_err(|e| write(&json_path, e.to_string()))?;
        std::fs::write(&json_path, json).map_err(|e| write(&json_path, e.to_string()))?;
        let model = dir.join("model.bpk");
        self.clone().save_file(&model).map_err(|e| write(&model, format!("{e:?}")))
    }

    /// Loads what [`save`](Self::save) wrote.
    ///
    /// # Errors
    /// [`FactoryError::MissingCheckpoint`] for a missing file,
    /// [`FactoryError::MismatchedCheckpoint`] for one that does not parse or fit.
    pub fn load(dir: &Path, device: &Device) -> Result<(CustomNet, Assembly, CustomSpec), FactoryError> {
        let saved: SavedCustom = super::io::read_json(dir, "assembly.json")?;
        let model = dir.join("model.bpk");
        if !model.is_file() {
            return Err(FactoryError::MissingCheckpoint { path: dir.to_path_buf(), what: "model.bpk".into() });
        }
        let net = saved
            .spec
            .init(device)
            .try_load_file(&model)
            .map_err(|e| FactoryError::MismatchedCheckpoint { path: model.clone(), message: format!("{e:?}") })?;
        Ok((net, saved.assembly, saved.spec))
    }
}

#[derive(Serialize, Deserialize)]
struct SavedCustom {
    assembly: Assembly,
    spec: CustomSpec,
}

/// The shape of `assembly` cut out of a factory of `config`.
pub fn custom_spec(config: &FactoryConfig, assembly: &Assembly) -> CustomSpec {
    CustomSpec {
        in_channels: config.in_channels,
        image_size: config.image_size,
        kernel: config.kernel,
        strides: config.strides.clone(),
        channels: assembly.gates.counts().iter().map(|n| n * config.module_channels).collect(),
        classes: assembly.task.len(),
    }
}

/// Fine-tuning on task-local labels (`0..task classes`): cross-entropy.
impl TrainModel for CustomNet {
    type Batch = ImageBatch;
    type Stage = ();

    fn step(&self, batch: ImageBatch, _ctx: &StepContext) -> StepOutput {
        kiln_core::nn::classification_step(self.forward(batch.images), batch.targets)
    }
}
