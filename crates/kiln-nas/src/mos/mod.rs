//! Mixture-of-Supernets (Jawahar, Yang, Zhang, Mukherjee, Lakshmanan, Awadallah:
//! "Mixture-of-Supernets: Improving Weight-Sharing Supernet Training with Architecture-Routed
//! Mixture-of-Experts", Findings of ACL 2024; official code UBC-NLP/MoS, built on HAT) on the
//! Once-for-All supernet of [`ofa`](crate::ofa).
//!
//! **Idea.** Plain weight sharing gives every architecture the same weights (a slice of one
//! matrix). MoS gives each routed layer m expert matrices W_1 … W_m and *generates* the
//! architecture's weight W(a) from them with a router driven by the architecture itself, so
//! different subnets may use different weights, and W(a) is still an ordinary matrix: a subnet
//! extracts as a standalone network with no extra cost at inference.
//!
//! **Architecture embedding** ([`arch_embedding`]). For a [`SubnetConfig`](crate::ofa::SubnetConfig)
//! a: each unit's depth, the mean expand ratio and the mean kernel size over the blocks that
//! run, and the resolution, each divided by its largest value in the space (`units + 3`
//! features; 6 on the digits space).
//!
//! **Routing** ([`Routing`], [`Router`]). For a routed matrix W ∈ ℝ^{out×in} with experts
//! W_1 … W_m ∈ ℝ^{out×in}, a router `R(e) = Linear₂(ReLU(Linear₁(e)))` with hidden size h
//! ([`mix`] computes the sums):
//!
//! - *neuron-wise* (`neuronrouting_jack_2L`, the default): `Linear₂: h → m·out`, read as
//!   `[out, m]` (output `j·m + i` is row j's logit for expert i), softmax over m:
//!   `r_{j,·} = softmax(R(e)[j, ·])` and `W(a)[j] = Σ_i r_{j,i} W_i[j, :in]`;
//! - *layer-wise* (`archrouting_jack_2L`): `Linear₂: h → m`, `r = softmax(R(e)) ∈ ℝ^m` and
//!   `W(a) = Σ_i r_i W_i`, one router per block whose r mixes both of its matrices.
//!
//! The routed matrices are the expand and project 1×1 convolutions of every elastic block
//! ([`MosBlock`]); the block itself runs through
//! [`ElasticMbBlock::forward_with`](crate::elastic::ElasticMbBlock::forward_with) with the
//! routed weights, its own depthwise kernel (elastic kernel), BNs, SE and hidden-channel mask
//! (elastic width: the first `expand · in` rows of the expansion and columns of the projection;
//! neuron-wise routing of row j does not depend on the width, as the official `LinearSuper`
//! keeps the first `m · out_sampled` router outputs).
//!
//! **Training** ([`MosModel`], typed [`MosStage`]). The sandwich rule: per update one random
//! subnet (every gene uniform, one random resolution), the largest and the smallest, on one
//! mini-batch, `L = Σ_a CE(f(x; W(a)), y)`, one optimiser step (as OFA's n-subnet steps in
//! [`ShrinkingModel`](crate::ofa::ShrinkingModel)). Validation runs the largest subnet.
//! [`MosConfig::phases`] gives the engine phase.
//!
//! **Extraction** ([`MosSupernet::bake`], [`MosSupernet::extract`]). W(a) is written into a
//! copy of the OFA supernet in place of each running block's expand and project weights and
//! the copy's [`OfaSupernet::extract`](crate::ofa::OfaSupernet::extract) cuts the subnet out,
//! so it saves, loads and is evaluated (BN recalibration, accuracy, MACs) as any OFA subnet.
//!
//! **Checked in the official code** (`mos-mt/fairseq/models/transformer_super.py`):
//! - routers are per layer, not shared across layers: each layer builds its own `fc1_expert` and
//!   `fc2_expert` MLPs (neuron-wise) or one `arch_expert` MLP shared by fc1 and fc2
//!   (layer-wise); we follow this: neuron-wise has a router per convolution, layer-wise one
//!   per block whose m weights mix both of its convolutions;
//! - router shape `Linear(|e|, h) → ReLU → Linear(h, m·out)` then `view(-1, m)` and a softmax
//!   over the last axis (neuron-wise), `Linear(|e|, h) → ReLU → Linear(h, m) → Softmax`
//!   (layer-wise); the argparse default h is 64, the README's pipeline uses 128 (ours:
//!   [`MosConfig::new`] 128); the MoS-MT pipeline's default type is `neuronrouting_jack_drop_2L`,
//!   the same router with dropout 0.1 after the ReLU (not used here);
//! - initialisation: the first router layer is a PyTorch default `Linear` (burn's
//!   `LinearConfig` default is the same bound `1/√fan_in`), the last is HAT's `LinearSuper`
//!   with `init.uniform_`, Xavier-uniform by default (ours: Xavier-uniform);
//! - the experts: the layer's own fc1/fc2 is expert 0 and `other_intermediate_experts` /
//!   `other_output_experts` hold the m − 1 others, each a `LinearSuper` with its own
//!   Xavier-uniform init; biases are mixed like the weights.
//! - e(a) in MT is 10 aggregate features divided by fixed constants (`feature_norm =
//!   [640, 6, 2048, 6, 640, 6, 2048, 6, 6, 2]`: embedding dims, layer counts, FFN widths, heads
//!   of encoder and decoder …; the feature list is inferred from these constants and the
//!   paper, `utils.get_config_features` was not read), and it is computed once per sampled
//!   architecture (`set_sample_config`).
//!
//! **Not checked in the code** (from the paper and our notes): the sandwich rule (one random,
//! the largest and the smallest subnet per update; the official `--sandwich-rule` flag was seen
//! but not its trainer code) and the summed loss with one optimiser step.
//!
//! **Reconstruction / deviations.**
//! - CNN 1×1 convolutions (expand, project) of an OFA MobileNet-style supernet instead of the
//!   transformer FFN linears; no biases (the block's convolutions have none; BN follows).
//! - All m experts live in one parameter `[m, out, in]` initialised as burn's `Conv2d`
//!   initialises the block's 1×1 kernel (Kaiming-uniform, bound `1/√in`); the base block's own
//!   expand and project weights are not used by [`MosSupernet::forward_subnet`] (the official
//!   code makes them expert 0; [`MosSupernet::with_experts_from_base`] sets every expert to
//!   them, a warm start from a trained supernet).
//! - e(a) is our CNN analogue (depth per unit, mean expand, mean kernel, resolution), divided
//!   by the space's maxima rather than fixed constants.
//! - Digits instead of WMT/BERT; plain cross-entropy (HAT uses label smoothing 0.1);
//!   Adam (0.9, 0.98) with warm-up over a quarter of the steps then cosine (HAT: 10K of 40K
//!   updates, cosine, peak 10⁻³), epochs instead of updates; the random subnet's resolution is
//!   drawn per update (OFA's rule; MT has no resolution).
//!
//! **Measured** (digits, `small()` with 2 epochs, test accuracy after BN recalibration, seeds
//! 15 and 16; m = 1 is plain weight sharing, since a softmax over one expert is 1): largest /
//! smallest / mean over largest, smallest and 4 random subnets: m = 1: 0.961–0.967 /
//! 0.833–0.836 / 0.758–0.766; neuron-wise m = 2: 0.950–0.969 / 0.852–0.889 / 0.773–0.788; m = 4:
//! 0.961–0.969 / 0.858–0.875 / 0.801–0.813; layer-wise m = 2: 0.944–0.975 / 0.858–0.877 /
//! 0.800–0.807; m = 4: 0.961–0.969 / 0.883–0.889 / 0.798–0.846. The experts help the small
//! and medium subnets most, the paper's direction; two seeds, no standalone baseline.

mod config;
mod error;
mod model;
mod router;
mod train;

pub use crate::ofa::{ActiveBlock, active_blocks};
pub use config::MosConfig;
pub use error::MosError;
pub use model::{MosBlock, MosSupernet, arch_embedding};
pub use router::{Router, Routing, mix};
pub use train::{MosModel, MosStage};
