//! Classic GNN layers on the shared [`crate::message_passing`] step, each with its `Config`.
//!
//! - [`GcnConv`]: Kipf & Welling (ICLR 2017).
//! - [`SageConv`]: Hamilton et al. (NeurIPS 2017), mean aggregator.
//! - [`GatConv`]: Veličković et al. (ICLR 2018), multi-head attention.
//! - [`GinConv`]: Xu et al. (ICLR 2019).
//! - [`pool`]: global sum/mean/max readouts over the `batch` vector.
//! - [`GnnLayer`]: any of the four behind one `forward`.

mod gat;
mod gcn;
mod gin;
pub mod pool;
mod sage;

pub use gat::{GatConv, GatConvConfig};
pub use gcn::{GcnConv, GcnConvConfig};
pub use gin::{GinConv, GinConvConfig};
pub use sage::{SageConv, SageConvConfig};

use burn::module::Module;
use burn::prelude::{Device, Tensor};
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

    /// A layer `input → output` of this kind (GAT: `heads` heads of `output / heads`, concatenated;
    /// `output` must be a multiple of `heads`).
    pub fn init(self, input: usize, output: usize, heads: usize, device: &Device) -> GnnLayer {
        match self {
            Self::Gcn => GnnLayer::Gcn(GcnConvConfig::new(input, output).init(device)),
            Self::Sage => GnnLayer::Sage(SageConvConfig::new(input, output).init(device)),
            Self::Gat => {
                let heads = heads.max(1);
                GnnLayer::Gat(GatConvConfig::new(input, (output / heads).max(1)).with_heads(heads).init(device))
            }
            Self::Gin => GnnLayer::Gin(GinConvConfig::new(input, output).init(device)),
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
