//! [`PeNet`]: entities, relation, prototypes and cosine logits, with its step on the kiln-core
//! engine.
//!
//! For a batch of (subject, object) pairs with ground-truth classes (PredCls):
//!
//! 1. `[x_o ‖ x_s] = Linear(x)` (`entity_dim → 2m`; the official `post_emb`, whose first half
//!    is the object's and second half the subject's representation);
//! 2. `s`, `o` by [`EntityEmbedding`] with `v = h(x)`;
//! 3. `F(s, o) = ReLU(s + o) − (s − o)²` ([`fusion`]);
//! 4. `u = h(MLP(x_u))`, `g_p = σ(Linear[F ; u])`, `r = F − g_p ⊙ u`, then
//!    `r ← LayerNorm(Dropout(ReLU(Linear(r))) + r)`;
//! 5. prototypes `c_k = W_p t_k` (`word → m/2 → m`);
//! 6. `r ← P(Dropout(ReLU(r)))`, `c ← P(Dropout(ReLU(c)))` with the shared projection head `P`
//!    (`m → m → 2m`);
//! 7. logits `z_k = cos(r, c_k) · exp(ℓ)`.

use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::{Device, Int, Tensor, TensorData};
use burn::tensor::Distribution;
use burn::tensor::activation::{relu, sigmoid};
use kiln_core::train::{StepContext, StepOutput, TrainModel};

use super::config::PeNetConfig;
use super::entity::{EntityEmbedding, Mlp2, VisualToSemantic};
use super::loss::{PeNetLossConfig, penet_losses};
use crate::error::{GraphError, Result};

/// A batch of (subject, object) pairs with their features and predicates.
#[derive(Debug, Clone)]
pub struct PairBatch {
    /// Subject classes `[P]`.
    pub subject_class: Tensor<1, Int>,
    /// Object classes `[P]`.
    pub object_class: Tensor<1, Int>,
    /// Subject visual features `[P, entity_dim]`.
    pub subject_x: Tensor<2>,
    /// Object visual features `[P, entity_dim]`.
    pub object_x: Tensor<2>,
    /// Union-box features `[P, union_dim]`.
    pub union_x: Tensor<2>,
    /// Predicates `[P]` (0: background).
    pub targets: Tensor<1, Int>,
}

/// Everything one forward pass produces.
#[derive(Debug, Clone)]
pub struct PeNetForward {
    /// `cos(r, c_k) · exp(ℓ)`, `[P, K]`.
    pub logits: Tensor<2>,
    /// Projected relation representations `r`, `[P, 2m]`.
    pub relations: Tensor<2>,
    /// Projected prototypes `c`, `[K, 2m]`.
    pub prototypes: Tensor<2>,
}

/// `F(s, o) = ReLU(s + o) − (s − o)²`, elementwise.
pub fn fusion(s: Tensor<2>, o: Tensor<2>) -> Tensor<2> {
    let d = s.clone() - o.clone();
    relu(s + o) - d.clone() * d
}

/// Rows divided by their L2 norms.
pub(super) fn l2_normalize(x: Tensor<2>) -> Tensor<2> {
    let norm = x.clone().powf_scalar(2.0).sum_dim(1).sqrt();
    x / norm
}

/// The PE-Net predicate classifier.
#[derive(Module, Debug)]
pub struct PeNet {
    /// Object-class word vectors `[objects, word]` (trained, as the official `nn.Embedding`).
    pub object_words: Param<Tensor<2>>,
    /// Predicate word vectors `[predicates, word]`.
    pub predicate_words: Param<Tensor<2>>,
    /// `entity_dim → 2m`: the object's and the subject's visual representation.
    pub post_emb: Linear,
    /// The subject side `W_s`, gate, residual block.
    pub subject: EntityEmbedding,
    /// The object side `W_o`, gate, residual block.
    pub object: EntityEmbedding,
    /// `h`, shared.
    pub vis2sem: VisualToSemantic,
    /// Union features `union_dim → m → m` (the official `down_samp`).
    pub down_samp: Mlp2,
    /// `g_p = σ(Linear[F ; h(x_u)])`, `2m → m`.
    pub gate_pred: Linear,
    /// `W_p`: `word → m/2 → m`.
    pub w_pred: Mlp2,
    /// The relation's residual block: linear `m → m`.
    pub linear_rel: Linear,
    /// The relation's residual block: LayerNorm.
    pub norm_rel: LayerNorm,
    /// The shared projection head `m → m → 2m`.
    pub project_head: Mlp2,
    /// ℓ, `[1]`.
    pub logit_scale: Param<Tensor<1>>,
    dropout_rel_rep: Dropout,
    dropout_rel: Dropout,
    dropout_pred: Dropout,
    #[module(skip)]
    losses: PeNetLossConfig,
}

