//! Classic GNN layers on the shared [`crate::message_passing`] step, each with its `Config`.
//!
//! - [`GcnConv`]: Kipf & Welling (ICLR 2017).
//! - [`SageConv`]: Hamilton et al. (NeurIPS 2017), mean aggregator.
//! - [`GatConv`]: Veličković et al. (ICLR 2018), multi-head attention.
//! - [`GinConv`]: Xu et al. (ICLR 2019).
//! - [`pool`]: global sum/mean/max readouts over the `batch` vector.
//! - [`GnnLayer`]: any of the four behind one `forward`, built by [`LayerKind::build`] with the
//!   [`LayerOptions`] each kind reads; [`Activation`] between layers.

mod gat;
mod gcn;
mod gin;
pub mod pool;
mod sage;

pub use gat::{GatConv, GatConvConfig};
pub use gcn::{GcnConv, GcnConvConfig};
pub use gin::{GinConv, GinConvConfig};
pub use sage::{SageConv, SageConvConfig};

use burn::config::Config;
use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{elu, relu};
use serde::{Deserialize, Serialize};

use crate::message_passing::GraphTensors;

/// Which layer a [`GnnLayer`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LayerKind {
    /// [`GcnConv`].
    Gcn,
    /// [`SageConv`] (mean).
    Sage,
    /// [`GatConv`] (heads concatenated).
    Gat,
    /// [`GinConv`].
    Gin,
}

impl LayerKind {
    /// All four kinds.
    pub const ALL: [LayerKind; 4] = [LayerKind::Gcn, LayerKind::Sage, LayerKind::Gat, LayerKind::Gin];

    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Gcn => "GCN",
            Self::Sage => "GraphSAGE",
            Self::Gat => "GAT",
            Self::Gin => "GIN",
        }
    }

    /// A layer `input → output` of this kind with `heads` GAT heads and the other options at
    /// their defaults ([`LayerKind::build`]).
    pub fn init(self, input: usize, output: usize, heads: usize, device: &Device) -> GnnLayer {
        self.build(input, output, &LayerOptions::new().with_heads(heads), device)
    }

    /// A layer `input → output` of this kind; GAT with `heads` heads of `output / heads`,
    /// concatenated (`output` must be a multiple of `heads`), or of `output` each, averaged.
    pub fn build(self, input: usize, output: usize, options: &LayerOptions, device: &Device) -> GnnLayer {
        match self {
            Self::Gcn => GnnLayer::Gcn(GcnConvConfig::new(input, output).init(device)),
            Self::Sage => GnnLayer::Sage(SageConvConfig::new(input, output).init(device)),
            Self::Gat => {
                let heads = options.heads.max(1);
                let per_head = if options.average_heads { output } else { (output / heads).max(1) };
                let config = GatConvConfig::new(input, per_head)
                    .with_heads(heads)
                    .with_concat(!options.average_heads)
                    .with_dropout(options.attention_dropout);
                GnnLayer::Gat(config.init(device))
            }
            Self::Gin => GnnLayer::Gin(
                GinConvConfig::new(input, output)
                    .with_hidden(options.mlp_hidden)
                    .with_train_eps(options.train_eps)
                    .with_batch_norm(options.batch_norm)
                    .init(device),
            ),
        }
    }
}

/// What a [`GnnLayer`] is built with besides its widths; each kind reads its own options.
#[derive(Config, Debug)]
pub struct LayerOptions {
    /// GAT: attention heads. Default: 1.
    #[config(default = 1)]
    pub heads: usize,
    /// GAT: average the heads (each of the full width; the paper's output layer) instead of
    /// concatenating them. Default: false.
    #[config(default = false)]
    pub average_heads: bool,
    /// GAT: dropout on the attention coefficients. Default: 0.
    #[config(default = 0.0)]
    pub attention_dropout: f64,
    /// GIN: the MLP's hidden width (0: the layer's output width). Default: 0.
    #[config(default = 0)]
    pub mlp_hidden: usize,
    /// GIN: learn ε (GIN-ε). Default: false (GIN-0).
    #[config(default = false)]
    pub train_eps: bool,
    /// GIN: batch norm on the MLP's hidden layer. Default: false.
    #[config(default = false)]
    pub batch_norm: bool,
}

/// The nonlinearity between layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Activation {
    /// `max(0, x)`.
    #[default]
    Relu,
    /// `x` for `x > 0`, else `eˣ − 1` (ELU with α = 1; GAT's).
    Elu,
}

impl Activation {
    /// Applies the function.
    pub fn apply<const D: usize>(self, x: Tensor<D>) -> Tensor<D> {
        match self {
            Self::Relu => relu(x),
            Self::Elu => elu(x, 1.0),
        }
    }
}

/// One of the four layers.
#[derive(Module, Debug)]
pub enum GnnLayer {
    /// GCN.
    Gcn(GcnConv),
    /// GraphSAGE (mean).
    Sage(SageConv),
    /// GAT.
    Gat(GatConv),
    /// GIN.
    Gin(GinConv),
}

impl GnnLayer {
    /// `[N, input] → [N, output]` over `graph` (without self-loops; each layer adds its own).
    pub fn forward(&self, x: Tensor<2>, graph: &GraphTensors) -> Tensor<2> {
        match self {
            Self::Gcn(l) => l.forward(x, graph),
            Self::Sage(l) => l.forward(x, graph),
            Self::Gat(l) => l.forward(x, graph),
            Self::Gin(l) => l.forward(x, graph),
        }
    }
}
