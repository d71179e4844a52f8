//! ProteinRPN on the kiln-core engine: RPN pre-training (Adam 1e-3, batch 32), then function
//! training (Adam 1e-4, batch 48, ≤ 100 epochs, early stopping on the validation BCE with
//! patience 5, as `heal_combined_train.py`); residue-localisation F1; and the GCN residue
//! classifier it is compared with.

use std::sync::Arc;

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::{relu, sigmoid};
use kiln_core::seed::epoch_order;
use kiln_core::train::{
    BatchSource, Phase, Report, Selection, StepContext, StepOutput, TrainModel, TrainPhase, Trainer,
};

use super::batch::{ProteinBatch, ProteinExample};
use super::config::ProteinRpnConfig;
use super::loss::{mean_bce, nt_xent, supcon, weighted_bce};
use super::model::ProteinRpn;
use super::rpn::RpnOutput;
use crate::error::{GraphError, Result};
use crate::layers::{GcnConv, GcnConvConfig};

/// What a phase trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProteinRpnStage {
    /// RPN pre-training: node-score BCE + anchor-functionality BCE.
    Pretrain,
    /// Function prediction: label BCE + NT-Xent + SupCon + the RPN's loss (weighted).
    #[default]
    Function,
}

/// The RPN pre-training terms `(node scores, anchor functionality)`, each `[1]`.
pub fn rpn_terms(rpn: &RpnOutput, batch: &ProteinBatch) -> (Tensor<1>, Tensor<1>) {
    let device = rpn.keep.device();
    let n = batch.graph.num_nodes;
    let y = batch.residue_labels.clone().unwrap_or_else(|| Tensor::zeros([n], &device));
    let w = batch.region_weight.clone().unwrap_or_else(|| Tensor::zeros([n], &device));
    (weighted_bce(rpn.keep_logits.clone(), y.clone(), w), mean_bce(rpn.functionality_logits.clone(), y))
}

impl TrainModel for ProteinRpn {
    type Batch = ProteinBatch;
    type Stage = ProteinRpnStage;

    fn step(&self, batch: ProteinBatch, ctx: &StepContext<ProteinRpnStage>) -> StepOutput {
        let (contrast, supcon_w, rpn_w, tau) = self.weights();
        let perturb = ctx.training && ctx.stage == ProteinRpnStage::Function && contrast > 0.0;
        let out = self.forward(&batch, perturb);
        let (node, anchor) = rpn_terms(&out.rpn, &batch);
        if ctx.stage == ProteinRpnStage::Pretrain {
            let loss = node.clone() + anchor.clone();
            return StepOutput::loss(loss).with_term("node_bce", node).with_term("anchor_bce", anchor);
        }
        let device = out.logits.device();
        let labels = batch.labels.clone().unwrap_or_else(|| Tensor::zeros(out.logits.dims(), &device));
        let bce = mean_bce(out.logits, labels);
        let mut loss = bce.clone() + (node.clone() + anchor.clone()) * rpn_w;
        let mut result = StepOutput::loss(bce.clone()).with_term("bce", bce).with_term("node_bce", node);
        result = result.with_term("anchor_bce", anchor);
        if let Some(p) = out.perturbed {
            let nt = nt_xent(out.embedding.clone(), p, tau);
            loss = loss + nt.clone() * contrast;
            result = result.with_term("nt_xent", nt);
        }
        if supcon_w > 0.0
            && let Some(pos) = batch.positives.clone()
        {
            let sc = supcon(out.embedding, pos, tau);
            loss = loss + sc.clone() * supcon_w;
            result = result.with_term("supcon", sc);
        }
        result.loss = loss;
        result
    }
}

/// Batches of proteins, shuffled every epoch or in order.
#[derive(Debug, Clone)]
pub struct ProteinSource {
    /// The proteins.
    pub examples: Arc<Vec<ProteinExample>>,
    /// Proteins per batch.
    pub batch_size: usize,
    /// Hops of the node-score regions.
    pub hops: usize,
    /// Shuffle seed; `None` keeps the order.
    pub shuffle: Option<u64>,
}