impl PeNet {
    pub(super) fn new(config: &PeNetConfig, device: &Device) -> Self {
        let (m, w, p) = (config.mlp_dim, config.word_dim, config.dropout);
        let words = |n: usize| Param::from_tensor(Tensor::random([n, w], Distribution::Normal(0.0, 1.0), device));
        let drop = || DropoutConfig::new(p).init();
        Self {
            object_words: words(config.objects),
            predicate_words: words(config.predicates),
            post_emb: LinearConfig::new(config.entity_dim, 2 * m).init(device),
            subject: EntityEmbedding::new(w, m, p, device),
            object: EntityEmbedding::new(w, m, p, device),
            vis2sem: VisualToSemantic::new(m, p, device),
            down_samp: Mlp2::new(config.union_dim, m, m, device),
            gate_pred: LinearConfig::new(2 * m, m).init(device),
            w_pred: Mlp2::new(w, m / 2, m, device),
            linear_rel: LinearConfig::new(m, m).init(device),
            norm_rel: LayerNormConfig::new(m).init(device),
            project_head: Mlp2::new(m, m, 2 * m, device),
            logit_scale: Param::from_tensor(Tensor::from_data(
                TensorData::new(vec![config.logit_scale as f32], [1]),
                device,
            )),
            dropout_rel_rep: drop(),
            dropout_rel: drop(),
            dropout_pred: drop(),
            losses: PeNetLossConfig::of(config),
        }
    }

    /// Replaces the word vectors (GloVe in the paper): `objects` `[objects, word]` and
    /// `predicates` `[predicates, word]`, row-major.
    pub fn with_word_vectors(mut self, objects: &[f32], predicates: &[f32]) -> Result<Self> {
        let [no, w] = self.object_words.val().dims();
        let [np, _] = self.predicate_words.val().dims();
        for (what, found, expected) in
            [("object word vectors", objects.len(), no * w), ("predicate word vectors", predicates.len(), np * w)]
        {
            if found != expected {
                return Err(GraphError::LengthMismatch { what, found, expected });
            }
        }
        let device = self.object_words.val().device();
        self.object_words = Param::from_tensor(Tensor::from_data(TensorData::new(objects.to_vec(), [no, w]), &device));
        self.predicate_words =
            Param::from_tensor(Tensor::from_data(TensorData::new(predicates.to_vec(), [np, w]), &device));
        Ok(self)
    }

    /// The loss settings taken from the configuration.
    pub fn loss_config(&self) -> &PeNetLossConfig {
        &self.losses
    }

    /// The entity embeddings `(s, o)`, each `[P, m]`.
    pub fn entities(&self, batch: &PairBatch) -> (Tensor<2>, Tensor<2>) {
        let m = self.linear_rel.weight.val().dims()[0];
        let ts = self.object_words.val().select(0, batch.subject_class.clone());
        let to = self.object_words.val().select(0, batch.object_class.clone());
        // The official `post_emb(x).view(n, 2, m)`: `[:, 1]` is the subject's, `[:, 0]` the object's.
        let xs = self.post_emb.forward(batch.subject_x.clone()).narrow(1, m, m);
        let xo = self.post_emb.forward(batch.object_x.clone()).narrow(1, 0, m);
        let s = self.subject.forward(ts, self.vis2sem.forward(xs));
        let o = self.object.forward(to, self.vis2sem.forward(xo));
        (s, o)
    }

    /// `r = F(s, o) − g_p ⊙ h(x_u)` before the residual block, `[P, m]`.
    pub fn relation(&self, s: Tensor<2>, o: Tensor<2>, union_x: Tensor<2>) -> Tensor<2> {
        let f = fusion(s, o);
        let u = self.vis2sem.forward(self.down_samp.forward(union_x));
        let g = sigmoid(self.gate_pred.forward(Tensor::cat(vec![f.clone(), u.clone()], 1)));
        f - u * g
    }

    /// The full forward pass.
    pub fn forward(&self, batch: &PairBatch) -> PeNetForward {
        let (s, o) = self.entities(batch);
        let r = self.relation(s, o, batch.union_x.clone());
        let r = self.norm_rel.forward(self.dropout_rel_rep.forward(relu(self.linear_rel.forward(r.clone()))) + r);
        let c = self.w_pred.forward(self.predicate_words.val());
        let relations = self.project_head.forward(self.dropout_rel.forward(relu(r)));
        let prototypes = self.project_head.forward(self.dropout_pred.forward(relu(c)));
        let cos = l2_normalize(relations.clone()).matmul(l2_normalize(prototypes.clone()).transpose());
        let logits = cos * self.logit_scale.val().exp().unsqueeze::<2>();
        PeNetForward { logits, relations, prototypes }
    }

    /// Softmax scores `[P, K]` (the official post-processor's `rel_scores`).
    pub fn scores(&self, batch: &PairBatch) -> Tensor<2> {
        burn::tensor::activation::softmax(self.forward(batch).logits, 1)
    }
}

impl TrainModel for PeNet {
    type Batch = PairBatch;
    type Stage = ();

    /// `w_ce CE + w_euc L_euc + w_21 ‖S‖₂,₁/K² + w_d L_dist` ([`penet_losses`]); terms named
    /// `cross_entropy`, `euclidean`, `l21`, `distance`.
    fn step(&self, batch: PairBatch, _ctx: &StepContext) -> StepOutput {
        let targets = batch.targets.clone();
        let out = self.forward(&batch);
        let terms = penet_losses(&out, targets.clone(), &self.losses);
        StepOutput::classification(terms.total(&self.losses), out.logits, targets)
            .with_term("cross_entropy", terms.cross_entropy)
            .with_term("euclidean", terms.euclidean)
            .with_term("l21", terms.l21)
            .with_term("distance", terms.distance)
    }
}
