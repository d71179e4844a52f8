//! `kiln fed --algo semipfl`: SemiPFL (Tashakori et al., IEEE IoT J. 2023) on the federated
//! digits, kiln-fed's `small()` preset with the command line's clients, label skew, label
//! fraction, rounds and seed.
//!
//! The run directory gets `setup.json` (the split and settings, compared on `--resume`, where
//! only `--rounds` may change),
//! `rounds.jsonl` (one [`RoundRecord`] per round), a checkpoint every
//! [`CHECKPOINT_EVERY`] rounds and after the last (hypernetwork, server Adam state, rounds
//! done) and `clients.json` (each client's personalised macro F1).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use kiln_fed::semipfl::{DigitsSetup, RoundRecord, SemiPfl, SemiPflConfig};
use serde::{Deserialize, Serialize};

use super::device;
use super::fed::FedArgs;
use crate::artifact::{differences, read_json, write_json};
use crate::error::{CliError, Result};

/// Rounds between checkpoints (the hypernetwork and its Adam state are a few MB).
pub const CHECKPOINT_EVERY: usize = 10;

/// What a SemiPFL run directory was started with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Setup {
    data: DigitsSetup,
    config: SemiPflConfig,
}

fn metadata_error(path: &Path, e: impl ToString) -> CliError {
    CliError::Metadata { path: path.to_path_buf(), message: e.to_string() }
}

impl FedArgs {
    /// The SemiPFL run these flags describe.
    fn semipfl_setup(&self) -> Result<Setup> {
        self.check_data()?;
        let alpha = self.alpha()?.ok_or_else(|| {
            CliError::Usage(
                "kiln fed --algo semipfl --alpha iid: SemiPFL's split is Dirichlet; give a number (100 is near IID)"
                    .into(),
            )
        })?;
        let data = DigitsSetup {
            clients: self.clients,
            alpha,
            label_fraction: self.labels,
            seed: self.seed,
            ..DigitsSetup::small()
        };
        let base = SemiPflConfig::small();
        let config = SemiPflConfig { rounds: self.rounds.unwrap_or(base.rounds), seed: self.seed, ..base };
        config.validate()?;
        Ok(Setup { data, config })
    }
}

/// Writes `setup.json`, or on `--resume` checks that the recorded one is `setup` (only
/// `config.rounds` may differ: more rounds may be asked for when resuming).
fn record_setup(out: &Path, setup: &Setup, resume: bool) -> Result<()> {
    let path = out.join("setup.json");
    // Through `Setup` on both sides, so f32 settings compare as the same f32.
    let as_value = |s: &Setup| serde_json::to_value(s).map_err(|e| metadata_error(&path, e));
    if resume && path.exists() {
        let recorded: Setup = read_json(&path)?;
        let mut fields = Vec::new();
        differences(&as_value(&recorded)?, &as_value(setup)?, "", &mut fields);
        fields.retain(|f| !f.starts_with("config.rounds:"));
        if !fields.is_empty() {
            return Err(CliError::ResumeMismatch { path, fields: fields.join(", ") });
        }
        return Ok(());
    }
    fs::create_dir_all(out).map_err(|e| metadata_error(out, e))?;
    write_json(&path, setup)
}

/// Appends one round to `rounds.jsonl`.
fn log_round(path: &PathBuf, record: &RoundRecord) -> Result<()> {
    let line = serde_json::to_string(record).map_err(|e| metadata_error(path, e))?;
    let mut file = OpenOptions::new().create(true).append(true).open(path).map_err(|e| metadata_error(path, e))?;
    writeln!(file, "{line}").map_err(|e| metadata_error(path, e))
}

/// Runs `kiln fed --algo semipfl`: the rounds, then every client's personalised model; prints
/// the mean macro F1 and the bytes exchanged.
///
/// # Errors
/// [`CliError::Usage`] for `--alpha iid` or another data set; [`CliError::ResumeMismatch`] when
/// `--resume` is given other settings than the run's; kiln-fed's errors for bad settings, a
/// split that cannot be made or an unreadable checkpoint.
pub fn semipfl(args: FedArgs) -> Result<()> {
    let setup = args.semipfl_setup()?;
    let data = setup.data.build()?;
    let device = device(&args.device)?;
    record_setup(&args.out, &setup, args.resume)?;
    device.seed(setup.config.seed);
    let clients = setup.data.clients;
    let mut server = if args.resume {
        SemiPfl::resume(setup.config.clone(), clients, &device, &args.out)?
    } else {
        SemiPfl::new(setup.config.clone(), clients, &device)?
    };
    let log = args.out.join("rounds.jsonl");
    if !args.resume {
        let _ = fs::remove_file(&log);
    }
    eprintln!(
        "SemiPFL on the digits: {clients} clients, Dir({}), {:.0}% labels, rounds {}..{}, run directory {}",
        setup.data.alpha,
        100.0 * setup.data.label_fraction,
        server.rounds_done() + 1,
        setup.config.rounds,
        args.out.display()
    );
    let (mut sent, mut received) = (0u64, 0u64);
    while server.rounds_done() < setup.config.rounds {
        let record = server.round(&data)?;
        sent += record.bytes_sent;
        received += record.bytes_received;
        log_round(&log, &record)?;
        if record.round % CHECKPOINT_EVERY == 0 || record.round == setup.config.rounds {
            server.save_checkpoint(&args.out)?;
        }
        if record.round % CHECKPOINT_EVERY == 0 {
            eprintln!("round {}: reconstruction MSE {:.4} → {:.4}", record.round, record.mse_before, record.mse_after);
        }
    }
    let outcomes = server.evaluate(&data)?;
    let path = args.out.join("clients.json");
    write_json(&path, &outcomes)?;
    let f1 = outcomes.iter().map(|o| o.f1).sum::<f64>() / outcomes.len().max(1) as f64;
    println!("rounds: {}", server.rounds_done());
    println!("mean macro F1 over clients: {:.2}%", 100.0 * f1);
    println!(
        "bytes sent: {sent}, received: {received} in this run's rounds; {} for personalisation",
        outcomes.iter().map(|o| o.bytes).sum::<u64>()
    );
    println!("per round: {}; per client: {}", log.display(), path.display());
    Ok(())
}