impl BatchSource<ProteinBatch> for ProteinSource {
    fn num_batches(&self) -> usize {
        self.examples.len().div_ceil(self.batch_size.max(1))
    }

    fn batch(&self, epoch: usize, index: usize, device: &Device) -> kiln_core::Result<ProteinBatch> {
        let bs = self.batch_size.max(1);
        let order = epoch_order(self.examples.len(), self.shuffle, epoch);
        let chosen: Vec<&ProteinExample> = order.iter().skip(index * bs).take(bs).map(|&i| &self.examples[i]).collect();
        ProteinBatch::of_examples(&chosen, self.hops, device).map_err(|e| kiln_core::CoreError::batch(epoch, index, e))
    }
}

/// A trained ProteinRPN and its two runs.
#[derive(Debug)]
pub struct ProteinRpnOutcome {
    /// The model.
    pub model: ProteinRpn,
    /// RPN pre-training (`None` with 0 pre-training epochs).
    pub pretrain: Option<Report>,
    /// Function training.
    pub function: Report,
}

/// Pre-trains the RPN on `train`, then trains the whole model (early stopping on `valid`'s BCE
/// when given), seeded.
pub fn train_protein_rpn(
    train: &Arc<Vec<ProteinExample>>,
    valid: Option<&Arc<Vec<ProteinExample>>>,
    config: &ProteinRpnConfig,
    seed: u64,
    trainer: &Trainer,
) -> Result<ProteinRpnOutcome> {
    config.validate()?;
    if train.is_empty() {
        return Err(GraphError::Invalid("ProteinRPN needs training proteins".into()));
    }
    let device = trainer.device().clone();
    kiln_core::seed::seed_device(&device, seed);
    let model = config.init(&device)?;
    let source = |examples: &Arc<Vec<ProteinExample>>, batch: usize, shuffle: Option<u64>| ProteinSource {
        examples: Arc::clone(examples),
        batch_size: batch,
        hops: config.rpn_hops,
        shuffle,
    };
    let pre = Phase::train("rpn_pretrain", TrainPhase::new(config.pretrain_epochs, config.pretrain_lr))
        .in_stage(ProteinRpnStage::Pretrain);
    let base = trainer.clone().with_seed(seed);
    let (model, pretrain) = if config.pretrain_epochs > 0 {
        let (model, report) = base.fit(model, &[pre], &source(train, config.pretrain_batch, Some(seed)), None)?;
        (model, Some(report))
    } else {
        (model, None)
    };
    let phase = Phase::train("function", TrainPhase::new(config.epochs, config.lr)).in_stage(ProteinRpnStage::Function);
    let valid = valid.map(|v| source(v, config.batch, None));
    let fit = match &valid {
        Some(_) => base.clone().with_selection(Selection::min("bce").with_patience(config.patience)),
        None => base.clone(),
    };
    let valid_dyn: Option<&dyn BatchSource<ProteinBatch>> = valid.as_ref().map(|v| v as _);
    let (model, function) = fit.fit(model, &[phase], &source(train, config.batch, Some(seed ^ 1)), valid_dyn)?;
    Ok(ProteinRpnOutcome { model, pretrain, function })
}

/// Residue Fmax: the best binary F1 of `scores ≥ t` over the thresholds `t ∈ {0.01, …, 0.99}`
/// (the CAFA-style threshold sweep, here over residues).
pub fn residue_fmax(scores: &[Vec<f32>], examples: &[ProteinExample]) -> f64 {
    (1..100).map(|t| residue_f1_at(scores, examples, t as f32 / 100.0)).fold(0.0, f64::max)
}

/// Binary F1 of `scores ≥ 0.5` against the functional residues of `examples`.
pub fn residue_f1(scores: &[Vec<f32>], examples: &[ProteinExample]) -> f64 {
    residue_f1_at(scores, examples, 0.5)
}

