//! Auto-GNN's search space (Zhou et al. 2019, Table 1): per message-passing layer five action
//! classes, hidden width, heads, attention function, aggregator and activation.
//!
//! An architecture of `L` layers is the flat encoding of kiln-nas ([`SearchSpace`]): gene
//! `5ℓ + c` is action class `c` of layer `ℓ`, in the order of [`ActionClass::ALL`]. The last
//! layer's width is the number of classes and its heads are averaged, so its hidden-width gene
//! has a single choice (the classes): `10` genes for two layers, nine of them searchable.

use burn::prelude::Tensor;
use burn::tensor::activation::{elu, leaky_relu, relu, sigmoid, softplus, tanh};
use kiln_nas::search::{SearchError, SearchSpace};
use serde::{Deserialize, Serialize};

/// Genes (action classes) per layer.
pub const GENES_PER_LAYER: usize = 5;

/// The five action classes of a layer, in gene order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionClass {
    /// Output width per head.
    Hidden,
    /// Attention heads `K`.
    Heads,
    /// Attention function ([`AttentionKind`]).
    Attention,
    /// Aggregator ([`AggregatorKind`]).
    Aggregation,
    /// Activation ([`ActivationKind`]).
    Activation,
}

impl ActionClass {
    /// The classes in gene order.
    pub const ALL: [ActionClass; GENES_PER_LAYER] =
        [Self::Hidden, Self::Heads, Self::Attention, Self::Aggregation, Self::Activation];

    /// `(layer, class)` of gene `gene`.
    pub fn of_gene(gene: usize) -> (usize, ActionClass) {
        (gene / GENES_PER_LAYER, Self::ALL[gene % GENES_PER_LAYER])
    }

    /// The gene of class `self` in layer `layer`.
    pub fn gene(self, layer: usize) -> usize {
        layer * GENES_PER_LAYER + Self::ALL.iter().position(|&c| c == self).unwrap_or(0)
    }
}

/// How neighbour `j` is weighted in node `i`'s aggregation (GraphNAS's and Auto-GNN's seven
/// attention functions, [`attention_coefficients`](super::attention_coefficients)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AttentionKind {
    /// `α_ij = 1`.
    Const,
    /// `α_ij = 1/√(d_i d_j)`.
    Gcn,
    /// `e_ij = LeakyReLU(a_lᵀWh_i + a_rᵀWh_j)`, softmaxed.
    Gat,
    /// `e_ij + e_ji` of GAT, softmaxed.
    SymGat,
    /// `⟨a_l⊙Wh_i, a_r⊙Wh_j⟩`, softmaxed.
    Cos,
    /// `tanh(a_rᵀWh_j)`, softmaxed.
    Linear,
    /// `w_Gᵀ tanh(a_l⊙Wh_i + a_r⊙Wh_j)`, softmaxed.
    GeneLinear,
}

impl AttentionKind {
    /// All seven, in the paper's order.
    pub const ALL: [AttentionKind; 7] =
        [Self::Const, Self::Gcn, Self::Gat, Self::SymGat, Self::Cos, Self::Linear, Self::GeneLinear];

    /// Whether the scores are normalised by a softmax over each node's neighbours (all but
    /// `Const` and `Gcn`, as in GraphNAS's layer).
    pub fn softmaxed(self) -> bool {
        !matches!(self, Self::Const | Self::Gcn)
    }
}

/// How the weighted messages arriving at a node are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AggregatorKind {
    /// `Σ_j α_ij Wh_j`.
    Sum,
    /// Mean over the neighbours of the per-neighbour MLP of the messages.
    MeanPool,
    /// Element-wise max over the neighbours of the per-neighbour MLP of the messages.
    MaxPool,
    /// Sum of the per-neighbour MLP of the messages.
    Mlp,
}

impl AggregatorKind {
    /// All four.
    pub const ALL: [AggregatorKind; 4] = [Self::Sum, Self::MeanPool, Self::MaxPool, Self::Mlp];

    /// Whether the messages go through the per-neighbour MLP first.
    pub fn pooled(self) -> bool {
        !matches!(self, Self::Sum)
    }
}

/// The activation after a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActivationKind {
    /// `1/(1+e^{−x})`.
    Sigmoid,
    /// `tanh x`.
    Tanh,
    /// `max(0, x)`.
    Relu,
    /// `x`.
    Identity,
    /// `ln(1 + eˣ)`.
    Softplus,
    /// `max(0.01x, x)`.
    LeakyRelu,
    /// `min(max(0, x), 6)`.
    Relu6,
    /// `x` for `x > 0`, else `eˣ − 1`.
    Elu,
}

impl ActivationKind {
    /// All eight (Auto-GNN's Table 1).
    pub const ALL: [ActivationKind; 8] = [
        Self::Sigmoid,
        Self::Tanh,
        Self::Relu,
        Self::Identity,
        Self::Softplus,
        Self::LeakyRelu,
        Self::Relu6,
        Self::Elu,
    ];

