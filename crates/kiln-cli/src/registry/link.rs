//! Link predictors of `kiln graph link`: NCN and NCNC on an edge list (or a LINQS graph),
//! through kiln-graph's `train_link_predictor`.

use std::collections::BTreeMap;
use std::path::Path;

use burn::prelude::Device;
use kiln_core::train::{Evaluation, Trainer};
use kiln_graph::Graph;
use kiln_graph::ncn::{LinkTrainConfig, NcnConfig};
use kiln_graph::tasks::{LinkEvaluation, LinkProblem, LinkTraining, evaluate_link_predictor, train_link_predictor};
use serde::{Deserialize, Serialize};

use super::ModelEntry;
use crate::artifact::{self, EvalSummary, RunConfig, TrainSummary};
use crate::error::Result;
use crate::graph_data::{FeatureSource, ReadNotes, load_for_links};
use crate::options::{Task, TrainOptions, TrainRequest};

/// The registry entry of NCN, or NCNC with `completion`.
pub struct LinkEntry {
    /// The `--model` name.
    pub name: &'static str,
    /// Common-neighbour completion (NCNC).
    pub completion: bool,
}

/// What a link-prediction run records about its graph in `config.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkData {
    /// Nodes.
    pub num_nodes: usize,
    /// Undirected edges.
    pub num_edges: usize,
    /// Where the node features come from.
    pub features: FeatureSource,
    /// What reading the file found (renumbered ids, merged repeated edges, skipped citations).
    #[serde(default, flatten)]
    pub read: ReadNotes,
}

/// The run's graph (with node features) and what to record about it.
fn load(options: &TrainOptions) -> Result<(Graph, LinkData)> {
    let link = options.task.link()?;
    let (graph, features, read) =
        load_for_links(&options.data, link.features, options.seed, link.skip_unknown_citations)?;
    let data = LinkData { num_nodes: graph.num_nodes, num_edges: graph.undirected_pairs().len(), features, read };
    Ok((graph, data))
}

/// Hits@K, MRR and AUC as named metrics, and the loss as the engine's evaluation.
fn summarise(test: LinkEvaluation) -> (Evaluation, BTreeMap<String, f64>) {
    let m = test.metrics;
    let metrics = BTreeMap::from([(format!("hits@{}", m.k), m.hits), ("mrr".into(), m.mrr), ("auc".into(), m.auc)]);
    (Evaluation { loss: test.loss, ..Evaluation::default() }, metrics)
}

impl ModelEntry for LinkEntry {
    fn name(&self) -> &'static str {
        self.name
    }

    fn about(&self) -> &'static str {
        if self.completion {
            "NCNC: Neural Common Neighbor with completion (Wang et al., ICLR 2024)"
        } else {
            "NCN: Neural Common Neighbor (Wang et al., ICLR 2024)"
        }
    }

    fn task(&self) -> Task {
        Task::Link
    }

    fn train(&self, request: &TrainRequest, device: &Device) -> Result<TrainSummary> {
        let options = &request.options;
        let link = options.task.link()?;
        let (graph, data) = load(options)?;
        let input = graph.x.as_ref().map_or(0, |x| x.dim);
        let config = NcnConfig::new(input).with_hidden(link.hidden).with_completion(self.completion);
        let run = RunConfig { options: options.clone(), config, data };
        let trainer = artifact::start_run(request, device, &run)?;
        let train = LinkTrainConfig {
            epochs: options.epochs,
            batch_size: options.batch_size,
            lr: options.lr,
            predictor_lr: link.predictor_lr,
            seed: options.seed,
        };
        let training = LinkTraining { train, valid: link.valid, test: link.test, k: link.k };
        let outcome = train_link_predictor(&graph, &run.config, &training, &trainer)?;
        let (test, metrics) = summarise(outcome.test);
        artifact::finish_run(request, &outcome.model, outcome.report, test, metrics)
    }

    fn eval(&self, run_dir: &Path, device: &Device) -> Result<EvalSummary> {
        let run: RunConfig<NcnConfig, LinkData> = artifact::read_config(run_dir)?;
        let link = run.options.task.link()?;
        let (graph, found) = load(&run.options)?;
        artifact::check_data(run_dir, &run.options.data, &run.data, &found)?;
        let problem = LinkProblem::new(&graph, link.valid, link.test, run.options.seed)?;
        let model = artifact::load_model(run_dir, run.config.init(device))?;
        let trainer = Trainer::new(device.clone()).with_seed(run.options.seed);
        let (test, metrics) = summarise(evaluate_link_predictor(&model, &problem, link.k, &trainer)?);
        Ok(EvalSummary { test, metrics })
    }
}
