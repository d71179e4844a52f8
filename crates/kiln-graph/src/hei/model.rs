//! [`Hei`]: a backbone, the environment network and the objective of one HEI run, with its
//! step on the kiln-core engine.

use burn::module::Module;
use burn::nn::Linear;
use burn::prelude::{Device, Int, Tensor};
use kiln_core::nn::classification_step;
use kiln_core::train::{StepContext, StepOutput, TrainModel};

use super::backbone::{Gcn2, Linkx};
use super::config::{HeiBackbone, HeiConfig, HeiObjective};
use super::environment::EnvironmentNet;
use super::penalty::{HeiPhase, backbone_loss, irm_penalty, penalty_lambda};
use crate::error::Result;
use crate::message_passing::GraphTensors;

/// The whole graph on a device with the nodes whose loss counts.
#[derive(Debug, Clone)]
pub struct HeiBatch {
    /// Node features `[N, F]`.
    pub x: Tensor<2>,
    /// The adjacency (both directions of every undirected edge), for LINKX.
    pub graph: GraphTensors,
    /// `Â` with self-loops, for the GCN.
    pub normalized: GraphTensors,
    /// Standardised neighbour dissimilarity `z`, `[N, 1]`.
    pub z: Tensor<2>,
    /// Fixed one-hot random environments `[N, K]` (the ablation), `None` otherwise.
    pub random_q: Option<Tensor<2>>,
    /// The counted nodes `[M]`.
    pub nodes: Tensor<1, Int>,
    /// Their labels `[M]`.
    pub targets: Tensor<1, Int>,
}

/// An HEI node classifier: LINKX or GCN logits, soft environments `q = EnvNet(z)`.
#[derive(Module, Debug)]
pub struct Hei {
    /// The LINKX backbone (when chosen).
    pub linkx: Option<Linkx>,
    /// The GCN backbone (when chosen).
    pub gcn: Option<Gcn2>,
    /// The environment network (HEI only; its parameter paths contain `environments`).
    pub environments: Option<EnvironmentNet>,
    #[module(skip)]
    objective: HeiObjective,
    #[module(skip)]
    penalty_weight: f64,
    #[module(skip)]
    l2: f64,
}

impl Hei {
    /// The model of `config` for a graph of `nodes` nodes with `features` features.
    pub fn new(config: &HeiConfig, nodes: usize, features: usize, device: &Device) -> Result<Self> {
        config.validate()?;
        let (h, c, p) = (config.hidden, config.classes, config.dropout);
        Ok(Self {
            linkx: (config.backbone == HeiBackbone::Linkx).then(|| Linkx::new(nodes, features, h, c, p, device)),
            gcn: (config.backbone == HeiBackbone::Gcn).then(|| Gcn2::new(features, h, c, p, device)),
            environments: (config.objective == HeiObjective::Hei)
                .then(|| EnvironmentNet::new(config.env_hidden, config.environments, device)),
            objective: config.objective,
            penalty_weight: config.penalty_weight,
            l2: config.l2,
        })
    }

    /// Logits of every node `[N, classes]`.
    pub fn logits(&self, batch: &HeiBatch) -> Tensor<2> {
        match (&self.linkx, &self.gcn) {
            (Some(l), _) => l.forward(batch.x.clone(), &batch.graph),
            (None, Some(g)) => g.forward(batch.x.clone(), &batch.normalized),
            (None, None) => unreachable!("Hei::new builds one backbone"),
        }
    }

    /// Soft environments of `nodes` `[M, K]`: the network's (HEI), the fixed random ones (the
    /// ablation), `None` under ERM.
    pub fn environments_of(&self, batch: &HeiBatch) -> Option<Tensor<2>> {
        match self.objective {
            HeiObjective::Hei => {
                self.environments.as_ref().map(|e| e.forward(batch.z.clone().select(0, batch.nodes.clone())))
            }
            HeiObjective::RandomEnvironments => batch.random_q.clone().map(|q| q.select(0, batch.nodes.clone())),
            HeiObjective::Erm => None,
        }
    }

    /// `Σ‖θ‖²` over the backbone's parameters, `[1]`.
    pub fn backbone_sq_norm(&self) -> Tensor<1> {
        fn linear(l: &Linear) -> Tensor<1> {
            let w = l.weight.val().powf_scalar(2.0).sum();
            match &l.bias {
                Some(b) => w + b.val().powf_scalar(2.0).sum(),
                None => w,
            }
        }
        if let Some(l) = &self.linkx {
            l.rows.val().powf_scalar(2.0).sum()
                + linear(&l.mlp_x)
                + linear(&l.mix)
                + linear(&l.hidden_layer)
                + linear(&l.head)
        } else if let Some(g) = &self.gcn {
            let conv = |c: &crate::layers::GcnConv| match &c.bias {
                Some(b) => linear(&c.linear) + b.val().powf_scalar(2.0).sum(),
                None => linear(&c.linear),
            };
            conv(&g.conv1) + conv(&g.conv2)
        } else {
            unreachable!("Hei::new builds one backbone")
        }
    }

    /// The objective.
    pub fn objective(&self) -> HeiObjective {
        self.objective
    }
}

impl TrainModel for Hei {
    type Batch = HeiBatch;
    type Stage = HeiPhase;

    /// Warm-up (HEI): `(NLL + l2)` for the backbone and `−P` (with the logits detached) for
    /// the environment network, so that one optimiser step descends the one and ascends the
    /// other. Invariant phase: `(NLL + l2 + λ max(P, 0)) / (1 + λ)` with `q` detached.
    fn step(&self, batch: HeiBatch, ctx: &StepContext<HeiPhase>) -> StepOutput {
        let logits = self.logits(&batch).select(0, batch.nodes.clone());
        let targets = batch.targets.clone();
        let step = classification_step(logits.clone(), targets.clone());
        let nll = step.loss.clone();
        let l2 = self.backbone_sq_norm() * self.l2;
        let Some(q) = self.environments_of(&batch) else {
            let loss = backbone_loss(nll.clone(), l2, nll.zeros_like(), 0.0);
            return StepOutput { loss, ..step }.with_term("cross_entropy", nll);
        };
        let lambda = penalty_lambda(ctx.stage, self.penalty_weight);
        match ctx.stage {
            HeiPhase::Warmup => {
                let env_penalty = irm_penalty(logits.detach(), targets, q);
                let backbone = backbone_loss(nll.clone(), l2, env_penalty.zeros_like(), lambda);
                let loss = if ctx.training { backbone - env_penalty.clone() } else { backbone };
                StepOutput { loss, ..step }.with_term("cross_entropy", nll).with_term("penalty", env_penalty)
            }
            HeiPhase::Invariant => {
                let penalty = irm_penalty(logits, targets, q.detach());
                let loss = backbone_loss(nll.clone(), l2, penalty.clone(), lambda);
                StepOutput { loss, ..step }.with_term("cross_entropy", nll).with_term("penalty", penalty)
            }
        }
    }
}
