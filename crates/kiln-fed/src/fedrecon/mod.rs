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
//! Deviations: the paper's backbone is a 4-block conv net meta-trained on Omniglot /
//! mini-ImageNet; here any [`Embed`] model works (an MLP implementation is provided) and the
//! reproduce and tests pretrain it on half of the digit classes. Counts are sent with each
//! prototype (the abstract's "online averaging" needs them; the paper's exact message is not
//! verified). The server keeps running sums in `f64`.
//!
//! The paper's gradient baselines (FedAvg fine-tuning, a one-client lower bound, joint training
//! as the upper bound) are [`GradientBaseline`]s over the same missions.

mod baselines;
mod embed;
mod head;
mod mission;
mod store;

pub use baselines::{Baseline, BaselineRecord, BaselineSettings, GradientBaseline};
pub use embed::{Embed, local_prototypes};
pub use head::regrow_head;
pub use mission::{MissionRecord, Reconnaissance};
pub use store::PrototypeStore;
