//! Node classifiers of `kiln graph train`: a two-layer GCN, GraphSAGE, GAT or GIN on a LINQS
//! data set, through kiln-graph's `train_node_classifier`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_graph::layers::LayerKind;
use kiln_graph::tasks::{
    NodeClassifierConfig, NodeSplit, NodeTraining, check_node_graph, evaluate_node_classifier, train_node_classifier,
};
use kiln_graph::{Graph, GraphError};
use serde::{Deserialize, Serialize};

use super::ModelEntry;
use crate::artifact::{self, EvalSummary, RunConfig, TrainSummary};
use crate::error::Result;
use crate::graph_data::{ReadNotes, load_labelled};
use crate::options::{Task, TrainOptions, TrainRequest};

/// The registry entry of the node classifier with `layer` layers.
pub struct NodeEntry {
    /// The `--model` name.
    pub name: &'static str,
    /// The layer kind.
    pub layer: LayerKind,
}

/// What a node-classification run records about its graph in `config.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeData {
    /// Nodes.
    pub num_nodes: usize,
    /// Features per node.
    pub features: usize,
    /// Label names; class `c` is `labels[c]`.
    pub labels: Vec<String>,
    /// What reading the files found (skipped citations).
    #[serde(default, flatten)]
    pub read: ReadNotes,
}

/// The run's graph, its split and what to record about it.
fn prepare(options: &TrainOptions) -> Result<(Arc<Graph>, NodeSplit, NodeData)> {
    let node = options.task.node()?;
    let (dataset, read) = load_labelled(&options.data, node.skip_unknown_citations)?;
    let graph = dataset.graph;
    let split = match node.per_class {
        Some(per_class) => {
            let labels =
                graph.y.as_deref().ok_or_else(|| GraphError::Invalid("--per-class needs node labels".into()))?;
            NodeSplit::per_class(labels, per_class, node.valid, options.seed)?
        }
        None => NodeSplit::random(graph.num_nodes, node.valid, node.test, options.seed)?,
    };
    let features = graph.x.as_ref().map_or(0, |x| x.dim);
    let data = NodeData { num_nodes: graph.num_nodes, features, labels: dataset.labels, read };
    Ok((Arc::new(graph), split, data))
}

impl ModelEntry for NodeEntry {
    fn name(&self) -> &'static str {
        self.name
    }

    fn about(&self) -> &'static str {
        match self.layer {
            LayerKind::Gcn => "two-layer GCN node classifier (Kipf & Welling)",
            LayerKind::Sage => "two-layer GraphSAGE (mean) node classifier",
            LayerKind::Gat => "two-layer GAT node classifier (multi-head attention)",
            LayerKind::Gin => "two-layer GIN node classifier",
        }
    }

    fn task(&self) -> Task {
        Task::Node
    }

    fn train(&self, request: &TrainRequest, device: &Device) -> Result<TrainSummary> {
        let options = &request.options;
        let node = options.task.node()?;
        let (graph, split, data) = prepare(options)?;
        // GAT is the paper's preset (8 heads × 8, ELU, attention dropout 0.6); the others Kipf &
        // Welling's setting.
        let (input, classes) = (data.features, data.labels.len());
        let preset = match self.layer {
            LayerKind::Gat => NodeClassifierConfig::gat(input, classes),
            kind => NodeClassifierConfig::new(kind, input, classes),
        };
        let config = match node.hidden {
            Some(hidden) => preset.with_hidden(hidden),
            None => preset,
        };
        let run = RunConfig { options: options.clone(), config, data };
        let trainer = artifact::start_run(request, device, &run)?;
        let training = NodeTraining {
            epochs: options.epochs,
            lr: options.lr,
            weight_decay: node.weight_decay,
            seed: options.seed,
        };
        let outcome = train_node_classifier(&graph, &split, &run.config, &training, &trainer)?;
        artifact::finish_run(request, &outcome.model, outcome.report, outcome.test, BTreeMap::new())
    }

    fn eval(&self, run_dir: &Path, device: &Device) -> Result<EvalSummary> {
        let run: RunConfig<NodeClassifierConfig, NodeData> = artifact::read_config(run_dir)?;
        let (graph, split, found) = prepare(&run.options)?;
        artifact::check_data(run_dir, &run.options.data, &run.data, &found)?;
        check_node_graph(&graph, &run.config)?;
        let model = artifact::load_model(run_dir, run.config.init(device))?;
        let trainer = Trainer::new(device.clone()).with_seed(run.options.seed);
        let test = evaluate_node_classifier(&model, &graph, &split.test, &trainer)?;
        Ok(EvalSummary { test, metrics: BTreeMap::new() })
    }
}