/// Binary F1 of `scores ≥ threshold` against the functional residues of `examples`.
pub fn residue_f1_at(scores: &[Vec<f32>], examples: &[ProteinExample], threshold: f32) -> f64 {
    let (mut tp, mut fp, mut fnn) = (0usize, 0usize, 0usize);
    for (s, e) in scores.iter().zip(examples) {
        for (&p, &y) in s.iter().zip(&e.functional) {
            match (p >= threshold, y) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fnn += 1,
                _ => {}
            }
        }
    }
    if tp == 0 { 0.0 } else { 2.0 * tp as f64 / (2 * tp + fp + fnn) as f64 }
}

/// Residue scores of a model, one vector per protein of `examples`.
pub fn residue_scores<M: ResidueScorer>(
    model: &M,
    examples: &[ProteinExample],
    device: &Device,
) -> Result<Vec<Vec<f32>>> {
    examples
        .iter()
        .map(|e| {
            let batch = ProteinBatch::of_graphs(&[&e.graph], device)?;
            Ok(kiln_core::tensor::try_to_vec(model.residue_probabilities(&batch))?)
        })
        .collect()
}

/// A model that scores residues as functional.
pub trait ResidueScorer {
    /// Probability that each residue of `batch` is functional `[N]`.
    fn residue_probabilities(&self, batch: &ProteinBatch) -> Tensor<1>;
}

impl ResidueScorer for ProteinRpn {
    fn residue_probabilities(&self, batch: &ProteinBatch) -> Tensor<1> {
        self.rpn.forward(batch).functionality
    }
}

/// The baseline: a GCN residue classifier (`GCN → ReLU → GCN → 1`, BCE on the residue labels).
#[derive(Module, Debug)]
pub struct GcnResidueClassifier {
    /// The GCN layers.
    pub layers: Vec<GcnConv>,
    /// The output logit.
    pub output: Linear,
}

impl GcnResidueClassifier {
    /// `layers` GCN layers of width `hidden` over `input` features.
    pub fn new(input: usize, hidden: usize, layers: usize, device: &Device) -> Self {
        Self {
            layers: (0..layers.max(1))
                .map(|i| GcnConvConfig::new(if i == 0 { input } else { hidden }, hidden).init(device))
                .collect(),
            output: LinearConfig::new(hidden, 1).init(device),
        }
    }

    /// Residue logits `[N]`.
    pub fn forward(&self, batch: &ProteinBatch) -> Tensor<1> {
        let mut h = batch.x.clone();
        for conv in &self.layers {
            h = relu(conv.forward_normalized(h, &batch.normalized));
        }
        self.output.forward(h).reshape([batch.graph.num_nodes])
    }
}

impl ResidueScorer for GcnResidueClassifier {
    fn residue_probabilities(&self, batch: &ProteinBatch) -> Tensor<1> {
        sigmoid(self.forward(batch))
    }
}

impl TrainModel for GcnResidueClassifier {
    type Batch = ProteinBatch;
    type Stage = ();

    fn step(&self, batch: ProteinBatch, _ctx: &StepContext) -> StepOutput {
        let logits = self.forward(&batch);
        let y = batch.residue_labels.clone().unwrap_or_else(|| logits.zeros_like());
        StepOutput::loss(mean_bce(logits, y))
    }
}

/// Trains the GCN baseline on `train` (Adam, `lr`, `epochs`, batches of `batch`), seeded.
pub fn train_gcn_baseline(
    train: &Arc<Vec<ProteinExample>>,
    hidden: usize,
    epochs: usize,
    lr: f64,
    batch: usize,
    seed: u64,
    trainer: &Trainer,
) -> Result<(GcnResidueClassifier, Report)> {
    let device = trainer.device().clone();
    kiln_core::seed::seed_device(&device, seed);
    let input = train.first().map_or(super::structure::FEATURES, |e| e.graph.features.len() / e.graph.num_nodes.max(1));
    let model = GcnResidueClassifier::new(input, hidden, 2, &device);
    let source = ProteinSource { examples: Arc::clone(train), batch_size: batch, hops: 0, shuffle: Some(seed) };
    Ok(trainer.clone().with_seed(seed).fit(
        model,
        &[Phase::train("gcn", TrainPhase::new(epochs, lr))],
        &source,
        None,
    )?)
}
