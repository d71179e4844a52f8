//! SemiPFL: Tashakori, Zhang, Wang & Servati, "SemiPFL: Personalized Semi-Supervised Federated
//! Learning Framework for Edge Intelligence", IEEE Internet of Things Journal, 2023; official
//! code `arvintashakori/SemiPFL` (`Scripts/models.py`, `Scripts/SemiPFL.py`).
//!
//! Clients hold mostly unlabelled data and a few labels; the server holds a small labelled set.
//! A hypernetwork on the server generates each client's personal autoencoder:
//!
//! - `θ_i = h(v_i; φ)`: a learned client embedding `v_i` (width `1 + ⌊n/4⌋`) → MLP (width 100,
//!   ReLU) → one linear head per tensor of the autoencoder ([`Hypernetwork`]).
//! - The client loads `θ_i` and trains the autoencoder on its unlabelled inputs (MSE,
//!   Adam 1e-3, weight decay 5e-5, 5 epochs) → `θ̃_i`, and sends it back.
//! - The server steps `(φ, v)` with Adam 1e-3 along
//!   `∇_φ = (∂θ_i/∂φ)ᵀ(θ_i − θ̃_i)`, clipped to global norm 50. In burn this is the gradient
//!   of the surrogate `Σ_t ⟨θ_{i,t}(φ), detach(θ_{i,t} − θ̃_{i,t})⟩` ([`surrogate`]), equal to
//!   the gradient of `½‖θ_i(φ) − θ̃_i‖²` at the current `φ`.
//! - Personalisation ([`SemiPfl::personalise`]): the server encodes its labelled set with client
//!   `i`'s encoder, keeps the examples with reconstruction MSE `< 0.05`
//!   ([`below_threshold`]), trains a base model `BN → FC latent→16 → ReLU → BN → FC →
//!   log-softmax` (NLL, 5 epochs) on them and sends it; the client fine-tunes it on its
//!   encoded labels (5 epochs). Metric: macro F1 ([`macro_f1`]) on the client's test part.
//!
//! Every `θ_i`, `θ̃_i` and base model crosses as a [`Message`](crate::core::Message) through an
//! [`InProcess`](crate::core::InProcess) transport, so bytes are counted.
//!
//! Deviations (also in the reproduce page):
//! - The code trains one base model (`num_base_models = 1`); so does this. The paper's
//!   aggregation of several base models is not implemented.
//! - The code's AE is fully connected `in → 256 → 128 → 64` with a Tanh output
//!   ([`SemiPflConfig::new`]); the CPU preset uses `64 → 64 → 32 → 16` on the 8×8 digits and
//!   2 hidden hypernetwork layers instead of 10 (10 train much slower on 2 cores and on 60
//!   rounds; settable).
//! - The base model is trained and fine-tuned when a client is evaluated, not in every round
//!   (it does not feed back into the hypernetwork, so the final metric is the same protocol);
//!   it is fine-tuned whole (one version of the code re-initialises and trains only `fc2`).
//! - When fewer than 2 server examples pass the MSE filter, all are used (the code would train
//!   on an empty set).
//! - The CPU preset trains the base model 30 epochs at lr 1e-2 in batches of 16: with 100
//!   server examples, 5 epochs of batch 128 at 1e-3 are 5 Adam steps and learn nothing.
//! - A round serves `clients_per_round` clients one after the other, one server step each
//!   (the code: one client per step).
//! - Data: MobiAct windows in the paper; here the embedded digits, each client seeing them
//!   rotated, dimmed and shifted ([`ClientView`]) with a `Dir(α)` label skew ([`DigitsSetup`]).

mod autoencoder;
mod base;
pub mod baselines;
mod config;
mod data;
mod hypernet;
pub mod local;
mod metrics;
mod server;

pub use autoencoder::{Autoencoder, AutoencoderConfig};
pub use base::{BaseModel, nll};
pub use config::SemiPflConfig;
pub use data::{ClientData, ClientView, DigitsSetup, FedDigits, SIDE};
pub use hypernet::{Hypernetwork, HypernetworkConfig, clip_global_norm, difference, surrogate};
pub use local::LocalLoop;
pub use metrics::{below_threshold, confusion, macro_f1, macro_f1_of};
pub use server::{ClientOutcome, RoundRecord, SemiPfl, num_classes};
