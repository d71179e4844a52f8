//! # kiln-fed
//!
//! Federated learning on Kiln's training engine: simulated clients with non-IID shards, each
//! exchange encoded as bytes and counted, rounds run as engine actions with per-round
//! checkpoints and resume.
//!
//! - [`core`]: clients and splits (IID, Dirichlet, by class), [`Message`](core::Message)s and
//!   their versioned binary encoding, [`Transport`](core::Transport)s, the
//!   [`Aggregator`](core::Aggregator) trait and the [`Federation`](core::Federation) runner.
//! - [`fedavg`]: FedAvg (McMahan et al., AISTATS 2017).
//! - [`digits`]: FedAvg on the embedded digits, IID or Dirichlet-split: the experiment of the
//!   reproduce program and of the CLI ([`digits::DigitsFed::run`]).
//!
//! - [`fedrecon`]: federated reconnaissance (Hendryx et al. 2021): class-incremental learning
//!   by merging clients' class prototypes over a fixed embedding.
//!
//! - [`semipfl`]: SemiPFL (Tashakori et al., IEEE IoT J. 2023): a server hypernetwork
//!   generates each client's autoencoder, trained on unlabelled data; a base model trained on
//!   the server's few labels is personalised by the clients' encoders and labels.
//!
//! ```ignore
//! use kiln_fed::core::{Federation, InProcess, clients_from_shards, split_dirichlet};
//! use kiln_fed::fedavg::FedAvg;
//!
//! let labels: Vec<usize> = train.iter().map(|e| e.label).collect();
//! let shards = split_dirichlet(&labels, 10, 0.5, 10, seed)?;
//! let clients = clients_from_shards(&train, &shards, &device);
//! let (model, report) = Federation::new(model, clients, FedAvg::small(), VectorBatcher::default())
//!     .with_transport(InProcess::new())
//!     .with_validation(test_loader)
//!     .run(&Trainer::new(device).with_seed(seed).with_run_dir("runs/fed"))?;
//! ```

pub mod core;
pub mod digits;
pub mod error;
pub mod fedavg;
pub mod fedrecon;
pub mod semipfl;

pub use error::{FedError, Result};
