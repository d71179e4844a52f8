//! FedAvg on the embedded 8×8 digits, ready to call: the experiment of the reproduce program
//! and of the CLI (`kiln fed`).
//!
//! The 1,797 digits are split 80/20 into train and test by the seed; the training part is
//! split over the clients (IID, or label-skewed by `Dir(α)`); the model is a 64 → hidden → 10
//! MLP on the 64 pixel values in [0, 1]; the test part is the validation set of every round.

use std::path::PathBuf;

use burn::prelude::Device;
use kiln_core::nn::{Mlp, MlpConfig};
use kiln_core::train::Trainer;
use kiln_data::{DataLoader, VectorBatcher, VectorExample, digits, split};
use serde::{Deserialize, Serialize};

use crate::core::{FedReport, Federation, InProcess, clients_from_shards, split_dirichlet, split_iid};
use crate::error::{FedError, Result};
use crate::fedavg::FedAvg;

/// The embedded digits as 64 features in [0, 1], split 80/20 into (train, test) by `seed`.
///
/// # Errors
/// [`FedError::File`] when the embedded data cannot be read.
pub fn digit_vectors(seed: u64) -> Result<(Vec<VectorExample>, Vec<VectorExample>)> {
    let items: Vec<VectorExample> = digits()
        .map_err(|e| FedError::file("<embedded digits>", e))?
        .into_iter()
        .map(|e| VectorExample { features: e.image.pixels, label: e.label })
        .collect();
    let parts = split(items, 0.0, 0.2, seed);
    Ok((parts.train, parts.test))
}

/// How to split the training digits over the clients.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Partition {
    /// Equal random shards.
    Iid,
    /// Label skew: class shares per client `~ Dir(α)`, every shard at least `min_size`.
    Dirichlet {
        /// Concentration α (0.1: strongly skewed; 100: near IID).
        alpha: f64,
        /// Minimum shard size (redrawn until met).
        min_size: usize,
    },
}

/// A FedAvg run on the digits.
#[derive(Debug, Clone)]
pub struct DigitsFed {
    /// The algorithm and its round settings.
    pub fedavg: FedAvg,
    /// Number of clients.
    pub clients: usize,
    /// How the training digits are split.
    pub partition: Partition,
    /// Width of the MLP's hidden layer.
    pub hidden: usize,
    /// Seed of the train/test split, the client split, the initialisation and every round.
    pub seed: u64,
    /// Server device (and clients' device).
    pub device: Device,
    /// Run directory (checkpoints per round, `rounds.jsonl`), if any.
    pub run_dir: Option<PathBuf>,
    /// Continue from the run directory's last round.
    pub resume: bool,
    /// One line per round on stderr.
    pub progress: bool,
}

impl DigitsFed {
    /// FedAvg's CPU preset ([`FedAvg::small`]: 10 clients, `C = 0.5`, `E = 1`, `B = 16`, 20
    /// rounds) with Dirichlet α = 0.5 (min. 10 examples per client), hidden width 64, on flex.
    pub fn small() -> Self {
        let fedavg = FedAvg::small();
        Self {
            clients: fedavg.clients,
            fedavg,
            partition: Partition::Dirichlet { alpha: 0.5, min_size: 10 },
            hidden: 64,
            seed: 0,
            device: Device::flex(),
            run_dir: None,
            resume: false,
            progress: false,
        }
    }

    /// Runs the federation. The model is initialised from `device.seed(seed)` (burn's
    /// process-wide RNG: run one experiment at a time for reproducible numbers).
    ///
    /// # Errors
    /// A bad split (`alpha`, too few examples), bad round settings, or a failed round.
    pub fn run(&self) -> Result<(Mlp, FedReport)> {
        let (train, test) = digit_vectors(self.seed)?;
        let labels: Vec<usize> = train.iter().map(|e| e.label).collect();
        let shards = match self.partition {
            Partition::Iid => split_iid(labels.len(), self.clients, self.seed)?,
            Partition::Dirichlet { alpha, min_size } => {
                split_dirichlet(&labels, self.clients, alpha, min_size, self.seed)?
            }
        };
        let clients = clients_from_shards(&train, &shards, &self.device);
        self.device.seed(self.seed);
        let model = MlpConfig::new(64, 10).with_hidden(vec![self.hidden]).init(&self.device);
        let mut trainer = Trainer::new(self.device.clone()).with_seed(self.seed).with_resume(self.resume);
        if let Some(dir) = &self.run_dir {
            trainer = trainer.with_run_dir(dir);
        }
        Federation::new(model, clients, self.fedavg.clone(), VectorBatcher::default())
            .with_transport(InProcess::new())
            .with_validation(DataLoader::new(test, VectorBatcher::default(), 512))
            .with_progress(self.progress)
            .run(&trainer)
    }
}
