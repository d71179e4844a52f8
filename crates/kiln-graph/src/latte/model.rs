//! [`Latte`]: input projections, T layers over meta-relations of growing order, the layers'
//! outputs of the target type concatenated, and a linear classifier.

use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::log_sigmoid;

use super::config::LatteConfig;
use super::input::TypeInput;
use super::join::attention_join;
use super::layer::{LatteLayer, LayerOutput};
use crate::error::{GraphError, Result};
use crate::hetero::{HeteroGraph, Relation, relation_tensors};
use crate::message_passing::GraphTensors;

/// How a meta-relation of layer t is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaRelation {
    /// Relation `r` of the graph (order 1).
    Direct(usize),
    /// Entry `p` of the previous layer's list joined with relation `r` of the graph.
    Join(usize, usize),
}

/// The LATTE node classifier.
#[derive(Module, Debug)]
pub struct Latte {
    /// Per-type input projections.
    pub inputs: Vec<TypeInput>,
    /// The T layers.
    pub layers: Vec<LatteLayer>,
    /// The classifier on the concatenated layer outputs, `T · hidden → classes`.
    pub head: Linear,
    dropout: Dropout,
    #[module(skip)]
    plan: Vec<Vec<MetaRelation>>,
    #[module(skip)]
    target: usize,
    #[module(skip)]
    threshold: f32,
    #[module(skip)]
    negatives: usize,
}

/// Everything one forward pass produces.
#[derive(Debug, Clone)]
pub struct LatteForward {
    /// Logits of every node of the target type, `[count, classes]`.
    pub logits: Tensor<2>,
    /// Each layer's output (attention and β).
    pub layers: Vec<LayerOutput>,
    /// Each layer's meta-relations with their edges (weights: the joined attention values).
    pub relations: Vec<Vec<Relation>>,
    /// The proximity loss `[1]`, when negatives were given.
    pub proximity: Option<Tensor<1>>,
}

impl Latte {
    pub(super) fn new(config: &LatteConfig, graph: &HeteroGraph, device: &Device) -> Result<Self> {
        let (hidden, heads) = (config.hidden, config.heads);
        if heads == 0 || hidden == 0 || hidden % heads != 0 || config.layers == 0 || config.classes == 0 {
            return Err(GraphError::Invalid(format!(
                "LATTE needs layers, classes and heads ≥ 1 with heads dividing hidden: {config:?}"
            )));
        }
        if graph.relations.is_empty() || config.target >= graph.node_types.len() {
            return Err(GraphError::Invalid("LATTE needs a relation and an existing target type".into()));
        }
        let types = graph.node_types.len();
        let ends = |m: &MetaRelation, prev: &[(usize, usize)]| match *m {
            MetaRelation::Direct(r) => (graph.relations[r].src_type, graph.relations[r].dst_type),
            MetaRelation::Join(p, r) => (prev[p].0, graph.relations[r].dst_type),
        };
        let direct: Vec<MetaRelation> = (0..graph.relations.len()).map(MetaRelation::Direct).collect();
        let mut plan = vec![direct.clone()];
        let mut typed: Vec<Vec<(usize, usize)>> = vec![direct.iter().map(|m| ends(m, &[])).collect()];
        for _ in 1..config.layers {
            let prev = typed.last().cloned().unwrap_or_default();
            let mut list = direct.clone();
            for (p, &(_, mid)) in prev.iter().enumerate() {
                for (r, rel) in graph.relations.iter().enumerate() {
                    if rel.src_type == mid {
                        list.push(MetaRelation::Join(p, r));
                    }
                }
            }
            typed.push(list.iter().map(|m| ends(m, &prev)).collect());
            plan.push(list);
        }
        let inputs = graph
            .node_types
            .iter()
            .map(|t| TypeInput::new(t.x.as_ref().map(|x| x.dim), t.count, hidden, device))
            .collect();
        let layers = typed
            .into_iter()
            .map(|rels| {
                LatteLayer::new(
                    types,
                    rels,
                    hidden,
                    hidden,
                    heads,
                    config.attention_dropout,
                    config.negative_slope,
                    device,
                )
            })
            .collect();
        Ok(Self {
            inputs,
            layers,
            head: LinearConfig::new(config.layers * hidden, config.classes).init(device),
            dropout: DropoutConfig::new(config.dropout).init(),
            plan,
            target: config.target,
            threshold: config.threshold as f32,
            negatives: if config.proximity { config.negatives } else { 0 },
        })
    }

