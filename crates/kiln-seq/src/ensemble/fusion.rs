//! The ensemble: the four independently trained subnets and their late fusion.
//!
//! Late fusion averages the class probabilities of the `K = 4` subnets,
//! `p(y | x) = (1/K) Σ_k softmax(f_k(x))_y`, and predicts `argmax_y p(y | x)` (Xu & Wang,
//! arXiv 1801.01080). Diversity is what makes the average help: the pairwise disagreement of
//! subnets `a` and `b` on a test set is the share of samples whose predicted classes differ,
//! `D(a, b) = (1/N) Σ_n [ŷ_a(x_n) ≠ ŷ_b(x_n)]`.

use std::path::Path;

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use burn::tensor::activation::softmax;
use kiln_core::CoreError;
use kiln_core::train::BatchSource;
use serde::{Deserialize, Serialize};

use super::attention::AttentionNet;
use super::body_part::BodyPartNet;
use super::config::EnsembleConfig;
use super::data::SkeletonSource;
use super::frame_diff::FrameDiffNet;
use super::two_stream::TwoStreamNet;
use crate::error::{Result, SeqError};

/// The four subnets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SubnetKind {
    /// Temporal stream + stream along the joints.
    TwoStream,
    /// One stem per body part, shared temporal layers.
    BodyPart,
    /// SE channel attention and frame attention.
    Attention,
    /// Base-Net on frame differences.
    FrameDiff,
}

impl SubnetKind {
    /// The subnets in the ensemble's order.
    pub const ALL: [SubnetKind; 4] =
        [SubnetKind::TwoStream, SubnetKind::BodyPart, SubnetKind::Attention, SubnetKind::FrameDiff];

    /// A display name.
    pub fn name(self) -> &'static str {
        match self {
            SubnetKind::TwoStream => "two-stream",
            SubnetKind::BodyPart => "body-part",
            SubnetKind::Attention => "attention",
            SubnetKind::FrameDiff => "frame difference",
        }
    }
}

/// The mean of the subnets' softmax probabilities, `(1/K) Σ_k softmax(logits_k)`.
///
/// # Errors
/// [`SeqError::Empty`] for no logits; [`SeqError::Shape`] when their shapes differ.
pub fn fuse_scores(logits: &[Tensor<2>]) -> Result<Tensor<2>> {
    let first = logits.first().ok_or_else(|| SeqError::Empty { what: "subnet scores to fuse".into() })?;
    let dims = first.dims();
    if let Some(other) = logits.iter().find(|l| l.dims() != dims) {
        return Err(SeqError::Shape {
            what: "subnet scores to fuse".into(),
            expected: format!("{dims:?}"),
            found: format!("{:?}", other.dims()),
        });
    }
    let sum = logits.iter().map(|l| softmax(l.clone(), 1)).reduce(|a, b| a + b).unwrap_or_else(|| first.clone());
    // Lossless for any realistic number of subnets.
    Ok(sum / logits.len() as f32)
}

/// Share of positions where `a` and `b` differ (0 for empty inputs).
pub fn disagreement(a: &[usize], b: &[usize]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x != y).count() as f64 / n as f64
}

/// The ensemble of the four subnets.
#[derive(Module, Debug)]
pub struct Ensemble {
    /// Two-stream subnet.
    pub two_stream: TwoStreamNet,
    /// Body-part subnet.
    pub body_part: BodyPartNet,
    /// Attention subnet.
    pub attention: AttentionNet,
    /// Frame-difference subnet.
    pub frame_diff: FrameDiffNet,
}

impl Ensemble {
    /// An untrained ensemble with `config`'s sizes.
    ///
    /// # Errors
    /// [`SeqError::Config`] when `config` is invalid.
    pub fn new(config: &EnsembleConfig, device: &Device) -> Result<Self> {
        config.validate()?;
        Ok(Self {
            two_stream: TwoStreamNet::new(config, device),
            body_part: BodyPartNet::new(config, device),
            attention: AttentionNet::new(config, device),
            frame_diff: FrameDiffNet::new(config, device),
        })
    }

