//! Module gates: the host-side [`Gates`] of one assembly, the straight-through gates the
//! assembler trains through, and the MAC count as a differentiable function of the gates.
//!
//! With `n_l = Σ_m g_{l,m}` active modules in layer `l`, `c` channels per module, a `k × k`
//! kernel and an `H_l × W_l` output map, layer `l` costs `H_l W_l k² · (c n_{l−1}) · (c n_l)`
//! MACs (`c n_{−1}` = input channels) and the task head `c n_{L−1} · |task|`: a convolution's
//! MACs are proportional to active-in × active-out modules (NN-Factory's resource model,
//! reconstructed).

use burn::prelude::{Device, Tensor, TensorData};
use burn::tensor::activation::sigmoid;
use serde::{Deserialize, Serialize};

use super::config::FactoryConfig;
use super::error::FactoryError;
use crate::macs::Cost;

/// Which modules of each layer are on: `active[l][m]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gates {
    /// `layers × modules` flags.
    pub active: Vec<Vec<bool>>,
}

impl Gates {
    /// Every module on.
    pub fn full(config: &FactoryConfig) -> Self {
        Self { active: vec![vec![true; config.modules]; config.layers()] }
    }

    /// Gates from `layers · modules` values, row-major, on when `> threshold`.
    pub fn from_values(values: &[f32], config: &FactoryConfig, threshold: f32) -> Self {
        let m = config.modules;
        Self { active: (0..config.layers()).map(|l| (0..m).map(|i| values[l * m + i] > threshold).collect()).collect() }
    }

    /// Active modules per layer.
    pub fn counts(&self) -> Vec<usize> {
        self.active.iter().map(|layer| layer.iter().filter(|&&a| a).count()).collect()
    }

    /// Indices of the channels of layer `layer`'s active modules (`module_channels` each).
    pub fn channels(&self, layer: usize, module_channels: usize) -> Vec<usize> {
        self.active[layer]
            .iter()
            .enumerate()
            .filter(|(_, a)| **a)
            .flat_map(|(m, _)| m * module_channels..(m + 1) * module_channels)
            .collect()
    }

    /// Checks the shape against `config` and that every layer keeps a module.
    ///
    /// # Errors
    /// [`FactoryError::InvalidAssembly`] naming the layer.
    pub fn check(&self, config: &FactoryConfig) -> Result<(), FactoryError> {
        if self.active.len() != config.layers() {
            return Err(FactoryError::InvalidAssembly(format!(
                "{} gated layers, the factory has {}",
                self.active.len(),
                config.layers()
            )));
        }
        for (l, layer) in self.active.iter().enumerate() {
            if layer.len() != config.modules {
                return Err(FactoryError::InvalidAssembly(format!(
                    "layer {l} has {} gates, the factory has {} modules",
                    layer.len(),
                    config.modules
                )));
            }
            if !layer.iter().any(|&a| a) {
                return Err(FactoryError::InvalidAssembly(format!("layer {l} has no active module")));
            }
        }
        Ok(())
    }

    /// The gates as a `[batch, layers, modules]` tensor of 0/1, the same for every example.
    pub fn to_tensor(&self, batch: usize, device: &Device) -> Tensor<3> {
        let (l, m) = (self.active.len(), self.active.first().map_or(0, Vec::len));
        let values: Vec<f32> = self.active.iter().flatten().map(|&a| if a { 1.0 } else { 0.0 }).collect();
        Tensor::<3>::from_data(TensorData::new(values, [1, l, m]), device).repeat_dim(0, batch)
    }

    /// Analytic cost of the assembly with a head of `task_classes` classes (convolution and
    /// head biases included in the parameters).
    pub fn cost(&self, config: &FactoryConfig, task_classes: usize) -> Cost {
        cost_of_counts(config, &self.counts(), task_classes)
    }
}

