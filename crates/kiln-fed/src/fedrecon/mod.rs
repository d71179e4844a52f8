//! Federated reconnaissance: Hendryx, KC, Walls & Morrison, "Federated Reconnaissance:
//! Efficient, Distributed, Class-Incremental Learning" (NeurIPS 2021 workshop on federated
//! learning, arXiv 2109.00150).
//!
//! Clients share a fixed, pretrained embedding `f_θ`. Each client `k` summarises what it has
//! seen of class `c` as a prototype, the mean embedding of its `n_{k,c}` examples,
//!
//! `p_{k,c} = (1/n_{k,c}) Σ_{(x, c) ∈ D_k} f_θ(x)`,
//!
//! and sends `(c, n_{k,c}, p_{k,c})` (a [`Message::Prototypes`](crate::core::Message)). The
//! server merges by online averaging, weighted by counts,
//!
//! `p_c ← (N_c·p_c + n_{k,c}·p_{k,c}) / (N_c + n_{k,c})`,  `N_c ← N_c + n_{k,c}`,
//!
//! so the merged prototype is the mean embedding of every example of `c` seen by any client,
//! in any order, with no gradient step; new classes are learnt by adding prototypes
//! (class-incremental). Prediction is the nearest prototype, `ŷ = argmin_c ‖f_θ(x) − p_c‖²`
//! (prototypical networks, Snell et al. 2017).
//!
//! The encoder is the paper's ([`ProtoNet`]; official `fed_recon/models/protonet/model.py`):
//! 4 × [Conv3×3 (64 channels), BN, ReLU, MaxPool 2×2], flattened (256 values for 32-px
//! images, 1600 for 84 px). It is trained on the base classes by prototypical episodes
//! ([`pretrain_encoder`]; official `models/protonet/train.py`): `N = 5` ways, `K = 5` support
//! and `Q = 15` query images per class (mini-ImageNet), prototypes `p_j` the support means,
//! loss the cross-entropy of `−‖f_θ(x) − p_j‖²` over the queries ([`prototypical_loss`]),
//! Adam at 1e-3 halved every 2000 episodes; then it is frozen. Any other [`Embed`] model
//! works too, pretrained the same way ([`pretrain_encoder`] takes any encoder and batcher):
//! [`DigitsRecon`] runs an MLP encoder pretrained on half of the digit classes.
//!
//! [`ReconBenchmark`] runs the paper's benchmark (official `benchmark/eval_model.py`,
//! `client_server.py`) on procedural images: missions of new classes × 30 images per client
//! until the field data run out; eval 1 (each client on base, reconned and mission classes),
//! eval 2 (the server on base and field classes after merging), bytes per merge.
//!
//! Deviations: counts are sent with each prototype (the abstract's "online averaging" needs
//! them; the paper's exact message is not verified). The server keeps running sums in `f64`.
//! The benchmark runs on procedural images, not mini-ImageNet (see [`ReconBenchmarkConfig`]).
//!
//! The paper's gradient baselines (FedAvg fine-tuning, a one-client lower bound, joint training
//! as the upper bound) are [`GradientBaseline`]s over the same missions, on any [`HeadModel`]:
//! an [`Mlp`](kiln_core::nn::Mlp) or the [`ProtoNet`] with a softmax head ([`Classifier`]);
//! [`ReconBenchmark::run_with_baselines`] runs them beside prototype averaging.

mod baselines;
mod benchmark;
mod classifier;
mod compare;
mod config;
mod data;
mod digits;
mod embed;
mod episodes;
mod head;
mod mission;
mod protonet;
mod report;
mod store;

pub use baselines::{Baseline, BaselineRecord, BaselineSettings, GradientBaseline};
pub use benchmark::ReconBenchmark;
pub use classifier::{Classifier, HeadModel, Labelled};
pub use config::ReconBenchmarkConfig;
pub use digits::{DigitsRecon, DigitsReconRecord, EncoderTraining};
pub use embed::{Embed, local_prototypes};
pub use episodes::{
    Episode, EpisodeBatch, EpisodeConfig, EpisodeSampler, EpisodeSource, Episodic, EpisodicTraining, pretrain_encoder,
    prototypes, prototypical_loss, squared_distances,
};
pub use head::regrow_head;
pub use mission::{MissionRecord, Reconnaissance};
pub use protonet::{ProtoNet, ProtoNetConfig};
pub use report::{ClientEval, MethodEval, PretrainRecord, ReconMethod, ReconMission, ReconReport, ServerEval};
pub use store::PrototypeStore;