    /// Class scores of one subnet.
    ///
    /// # Shapes
    /// `[B, J·3, T] → [B, classes]`
    pub fn subnet_logits(&self, kind: SubnetKind, x: Tensor<3>) -> Tensor<2> {
        match kind {
            SubnetKind::TwoStream => self.two_stream.forward(x),
            SubnetKind::BodyPart => self.body_part.forward(x),
            SubnetKind::Attention => self.attention.forward(x),
            SubnetKind::FrameDiff => self.frame_diff.forward(x),
        }
    }

    /// Class scores of every subnet, in [`SubnetKind::ALL`] order.
    pub fn logits(&self, x: Tensor<3>) -> Vec<Tensor<2>> {
        SubnetKind::ALL.iter().map(|&k| self.subnet_logits(k, x.clone())).collect()
    }

    /// The fused class probabilities.
    ///
    /// # Shapes
    /// `[B, J·3, T] → [B, classes]`
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        let mut sum = softmax(self.subnet_logits(SubnetKind::ALL[0], x.clone()), 1);
        for &kind in &SubnetKind::ALL[1..] {
            sum = sum + softmax(self.subnet_logits(kind, x.clone()), 1);
        }
        // Lossless: four subnets.
        sum / SubnetKind::ALL.len() as f32
    }
}

/// Accuracy of each subnet and of the fusion, and the subnets' pairwise disagreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleEvaluation {
    /// Accuracy of each subnet, in [`SubnetKind::ALL`] order.
    pub subnet_accuracy: [f64; 4],
    /// Accuracy of the fused prediction.
    pub fusion_accuracy: f64,
    /// `disagreement[a][b]`: share of samples where subnets `a` and `b` predict differently.
    pub disagreement: [[f64; 4]; 4],
    /// Share of samples that at least one subnet classifies correctly: the most a vote among
    /// the subnets' predicted classes could reach (averaged probabilities can, rarely, be right
    /// where every subnet is wrong).
    pub oracle_accuracy: f64,
    /// `fusion_without[k]`: accuracy of the fusion of the other three subnets (leave subnet
    /// `k` out), in [`SubnetKind::ALL`] order.
    pub fusion_without: [f64; 4],
    /// Samples evaluated.
    pub samples: usize,
}

impl EnsembleEvaluation {
    /// The most accurate subnet and its accuracy.
    pub fn best_subnet(&self) -> (SubnetKind, f64) {
        let mut best = (SubnetKind::ALL[0], self.subnet_accuracy[0]);
        for (k, &acc) in SubnetKind::ALL.iter().zip(&self.subnet_accuracy) {
            if acc > best.1 {
                best = (*k, acc);
            }
        }
        best
    }

    /// Mean disagreement over the six pairs of subnets.
    pub fn mean_disagreement(&self) -> f64 {
        let pairs: Vec<f64> =
            (0..4).flat_map(|a| (a + 1..4).map(move |b| (a, b))).map(|(a, b)| self.disagreement[a][b]).collect();
        pairs.iter().sum::<f64>() / pairs.len() as f64
    }
}

/// Class with the highest score in each row.
fn argmax_rows(scores: Tensor<2>) -> Result<Vec<usize>> {
    let values = kiln_core::tensor::try_to_vec(scores.argmax(1).float())?;
    // Lossless: the argmax is a small non-negative class index.
    Ok(values.into_iter().map(|v| v as usize).collect())
}

