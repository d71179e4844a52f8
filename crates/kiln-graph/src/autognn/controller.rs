//! The reinforced conservative controller's policy (Auto-GNN §4.1): an LSTM reads a parent
//! architecture and proposes one step away from it, one action class and its new value.
//!
//! The parent's genes are embedded as tokens `t_g = E[offset_g + x_g]` and read by an LSTM,
//! `o_1 … o_G`. The action class is drawn from `p(g) = softmax_g(uᵀo_g)` over the genes with
//! more than one choice; the new value from `p(v | g) = softmax_v((V o_g)_{offset_g + v})` over
//! the gene's choices other than the parent's. The child is the parent with gene `g` set to
//! `v`, so parent and child differ in exactly one action class.
//!
//! Training is REINFORCE on the child's validation gain `R = acc(child) − acc(parent)`:
//! `L = −(R − b) log p(g, v) − β H(p(g))`, with `b` an exponential moving average of past
//! rewards (`b ← γ b + (1 − γ) R`, initialised to the first reward) and one Adam step per
//! child.

use std::fmt;

use burn::module::Module;
use burn::nn::{Embedding, EmbeddingConfig, Linear, LinearConfig, Lstm, LstmConfig};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::activation::log_softmax;
use kiln_nas::search::{SearchError, SearchSpace};
use rand::Rng;
use rand::rngs::StdRng;

use super::config::AutoGnnConfig;

/// Added to the logits of impossible actions.
const MASKED: f32 = -1e9;

/// Random stream of the controller's draws.
const STREAM: u64 = 0x4155_544F;

/// The policy network: embeddings, an LSTM over the parent's genes, and the class and value
/// heads.
#[derive(Module, Debug)]
pub struct PolicyNet {
    /// One embedding per (gene, value).
    pub embed: Embedding,
    /// The LSTM over the genes.
    pub lstm: Lstm,
    /// `u`: one score per gene (action class).
    pub class_head: Linear,
    /// `V`: one score per (gene, value).
    pub value_head: Linear,
}

impl PolicyNet {
    /// A policy over `space` with `embedding`-wide tokens and a `hidden`-wide LSTM.
    pub fn new(space: &SearchSpace, embedding: usize, hidden: usize, device: &Device) -> Self {
        let features = space.feature_len();
        Self {
            embed: EmbeddingConfig::new(features, embedding).init(device),
            lstm: LstmConfig::new(embedding, hidden, true).init(device),
            class_head: LinearConfig::new(hidden, 1).init(device),
            value_head: LinearConfig::new(hidden, features).init(device),
        }
    }

    /// Log-probabilities of the action classes, `[G]`, and the LSTM outputs `[G, H]`.
    fn read(&self, space: &SearchSpace, parent: &[usize]) -> (Tensor<1>, Tensor<2>) {
        let device = self.class_head.weight.device();
        let g = space.len();
        let tokens: Vec<i64> =
            parent.iter().enumerate().map(|(i, &v)| (space.offset(i).unwrap_or(0) + v) as i64).collect();
        let tokens = Tensor::<2, Int>::from_data(TensorData::new(tokens, [1, g]), &device);
        let (out, _) = self.lstm.forward(self.embed.forward(tokens), None);
        let [_, _, h] = out.dims();
        let out = out.reshape([g, h]);
        let mask: Vec<f32> = space.choices().iter().map(|&c| if c > 1 { 0.0 } else { MASKED }).collect();
        let mask = Tensor::<1>::from_data(TensorData::new(mask, [g]), &device);
        let classes = self.class_head.forward(out.clone()).reshape([g]) + mask;
        (log_softmax(classes, 0), out)
    }

    /// Log-probabilities of gene `gene`'s values, `[choices]`, the parent's value excluded.
    fn values(&self, space: &SearchSpace, out: Tensor<2>, parent: &[usize], gene: usize) -> Tensor<1> {
        let device = out.device();
        let [_, h] = out.dims();
        let (offset, choices) = (space.offset(gene).unwrap_or(0), space.choices()[gene]);
        let row = out.slice([gene..gene + 1, 0..h]);
        let scores = self.value_head.forward(row).slice([0..1, offset..offset + choices]).reshape([choices]);
        let mask: Vec<f32> = (0..choices).map(|v| if v == parent[gene] { MASKED } else { 0.0 }).collect();
        log_softmax(scores + Tensor::from_data(TensorData::new(mask, [choices]), &device), 0)
    }

