//! [`LatteConfig`]: the paper's defaults and a CPU preset.

use burn::config::Config;
use burn::prelude::Device;

use super::model::Latte;
use crate::hetero::HeteroGraph;

/// Configuration of a [`Latte`] node classifier.
#[derive(Config, Debug)]
pub struct LatteConfig {
    /// Classes of the target type.
    pub classes: usize,
    /// Width of every layer (and of the input projections). Default: 128 (the paper's).
    #[config(default = 128)]
    pub hidden: usize,
    /// Layers T (meta-relation orders 1..T). Default: 2 (LATTE-2).
    #[config(default = 2)]
    pub layers: usize,
    /// Attention heads per relation (they split `hidden`). Default: 2.
    #[config(default = 2)]
    pub heads: usize,
    /// Dropout after the input projections. Default: 0.2.
    #[config(default = 0.2)]
    pub dropout: f64,
    /// Dropout on the node-level attention coefficients. Default: 0.2.
    #[config(default = 0.2)]
    pub attention_dropout: f64,
    /// Edges of a joined meta-relation whose previous-layer attention is below this are
    /// dropped (each target keeps its arg-max edge). Default: 0.5.
    #[config(default = 0.5)]
    pub threshold: f64,
    /// Slope of the LeakyReLU in the attention scores. Default: 0.2.
    #[config(default = 0.2)]
    pub negative_slope: f64,
    /// LATTE-2proximity: add the LINE-style loss `−log σ(e_ij) − Σ_neg log σ(−e)` on every
    /// order-1 relation of every layer to the cross-entropy. Default: false.
    #[config(default = false)]
    pub proximity: bool,
    /// Negatives per edge for the proximity loss (the source corrupted). Default: 2.
    #[config(default = 2)]
    pub negatives: usize,
    /// The node type that is classified. Default: 0.
    #[config(default = 0)]
    pub target: usize,
}

impl LatteConfig {
    /// The CPU preset: the paper's settings with 32 features per layer.
    pub fn small(classes: usize) -> Self {
        Self::new(classes).with_hidden(32)
    }

    /// Builds the model for `graph`'s schema (node types, their feature widths and counts,
    /// relations) on `device`. Errors when `heads` does not divide `hidden`, there is no layer or
    /// relation, or the target type does not exist.
    pub fn init(&self, graph: &HeteroGraph, device: &Device) -> crate::error::Result<Latte> {
        Latte::new(self, graph, device)
    }
}