/// Analytic cost of a network with `counts[l]` active modules in layer `l`.
pub fn cost_of_counts(config: &FactoryConfig, counts: &[usize], task_classes: usize) -> Cost {
    let c = config.module_channels;
    let mut in_ch = config.in_channels;
    let mut cost = Cost::default();
    for (side, &n) in config.output_sides().into_iter().zip(counts) {
        cost += Cost::conv2d(in_ch, n * c, config.kernel, 1, side, side, true);
        in_ch = n * c;
    }
    cost + Cost::linear(in_ch, task_classes, 1, true)
}

/// MACs of every module on, with a head of `task_classes` classes.
pub fn full_macs(config: &FactoryConfig, task_classes: usize) -> u64 {
    cost_of_counts(config, &vec![config.modules; config.layers()], task_classes).macs
}

/// MACs of the smallest assembly (one module per layer) with a head of `task_classes` classes.
pub fn smallest_macs(config: &FactoryConfig, task_classes: usize) -> u64 {
    cost_of_counts(config, &vec![1; config.layers()], task_classes).macs
}

/// Straight-through gates from logits `[b, layers · modules]`: the forward value is the hard
/// gate `1[z > 0]` (and the layer's largest logit always on, so no layer is empty), the
/// gradient that of `σ(z)`: `g = hard + σ(z) − stop_grad(σ(z))`, exactly `hard` in the forward.
///
/// # Shapes
/// `[b, layers · modules] → [b, layers, modules]`
pub fn straight_through(logits: Tensor<2>, config: &FactoryConfig) -> Tensor<3> {
    let [b, _] = logits.dims();
    let z = logits.reshape([b, config.layers(), config.modules]);
    let soft = sigmoid(z.clone());
    let hard = hard_gates(z.detach());
    hard + (soft.clone() - soft.detach())
}

/// `1[z > 0]`, plus each layer's largest logit, as 0/1 floats.
///
/// # Shapes
/// `[b, layers, modules] → [b, layers, modules]`
pub fn hard_gates(z: Tensor<3>) -> Tensor<3> {
    let dims = z.dims();
    let positive = z.clone().greater_elem(0.0).float();
    let is_max = z.clone().greater_equal(z.max_dim(2).expand(dims)).float();
    positive.clone() + is_max.clone() - positive * is_max
}

/// MACs of each example's assembly, differentiable in the gates: `Σ_l a_l n_{l−1} n_l` plus
/// the head's `c n_{L−1} |task|`, with `n_l` the sum of layer `l`'s gates (see the module doc).
///
/// # Shapes
/// gates `[b, layers, modules]`, task sizes `[b]` → `[b]`
pub fn differentiable_macs(config: &FactoryConfig, gates: Tensor<3>, task_sizes: Tensor<1>) -> Tensor<1> {
    let [b, layers, _] = gates.dims();
    let c = config.module_channels as f64;
    let k2 = (config.kernel * config.kernel) as f64;
    let counts = gates.sum_dim(2).reshape([b, layers]);
    let mut previous: Option<Tensor<1>> = None;
    let mut macs = Tensor::<1>::zeros([b], &counts.device());
    for (l, side) in config.output_sides().into_iter().enumerate() {
        let n = counts.clone().narrow(1, l, 1).reshape([b]);
        let area = (side * side) as f64 * k2;
        macs = match &previous {
            None => macs + n.clone() * (area * config.in_channels as f64 * c),
            Some(p) => macs + p.clone() * n.clone() * (area * c * c),
        };
        previous = Some(n);
    }
    match previous {
        Some(last) => macs + last * task_sizes * c,
        None => macs,
    }
}

/// Each example's density `MACs(g) / MACs(full)` for its task size.
///
/// # Shapes
/// gates `[b, layers, modules]`, task sizes `[b]` → `[b]`
pub fn density(config: &FactoryConfig, gates: Tensor<3>, task_sizes: Tensor<1>) -> Tensor<1> {
    let full = differentiable_macs(config, Tensor::ones(gates.dims(), &gates.device()), task_sizes.clone());
    differentiable_macs(config, gates, task_sizes) / full
}
