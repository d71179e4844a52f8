//! `kiln fed`: a federated-learning simulation (kiln-fed) on the embedded digits: clients with
//! IID or Dirichlet label-skewed shards and every message encoded, its bytes counted.
//! `--algo fedavg`: FedAvg rounds, a checkpoint per round; `--algo semipfl`: SemiPFL's
//! hypernetwork rounds ([`super::fed_semipfl`]); both append `rounds.jsonl` in `--out` and
//! continue with `--resume`. `--algo fedrecon`: federated reconnaissance's missions on
//! procedural images ([`super::fed_recon`]).

use std::path::PathBuf;

use clap::Args;
use kiln_fed::digits::{DigitsFed, Partition};

use super::device;
use crate::error::{CliError, Result};

/// `kiln fed` flags.
#[derive(Args, Debug)]
pub struct FedArgs {
    /// The algorithm: fedavg, semipfl or fedrecon (federated reconnaissance).
    #[arg(long, default_value = "fedavg")]
    pub algo: String,
    /// Data split over the clients: digits (the embedded 8×8 digits; fedavg, semipfl, fedrecon)
    /// or procedural:24 (fedrecon: 8 base and 16 field classes of 32-px procedural images).
    #[arg(long, default_value = "digits")]
    pub data: String,
    /// Number of clients.
    #[arg(long, default_value_t = 10)]
    pub clients: usize,
    /// Dirichlet concentration of the label skew (0.1: strongly skewed; 100: near IID);
    /// `iid` for equal random shards.
    #[arg(long, default_value = "0.5")]
    pub alpha: String,
    /// Smallest shard a client may get (the Dirichlet split is redrawn until every shard has it).
    #[arg(long, default_value_t = 10)]
    pub min_size: usize,
    /// Communication rounds (default: 20 for fedavg, 150 for semipfl, their `small()` presets);
    /// for fedrecon the most missions (default: until the field data run out).
    #[arg(long)]
    pub rounds: Option<usize>,
    /// fedrecon: pretraining episodes per epoch (3 epochs; default 100 on procedural:24, 200
    /// on digits).
    #[arg(long)]
    pub episodes: Option<usize>,
    /// SemiPFL: fraction of each client's training examples whose label it knows.
    #[arg(long, default_value_t = 0.05)]
    pub labels: f64,
    /// Fraction C of the clients sampled each round.
    #[arg(long, default_value_t = 0.5)]
    pub fraction: f64,
    /// Local epochs E per round.
    #[arg(long, default_value_t = 1)]
    pub local_epochs: usize,
    /// Local batch size B.
    #[arg(long, default_value_t = 16)]
    pub batch_size: usize,
    /// Seed of the splits, the initialisation and the client sampling.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Run directory: a checkpoint per round and rounds.jsonl.
    #[arg(long)]
    pub out: PathBuf,
    /// Continue from the run directory's last round.
    #[arg(long)]
    pub resume: bool,
    /// Device of the server and the clients (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
}

impl FedArgs {
    /// The FedAvg experiment these flags describe.
    ///
    /// # Errors
    /// [`CliError::Usage`] for a data set `kiln fed` does not run, or an `--alpha` that is
    /// neither `iid` nor a number; the device's error.
    pub fn experiment(&self) -> Result<DigitsFed> {
        self.check_data()?;
        let partition = match self.alpha()? {
            None => Partition::Iid,
            Some(alpha) => Partition::Dirichlet { alpha, min_size: self.min_size },
        };
        let base = DigitsFed::small();
        let rounds = self.rounds.unwrap_or(base.fedavg.settings.rounds);
        let fedavg = base
            .fedavg
            .clone()
            .with_rounds(rounds)
            .with_fraction(self.fraction)
            .with_local_epochs(self.local_epochs)
            .with_batch_size(self.batch_size);
        Ok(DigitsFed {
            fedavg,
            clients: self.clients,
            partition,
            seed: self.seed,
            device: device(&self.device)?,
            run_dir: Some(self.out.clone()),
            resume: self.resume,
            progress: true,
            ..base
        })
    }
}

impl FedArgs {
    /// `--data` must be `digits`.
    pub(super) fn check_data(&self) -> Result<()> {
        if self.data != "digits" {
            return Err(CliError::Usage(format!("kiln fed --data {}: only `digits` is supported", self.data)));
        }
        Ok(())
    }

    /// `--alpha`: `None` for `iid`, else the Dirichlet concentration.
    pub(super) fn alpha(&self) -> Result<Option<f64>> {
        if self.alpha == "iid" {
            return Ok(None);
        }
        self.alpha
            .parse()
            .map(Some)
            .map_err(|_| CliError::Usage(format!("--alpha {}: expected a positive number or `iid`", self.alpha)))
    }
}

/// Runs `kiln fed` with the algorithm `--algo` names.
///
/// # Errors
/// [`CliError::Usage`] for an unknown algorithm; those of the algorithm's run.
pub fn fed(args: FedArgs) -> Result<()> {
    match args.algo.as_str() {
        "fedavg" => fedavg(args),
        "semipfl" => super::fed_semipfl::semipfl(args),
        "fedrecon" => super::fed_recon::fedrecon(args),
        other => {
            Err(CliError::Usage(format!("kiln fed --algo {other}: known algorithms are fedavg, semipfl and fedrecon")))
        }
    }
}

/// `kiln fed --algo fedavg`: prints the final accuracy and the bytes exchanged.
///
/// # Errors
/// Those of [`FedArgs::experiment`] and of the federation (a split that cannot be made, bad
/// round settings, a failed round), typed by kiln-fed.
fn fedavg(args: FedArgs) -> Result<()> {
    let experiment = args.experiment()?;
    eprintln!(
        "FedAvg on the digits: {} clients, {:?}, {} rounds, run directory {}",
        experiment.clients,
        experiment.partition,
        experiment.fedavg.settings.rounds,
        args.out.display()
    );
    let (_, report) = experiment.run()?;
    let accuracy = report.final_accuracy().map_or("–".to_string(), |a| format!("{:.2}%", 100.0 * a));
    println!("rounds: {}{}", report.rounds.len(), if report.completed { "" } else { " (halted)" });
    println!("test accuracy after the last round: {accuracy}");
    println!("bytes sent: {}, received: {} (every message encoded)", report.bytes_sent(), report.bytes_received());
    println!("per round: {}", args.out.join("rounds.jsonl").display());
    Ok(())
}
