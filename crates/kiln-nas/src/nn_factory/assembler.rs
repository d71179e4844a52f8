//! The generative module assembler: an MLP from the scenario (task multi-hot ⊕ target density
//! `s`) to one gate logit per module, `z = W₃ ReLU(W₂ ReLU(W₁ [t; s]))` (NN-Factory §3.2,
//! reconstructed: the paper's assembler architecture is not published in code).

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::activation::relu;

use super::config::FactoryConfig;
use super::task::Task;

/// The assembler MLP.
#[derive(Module, Debug)]
pub struct GenerativeAssembler {
    /// Input layer `classes + 1 → hidden`.
    pub input: Linear,
    /// Hidden layer `hidden → hidden`.
    pub hidden: Linear,
    /// Output layer `hidden → layers · modules`.
    pub output: Linear,
}

impl GenerativeAssembler {
    /// A freshly initialised assembler of `config`.
    pub fn new(config: &FactoryConfig, device: &Device) -> Self {
        let h = config.assembler_hidden;
        Self {
            input: LinearConfig::new(config.num_classes + 1, h).init(device),
            hidden: LinearConfig::new(h, h).init(device),
            output: LinearConfig::new(h, config.layers() * config.modules).init(device),
        }
    }

    /// Gate logits of each scenario.
    ///
    /// # Shapes
    /// `[b, classes + 1]` (multi-hot task, then the target density) → `[b, layers · modules]`
    pub fn forward(&self, scenario: Tensor<2>) -> Tensor<2> {
        let h = relu(self.input.forward(scenario));
        let h = relu(self.hidden.forward(h));
        self.output.forward(h)
    }
}

/// The assembler's input rows `[t; s]` for tasks and target densities.
pub fn scenario_rows(tasks: &[&Task], densities: &[f32], num_classes: usize, device: &Device) -> Tensor<2> {
    let mut values = Vec::with_capacity(tasks.len() * (num_classes + 1));
    for (task, &s) in tasks.iter().zip(densities) {
        values.extend(task.multi_hot(num_classes));
        values.push(s);
    }
    Tensor::from_data(TensorData::new(values, [tasks.len(), num_classes + 1]), device)
}