/// Evaluates every subnet and the fusion on `data` (in evaluation mode).
///
/// # Errors
/// [`SeqError::Shape`] when the data's joints differ from the ensemble's; an error when a
/// batch cannot be built or a result cannot be read back from the device.
pub fn evaluate_ensemble(ensemble: &Ensemble, data: &SkeletonSource, device: &Device) -> Result<EnsembleEvaluation> {
    let channels = ensemble.two_stream.temporal_stem.conv.weight.dims()[1];
    if channels != data.joints() * 3 {
        return Err(SeqError::Shape {
            what: "joints of the skeleton data".into(),
            expected: (channels / 3).to_string(),
            found: data.joints().to_string(),
        });
    }
    let model = ensemble.valid();
    let mut predictions: Vec<Vec<usize>> = vec![Vec::new(); SubnetKind::ALL.len()];
    let (mut fused, mut targets) = (Vec::new(), Vec::new());
    let mut without: Vec<Vec<usize>> = vec![Vec::new(); SubnetKind::ALL.len()];
    for index in 0..data.num_batches() {
        let batch = data.batch(0, index, device)?;
        let logits = model.logits(batch.x);
        fused.extend(argmax_rows(fuse_scores(&logits)?)?);
        for (k, preds) in without.iter_mut().enumerate() {
            let others: Vec<Tensor<2>> =
                logits.iter().enumerate().filter(|&(i, _)| i != k).map(|(_, l)| l.clone()).collect();
            preds.extend(argmax_rows(fuse_scores(&others)?)?);
        }
        for (k, l) in logits.into_iter().enumerate() {
            predictions[k].extend(argmax_rows(l)?);
        }
        let t = kiln_core::tensor::try_to_vec(batch.targets.float())?;
        // Lossless: class indices.
        targets.extend(t.into_iter().map(|v| v as usize));
    }
    let accuracy = |p: &[usize]| 1.0 - disagreement(p, &targets);
    let mut evaluation = EnsembleEvaluation {
        subnet_accuracy: [0.0; 4],
        fusion_accuracy: accuracy(&fused),
        disagreement: [[0.0; 4]; 4],
        oracle_accuracy: oracle(&predictions, &targets),
        fusion_without: [0.0; 4],
        samples: targets.len(),
    };
    for a in 0..4 {
        evaluation.subnet_accuracy[a] = accuracy(&predictions[a]);
        evaluation.fusion_without[a] = accuracy(&without[a]);
        for b in 0..4 {
            evaluation.disagreement[a][b] = disagreement(&predictions[a], &predictions[b]);
        }
    }
    Ok(evaluation)
}

/// Share of positions where some prediction list holds the target.
fn oracle(predictions: &[Vec<usize>], targets: &[usize]) -> f64 {
    if targets.is_empty() {
        return 0.0;
    }
    let hit = (0..targets.len()).filter(|&n| predictions.iter().any(|p| p.get(n) == Some(&targets[n]))).count();
    hit as f64 / targets.len() as f64
}

/// File names inside a saved ensemble directory.
pub const CONFIG_FILE: &str = "config.json";
/// The weights file (burnpack).
pub const WEIGHTS_FILE: &str = "model.bpk";

/// Saves an ensemble and its configuration to `dir` (`config.json`, `model.bpk`).
///
/// # Errors
/// [`SeqError::Io`] when the directory or a file cannot be written.
pub fn save_ensemble(ensemble: &Ensemble, config: &EnsembleConfig, dir: impl AsRef<Path>) -> Result<()> {
    let dir = dir.as_ref();
    std::fs::create_dir_all(dir).map_err(|source| SeqError::Io { path: dir.to_path_buf(), source })?;
    let cfg = dir.join(CONFIG_FILE);
    let json = serde_json::to_string_pretty(config)
        .map_err(|e| CoreError::Checkpoint { path: cfg.clone(), message: e.to_string() })?;
    std::fs::write(&cfg, json).map_err(|source| SeqError::Io { path: cfg.clone(), source })?;
    let weights = dir.join(WEIGHTS_FILE);
    ensemble
        .clone()
        .save_file(&weights)
        .map_err(|e| SeqError::Core(CoreError::Checkpoint { path: weights.clone(), message: format!("{e:?}") }))
}

/// Loads an ensemble saved by [`save_ensemble`].
///
/// # Errors
/// [`SeqError::Io`] when `config.json` cannot be read; [`SeqError::Core`] when it does not
/// parse or the weights do not match it; [`SeqError::Config`] for an invalid configuration.
pub fn load_ensemble(dir: impl AsRef<Path>, device: &Device) -> Result<(Ensemble, EnsembleConfig)> {
    let dir = dir.as_ref();
    let cfg = dir.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&cfg).map_err(|source| SeqError::Io { path: cfg.clone(), source })?;
    let config: EnsembleConfig =
        serde_json::from_str(&text).map_err(|e| CoreError::Checkpoint { path: cfg.clone(), message: e.to_string() })?;
    let model = kiln_core::train::checkpoint::load_weights(&dir.join(WEIGHTS_FILE), Ensemble::new(&config, device)?)?;
    Ok((model, config))
}
