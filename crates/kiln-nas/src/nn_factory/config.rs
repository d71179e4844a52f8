//! [`FactoryConfig`]: the modular supernet's geometry, the assembler and its training targets.

use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use super::assembler::GenerativeAssembler;
use super::error::FactoryError;
use super::supernet::ModularSupernet;
use super::train::NnFactory;

/// NN-Factory's settings (Xu et al., arXiv 2308.15003, 2023).
///
/// The supernet is a plain CNN of `layers` 3×3 convolutions whose `modules × module_channels`
/// output channels form `modules` gated modules per layer; global average pooling and a linear
/// head follow. The assembler is an MLP `(task multi-hot ⊕ s) → layers · modules` gate logits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactoryConfig {
    /// Input channels.
    pub in_channels: usize,
    /// Input side (square images).
    pub image_size: usize,
    /// Classes of the supernet (every task is a subset of them).
    pub num_classes: usize,
    /// Modules per layer `M`.
    pub modules: usize,
    /// Channels per module.
    pub module_channels: usize,
    /// Stride of each convolution (its length is the number of layers).
    pub strides: Vec<usize>,
    /// Convolution kernel side (padding `kernel / 2`).
    pub kernel: usize,
    /// Hidden width of the assembler MLP.
    pub assembler_hidden: usize,
    /// `λ`, the weight of the sparsity-matching term `λ (MACs(g)/MACs(full) − s)²`.
    pub sparsity_weight: f64,
    /// Smallest and largest task size (classes per task).
    pub task_sizes: (usize, usize),
    /// Tasks held out from assembler training.
    pub held_out_tasks: usize,
    /// Range of the target densities `s` sampled while training the assembler.
    pub density_range: (f64, f64),
    /// Assemblies compared on validation images when customising (`K`).
    pub candidates: usize,
    /// Seed of the held-out task draw.
    pub task_seed: u64,
}

impl FactoryConfig {
    /// The notes' defaults at CIFAR size: 3×32×32 inputs, 10 classes, 4 layers × 8 modules of
    /// 16 channels (128 wide), strides 1-2-2-2, a 256-wide assembler, `λ = 30`, tasks of 2–5
    /// classes with 20 held out, `s ∈ [0.1, 1]`, `K = 16`.
    pub fn new() -> Self {
        Self {
            in_channels: 3,
            image_size: 32,
            num_classes: 10,
            modules: 8,
            module_channels: 16,
            strides: vec![1, 2, 2, 2],
            kernel: 3,
            assembler_hidden: 256,
            sparsity_weight: 30.0,
            task_sizes: (2, 5),
            held_out_tasks: 20,
            density_range: (0.1, 1.0),
            candidates: 16,
            task_seed: 0,
        }
    }

    /// The CPU preset on the embedded 8×8 digits: 4 layers × 8 modules of 4 channels
    /// (32 wide), strides 1-2-1-2, a 64-wide assembler; tasks as in [`new`](Self::new).
    pub fn small() -> Self {
        Self {
            in_channels: 1,
            image_size: 8,
            module_channels: 4,
            strides: vec![1, 2, 1, 2],
            assembler_hidden: 64,
            ..Self::new()
        }
    }

    /// Number of gated layers.
    pub fn layers(&self) -> usize {
        self.strides.len()
    }

    /// Output channels of every layer (`modules · module_channels`).
    pub fn width(&self) -> usize {
        self.modules * self.module_channels
    }

    /// Side of each layer's output map, in order.
    pub fn output_sides(&self) -> Vec<usize> {
        let pad = self.kernel / 2;
        let mut side = self.image_size;
        self.strides
            .iter()
            .map(|&s| {
                side = (side + 2 * pad).saturating_sub(self.kernel) / s.max(1) + 1;
                side
            })
            .collect()
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// [`FactoryError::InvalidConfig`] naming the offending value.
    pub fn validate(&self) -> Result<(), FactoryError> {
        let bad = |m: String| Err(FactoryError::InvalidConfig(m));
        if self.strides.is_empty() || self.modules == 0 || self.module_channels == 0 {
            return bad(format!(
                "need at least one layer, module and channel (layers {}, modules {}, channels {})",
                self.strides.len(),
                self.modules,
                self.module_channels
            ));
        }
        if self.kernel == 0 || self.kernel > self.image_size + 2 * (self.kernel / 2) {
            return bad(format!("kernel {} does not fit {} px images", self.kernel, self.image_size));
        }
        let (lo, hi) = self.task_sizes;
        if lo == 0 || lo > hi || hi > self.num_classes {
            return bad(format!("task sizes {lo}..={hi} with {} classes", self.num_classes));
        }
        let (s0, s1) = self.density_range;
        if !(0.0 < s0 && s0 <= s1 && s1 <= 1.0) {
            return bad(format!("density range ({s0}, {s1}) is not within (0, 1]"));
        }
        Ok(())
    }

    /// Builds the supernet and the assembler.
    ///
    /// # Errors
    /// When [`validate`](Self::validate) fails.
    pub fn init(&self, device: &Device) -> Result<NnFactory, FactoryError> {
        self.validate()?;
        Ok(NnFactory {
            supernet: ModularSupernet::new(self, device),
            assembler: GenerativeAssembler::new(self, device),
            config: self.clone(),
        })
    }
}

impl Default for FactoryConfig {
    fn default() -> Self {
        Self::new()
    }
}