    /// The node type classified.
    pub fn target(&self) -> usize {
        self.target
    }

    /// Negatives per edge of the proximity loss (0: LATTE without it).
    pub fn negatives(&self) -> usize {
        self.negatives
    }

    /// Each layer's meta-relations.
    pub fn plan(&self) -> &[Vec<MetaRelation>] {
        &self.plan
    }

    /// The forward pass on `graph` with per-type features `x` (`None` for featureless types) and
    /// the graph's relations already on the device (`relations`, from
    /// [`HeteroGraph::relation_tensors`]). Higher layers' joined relations are built on the host
    /// from the previous layer's attention (read back, without gradient).
    pub fn forward(&self, graph: &HeteroGraph, x: &[Option<Tensor<2>>], relations: &[GraphTensors]) -> LatteForward {
        self.forward_with_negatives(graph, x, relations, None)
    }

    /// [`Self::forward`] and, with `negatives` (sampled non-edges of each graph relation, in
    /// [`HeteroGraph::relations`] order), LATTE-2proximity's loss: the mean over layers and
    /// order-1 relations φ with edges of `mean(−log σ(e⁺)) + mean(−log σ(−e⁻))`, every head.
    pub fn forward_with_negatives(
        &self,
        graph: &HeteroGraph,
        x: &[Option<Tensor<2>>],
        relations: &[GraphTensors],
        negatives: Option<&[GraphTensors]>,
    ) -> LatteForward {
        let mut proximity: Vec<Tensor<1>> = Vec::new();
        let device = self.head.weight.val().device();
        let mut h: Vec<Tensor<2>> = self
            .inputs
            .iter()
            .zip(x)
            .map(|(input, x)| {
                self.dropout.forward(input.forward(x.clone()).unwrap_or_else(|| Tensor::zeros([1, 1], &device)))
            })
            .collect();
        let mut host: Vec<Relation> = graph.relations.clone();
        let mut tensors: Vec<GraphTensors> = relations.to_vec();
        let (mut outputs, mut targets, mut all_relations) = (Vec::new(), Vec::new(), Vec::new());
        for (l, layer) in self.layers.iter().enumerate() {
            if l > 0 {
                let prev: &LayerOutput = &outputs[l - 1];
                let alpha: Vec<Vec<f32>> = prev.alpha.iter().map(host_attention).collect();
                host = self.plan[l]
                    .iter()
                    .map(|m| match *m {
                        MetaRelation::Direct(r) => graph.relations[r].clone(),
                        MetaRelation::Join(p, r) => {
                            attention_join(&host[p], &alpha[p], &graph.relations[r], &alpha[r], self.threshold)
                        }
                    })
                    .collect();
                tensors =
                    host.iter().map(|r| relation_tensors(r, graph.node_types[r.dst_type].count, &device)).collect();
            }
            if let Some(negatives) = negatives {
                for (r, (pos, neg)) in relations.iter().zip(negatives).enumerate() {
                    if pos.num_edges == 0 || neg.num_edges == 0 {
                        continue;
                    }
                    let e_pos = layer.scores(&h, r, pos.src.clone(), pos.dst.clone());
                    let e_neg = layer.scores(&h, r, neg.src.clone(), neg.dst.clone());
                    proximity.push(-(log_sigmoid(e_pos).mean() + log_sigmoid(-e_neg).mean()));
                }
            }
            let out = layer.forward(&h, &tensors);
            h = out.h.clone();
            targets.push(h[self.target].clone());
            outputs.push(out);
            all_relations.push(host.clone());
        }
        let logits = self.head.forward(Tensor::cat(targets, 1));
        let proximity = if proximity.is_empty() {
            None
        } else {
            let count = proximity.len() as f64;
            Some(Tensor::cat(proximity, 0).sum() / count)
        };
        LatteForward { logits, layers: outputs, relations: all_relations, proximity }
    }
}

/// `max_k α_eᵏ` per edge on the host (empty when there are no edges or the read fails).
fn host_attention(alpha: &Option<Tensor<2>>) -> Vec<f32> {
    alpha
        .as_ref()
        .map_or_else(Vec::new, |a| kiln_core::tensor::try_to_vec(a.clone().detach().max_dim(1)).unwrap_or_default())
}