    /// Applies the function.
    pub fn apply<const D: usize>(self, x: Tensor<D>) -> Tensor<D> {
        match self {
            Self::Sigmoid => sigmoid(x),
            Self::Tanh => tanh(x),
            Self::Relu => relu(x),
            Self::Identity => x,
            Self::Softplus => softplus(x, 1.0),
            Self::LeakyRelu => leaky_relu(x, 0.01),
            Self::Relu6 => x.clamp(0.0, 6.0),
            Self::Elu => elu(x, 1.0),
        }
    }
}

/// One layer of an architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LayerChoice {
    /// Output width per head (the classes in the last layer).
    pub hidden: usize,
    /// Heads (concatenated in hidden layers, averaged in the last).
    pub heads: usize,
    /// Attention function.
    pub attention: AttentionKind,
    /// Aggregator.
    pub aggregator: AggregatorKind,
    /// Activation after the layer.
    pub activation: ActivationKind,
}

impl LayerChoice {
    /// The value of action class `class` as a display string.
    pub fn describe(&self, class: ActionClass) -> String {
        match class {
            ActionClass::Hidden => self.hidden.to_string(),
            ActionClass::Heads => self.heads.to_string(),
            ActionClass::Attention => format!("{:?}", self.attention),
            ActionClass::Aggregation => format!("{:?}", self.aggregator),
            ActionClass::Activation => format!("{:?}", self.activation),
        }
    }
}

/// A decoded architecture: one [`LayerChoice`] per layer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Architecture {
    /// The layers, input first.
    pub layers: Vec<LayerChoice>,
}

/// The choices of every action class, shared by all layers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutoGnnSpace {
    /// Message-passing layers `L` (the paper: 2).
    pub layers: usize,
    /// Hidden widths per head (the paper: 4 … 256).
    pub hidden: Vec<usize>,
    /// Heads (the paper: 1, 2, 4, 6, 8, 16).
    pub heads: Vec<usize>,
    /// Attention functions.
    pub attention: Vec<AttentionKind>,
    /// Aggregators.
    pub aggregators: Vec<AggregatorKind>,
    /// Activations.
    pub activations: Vec<ActivationKind>,
}

impl AutoGnnSpace {
    /// The paper's space: two layers, hidden {4, 8, 16, 32, 64, 128, 256}, heads
    /// {1, 2, 4, 6, 8, 16}, seven attention functions, four aggregators, eight activations.
    pub fn paper() -> Self {
        Self {
            layers: 2,
            hidden: vec![4, 8, 16, 32, 64, 128, 256],
            heads: vec![1, 2, 4, 6, 8, 16],
            attention: AttentionKind::ALL.to_vec(),
            aggregators: AggregatorKind::ALL.to_vec(),
            activations: ActivationKind::ALL.to_vec(),
        }
    }

    /// The paper's space with widths and heads cut for a CPU: hidden {4, 8, 16, 32}, heads
    /// {1, 2, 4}; every attention function, aggregator and activation.
    pub fn small() -> Self {
        Self { hidden: vec![4, 8, 16, 32], heads: vec![1, 2, 4], ..Self::paper() }
    }

    /// Choices of gene `gene` (the last layer's hidden width has one, the classes).
    fn gene_choices(&self, gene: usize) -> usize {
        let (layer, class) = ActionClass::of_gene(gene);
        match class {
            ActionClass::Hidden if layer + 1 == self.layers => 1,
            ActionClass::Hidden => self.hidden.len(),
            ActionClass::Heads => self.heads.len(),
            ActionClass::Attention => self.attention.len(),
            ActionClass::Aggregation => self.aggregators.len(),
            ActionClass::Activation => self.activations.len(),
        }
    }

    /// The flat kiln-nas space, `5L` genes.
    ///
    /// # Errors
    /// [`SearchError::EmptySpace`] without layers, [`SearchError::ZeroChoices`] when an action
    /// class that a layer uses has no choices.
    pub fn search_space(&self) -> Result<SearchSpace, SearchError> {
        if self.layers == 0 {
            return Err(SearchError::EmptySpace);
        }
        SearchSpace::new((0..self.layers * GENES_PER_LAYER).map(|g| self.gene_choices(g)).collect())
    }

    /// The architecture of a valid encoding; the last layer is `classes` wide.
    ///
    /// # Errors
    /// When the space is empty or `enc` does not fit it.
    pub fn decode(&self, enc: &[usize], classes: usize) -> Result<Architecture, SearchError> {
        self.search_space()?.validate(enc)?;
        let layers = enc
            .chunks(GENES_PER_LAYER)
            .enumerate()
            .map(|(layer, g)| LayerChoice {
                hidden: if layer + 1 == self.layers { classes } else { self.hidden[g[0]] },
                heads: self.heads[g[1]],
                attention: self.attention[g[2]],
                aggregator: self.aggregators[g[3]],
                activation: self.activations[g[4]],
            })
            .collect();
        Ok(Architecture { layers })
    }
}
