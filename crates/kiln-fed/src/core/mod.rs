//! The federation core: clients and splits, messages and their encoding, transports, the
//! aggregator trait, and the round runner on the training engine.
//!
//! - [`split_iid`], [`split_dirichlet`], [`split_by_class`]: example indices per client;
//!   [`clients_from_shards`] turns them into [`Client`]s.
//! - [`ParamSet`]: a module's float parameters as named host tensors (burn's visitor/mapper).
//! - [`Message`] and [`codec`]: what crosses the client/server boundary, encoded as
//!   `"KFED" version kind len payload` (little-endian), so every exchange is counted in bytes.
//! - [`Transport`], [`InProcess`]: delivery; algorithms see only the trait.
//! - [`Aggregator`], [`RoundSettings`]: an algorithm's server side.
//! - [`Federation`]: rounds as `Phase::action("round-0012", …)` of the server's run, sampled
//!   clients training in threads, `rounds.jsonl`, per-round checkpoints and resume.

mod aggregate;
mod client;
pub mod codec;
mod dirichlet;
mod federation;
mod message;
mod params;
pub mod record;
mod round;
mod source;
mod split;
mod transport;

pub use aggregate::{Aggregator, ClientUpdate, RoundSettings};
pub use client::{Client, clients_from_shards};
pub use codec::{decode, encode};
pub use dirichlet::{gamma, symmetric_dirichlet};
pub use federation::{Federation, round_name};
pub use message::{Message, PrototypeEntry};
pub use params::{NamedTensor, ParamSet};
pub use record::{FedReport, ROUNDS_FILE, RoundRecord};
pub use round::{CLIENT_STREAM, SAMPLE_STREAM};
pub use split::{MAX_DIRICHLET_ATTEMPTS, split_by_class, split_dirichlet, split_iid};
pub use transport::{Endpoint, InProcess, Transport, recv_broadcast, recv_updates};