    /// `(p(g), p(v | g) for every g)` as host vectors (genes with one choice: empty).
    ///
    /// # Errors
    /// When a tensor cannot be read back.
    pub fn probabilities(
        &self,
        space: &SearchSpace,
        parent: &[usize],
    ) -> Result<(Vec<f32>, Vec<Vec<f32>>), SearchError> {
        let read = |t: Tensor<1>| {
            kiln_core::tensor::try_to_vec(t.exp())
                .map_err(|e| SearchError::Evaluation { encoding: parent.to_vec(), message: e.to_string() })
        };
        let (classes, out) = self.read(space, parent);
        let classes = read(classes)?;
        let values =
            (0..space.len())
                .map(|g| {
                    if space.choices()[g] > 1 {
                        read(self.values(space, out.clone(), parent, g))
                    } else {
                        Ok(Vec::new())
                    }
                })
                .collect::<Result<_, _>>()?;
        Ok((classes, values))
    }

    /// `log p(g, v)` and the entropy of `p(g)`, each `[1]`, differentiable.
    pub fn log_prob(&self, space: &SearchSpace, parent: &[usize], gene: usize, value: usize) -> (Tensor<1>, Tensor<1>) {
        let (classes, out) = self.read(space, parent);
        let entropy = -(classes.clone().exp() * classes.clone()).sum();
        let values = self.values(space, out, parent, gene);
        (classes.slice(gene..gene + 1) + values.slice(value..value + 1), entropy)
    }
}

/// One proposed step: gene `gene` of the parent set to `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The changed gene (action class of a layer).
    pub gene: usize,
    /// Its new value.
    pub value: usize,
    /// The child's encoding.
    pub child: Vec<usize>,
}

/// Draws an index from probabilities `p` (the last positive one on rounding).
fn draw(p: &[f32], rng: &mut StdRng) -> usize {
    let total: f32 = p.iter().sum();
    let mut u = rng.random::<f32>() * total;
    for (i, &pi) in p.iter().enumerate() {
        if u < pi {
            return i;
        }
        u -= pi;
    }
    p.iter().rposition(|&pi| pi > 0.0).unwrap_or(0)
}

/// The policy with its optimiser, baseline and random stream.
pub struct Controller {
    policy: PolicyNet,
    optim: ModuleOptimizer,
    space: SearchSpace,
    baseline: Option<f64>,
    lr: f64,
    decay: f64,
    entropy_weight: f64,
    rng: StdRng,
}

impl fmt::Debug for Controller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Controller")
            .field("space", &self.space)
            .field("baseline", &self.baseline)
            .finish_non_exhaustive()
    }
}

impl Controller {
    /// A fresh controller over `space` on `device` (trained with autodiff), seeded by
    /// `config.seed`.
    pub fn new(space: SearchSpace, config: &AutoGnnConfig, device: &Device) -> Self {
        kiln_core::seed::seed_device(device, config.seed);
        let autodiff = device.clone().autodiff();
        Self {
            policy: PolicyNet::new(&space, config.embedding, config.controller_hidden, &autodiff),
            optim: AdamConfig::new().init(),
            space,
            baseline: None,
            lr: config.controller_lr,
            decay: config.baseline_decay,
            entropy_weight: config.entropy_weight,
            rng: kiln_core::seed::rng(config.seed, STREAM),
        }
    }

    /// The policy (on the autodiff device).
    pub fn policy(&self) -> &PolicyNet {
        &self.policy
    }

    /// The reward baseline `b` (`None` before the first reward).
    pub fn baseline(&self) -> Option<f64> {
        self.baseline
    }

    /// Draws one step away from `parent`.
    ///
    /// # Errors
    /// When `parent` does not fit the space, or no gene has a second choice.
    pub fn propose(&mut self, parent: &[usize]) -> Result<Proposal, SearchError> {
        self.space.validate(parent)?;
        if self.space.choices().iter().all(|&c| c < 2) {
            return Err(SearchError::InvalidConfig("no action class has a second choice".into()));
        }
        let (classes, values) = self.policy.valid().probabilities(&self.space, parent)?;
        let gene = draw(&classes, &mut self.rng);
        let value = draw(&values[gene], &mut self.rng);
        let mut child = parent.to_vec();
        child[gene] = value;
        Ok(Proposal { gene, value, child })
    }

    /// One REINFORCE step on `proposal` from `parent` with reward `reward`; returns the
    /// advantage `R − b` (with `b` before this reward).
    pub fn reinforce(&mut self, parent: &[usize], proposal: &Proposal, reward: f64) -> f64 {
        let baseline = self.baseline.unwrap_or(reward);
        let advantage = reward - baseline;
        self.baseline = Some(self.decay * baseline + (1.0 - self.decay) * reward);
        let (log_prob, entropy) = self.policy.log_prob(&self.space, parent, proposal.gene, proposal.value);
        let loss = log_prob * (-advantage) - entropy * self.entropy_weight;
        let grads = GradientsParams::from_grads(loss.backward(), &self.policy);
        self.policy = self.optim.step(self.lr, self.policy.clone(), grads);
        advantage
    }
}
