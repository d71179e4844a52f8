//! [`SpenConfig`]: the paper's defaults and a CPU preset.

use burn::config::Config;
use burn::prelude::Device;

use super::model::Spen;
use super::subgraphs::check_hops;
use crate::error::GraphError;

/// Configuration of a [`Spen`] graph classifier.
#[derive(Config, Debug)]
pub struct SpenConfig {
    /// Node feature width F (1 for featureless graphs, which get a constant 1).
    pub input: usize,
    /// Classes.
    pub classes: usize,
    /// Width h of every entry of the architecture (each equivariant layer outputs `2h`, the
    /// concatenation of its two operator sets). Default: 64 (MUTAG's `[64; 5]`).
    #[config(default = 64)]
    pub hidden: usize,
    /// Entries of the architecture: `layers − 1` equivariant layers and the invariant readout.
    /// Default: 5.
    #[config(default = 5)]
    pub layers: usize,
    /// Ego-nets of m nodes use the weights of size `min(m, max_size)`: sizes below share
    /// nothing, larger ones share the last set. Default: 4 (MUTAG's mapping `5 → 4`).
    #[config(default = 4)]
    pub max_size: usize,
    /// Widths of the MLP after the readout. Default: 256.
    #[config(default = 256)]
    pub head_hidden: usize,
    /// Second MLP width. Default: 128.
    #[config(default = 128)]
    pub head_hidden2: usize,
    /// Dropout after each hidden MLP layer. Default: 0.5.
    #[config(default = 0.5)]
    pub dropout: f64,
    /// Radius k of the ego-nets, k ≥ 1: each node's subgraph holds the nodes within k hops
    /// (the paper uses k ∈ {1, 2}). The weights do not depend on k; [`train_spen`] builds the
    /// batches' ego-nets with it ([`SpenSource::with_hops`], [`EgoTensors::with_hops`]).
    /// Default: 1.
    ///
    /// [`train_spen`]: super::train_spen
    /// [`SpenSource::with_hops`]: super::SpenSource::with_hops
    /// [`EgoTensors::with_hops`]: super::EgoTensors::with_hops
    #[config(default = 1)]
    pub hops: usize,
}

impl SpenConfig {
    /// The CPU preset: 3 entries of width 16 (two equivariant layers and the readout), 1-hop
    /// ego-nets.
    pub fn small(input: usize, classes: usize) -> Self {
        Self::new(input, classes).with_hidden(16).with_layers(3)
    }

    /// Builds the model on `device`; errors when a width, `layers`, `max_size`, `classes` or
    /// `hops` is zero.
    pub fn init(&self, device: &Device) -> crate::error::Result<Spen> {
        let checks = [
            ("input", self.input),
            ("classes", self.classes),
            ("hidden", self.hidden),
            ("layers", self.layers),
            ("max_size", self.max_size),
            ("head_hidden", self.head_hidden),
            ("head_hidden2", self.head_hidden2),
        ];
        if let Some((name, _)) = checks.iter().find(|(_, v)| *v == 0) {
            return Err(GraphError::Invalid(format!("SPEN needs {name} > 0")));
        }
        check_hops(self.hops)?;
        if !(0.0..1.0).contains(&self.dropout) {
            return Err(GraphError::Invalid(format!("dropout {} outside [0, 1)", self.dropout)));
        }
        Ok(Spen::new(self, device))
    }
}
