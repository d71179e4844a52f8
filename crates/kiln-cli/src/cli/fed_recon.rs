//! `kiln fed --algo fedrecon`: federated reconnaissance (Hendryx et al., 2021). On
//! `procedural:24`, kiln-fed's `ReconBenchmarkConfig::small()` with the command line's clients,
//! seed, missions (`--rounds`) and pretraining episodes: a 4-block conv encoder trained by
//! prototypical episodes on the base classes, then missions in which clients learn new classes
//! as prototypes and the server merges them by count-weighted averaging. On `digits`,
//! `DigitsRecon::small()`: an MLP encoder pretrained by episodes on digits 0–4, one mission
//! reporting them and one bringing 5–9, with the base digits' accuracy before and after.
//! Writes `report.json` in `--out`.

use std::fs;
use std::path::{Path, PathBuf};

use kiln_fed::fedrecon::{DigitsRecon, EncoderTraining, ReconBenchmark, ReconBenchmarkConfig};
use serde::Serialize;

use super::device;
use super::fed::FedArgs;
use crate::artifact::write_json;
use crate::error::{CliError, Result};

/// The data `--algo fedrecon` runs on: procedural images, or the digits.
pub const RECON_DATA: &str = "procedural:24";

impl FedArgs {
    /// The digits run these flags describe.
    fn digits_recon(&self) -> Result<DigitsRecon> {
        if self.rounds.is_some() {
            return Err(CliError::Usage(
                "kiln fed --algo fedrecon --data digits --rounds: the digits run has two missions (base digits 0–4, then 5–9); leave --rounds out".into(),
            ));
        }
        let mut recon = DigitsRecon::small().with_seed(self.seed);
        recon.clients = self.clients;
        if let (Some(episodes), EncoderTraining::Episodes(training)) = (self.episodes, &mut recon.training) {
            training.episodes_per_epoch = episodes;
        }
        Ok(recon)
    }

    /// The benchmark these flags describe.
    fn recon_config(&self) -> Result<ReconBenchmarkConfig> {
        if self.data != RECON_DATA {
            return Err(CliError::Usage(format!(
                "kiln fed --algo fedrecon --data {}: federated reconnaissance runs on `{RECON_DATA}` (8 base and 16 field classes of procedural images) or `digits`",
                self.data
            )));
        }
        let mut config = ReconBenchmarkConfig::small().with_seed(self.seed);
        config.clients = self.clients;
        config.max_missions = self.rounds;
        if let Some(episodes) = self.episodes {
            config.training.episodes_per_epoch = episodes;
        }
        config.validate()?;
        Ok(config)
    }
}

/// Runs `kiln fed --algo fedrecon`: prints each mission's server accuracies and writes
/// `report.json`.
///
/// # Errors
/// [`CliError::Usage`] for another data set or `--resume` (a run is minutes; it restarts);
/// kiln-fed's typed errors for bad settings (0 clients, 0 missions, 0 episodes).
pub fn fedrecon(args: FedArgs) -> Result<()> {
    if args.resume {
        return Err(CliError::Usage(
            "kiln fed --algo fedrecon --resume: federated reconnaissance runs are not resumable; start it again".into(),
        ));
    }
    if args.data == "digits" {
        return digits(&args);
    }
    let config = args.recon_config()?;
    let device = device(&args.device)?;
    eprintln!(
        "federated reconnaissance on {RECON_DATA}: {} clients, {} classes × {} images per mission, encoder pretrained on {} episodes",
        config.clients,
        config.classes_per_mission,
        config.examples_per_class,
        config.training.episodes_per_epoch * config.training.epochs
    );
    let report = ReconBenchmark::run(&config, &device)?;
    println!("base accuracy before any mission: {:.2}%", 100.0 * report.eval0_base_accuracy);
    for m in &report.missions {
        println!(
            "mission {}: server base {:.2}%, field {:.2}% ({} field classes), {} bytes received",
            m.mission,
            100.0 * m.server.base_accuracy,
            100.0 * m.server.field_accuracy,
            m.server.field_classes.len(),
            m.bytes_received
        );
    }
    let path = write_report(&args.out, &report)?;
    println!("missions: {}", report.missions.len());
    println!("report: {}", path.display());
    Ok(())
}

/// Writes `value` as `report.json` in `out` (created if missing) and returns the file's path.
fn write_report(out: &Path, value: &impl Serialize) -> Result<PathBuf> {
    fs::create_dir_all(out).map_err(|e| kiln_core::CoreError::io(out, e))?;
    let path = out.join("report.json");
    write_json(&path, value)?;
    Ok(path)
}

/// `--data digits`: prints the base digits' accuracy before and after the new digits came and
/// writes `report.json` (the settings and the record).
fn digits(args: &FedArgs) -> Result<()> {
    let recon = args.digits_recon()?;
    let device = device(&args.device)?;
    eprintln!(
        "federated reconnaissance on digits: an MLP encoder pretrained on digits 0–{}, {} clients",
        recon.base_classes - 1,
        recon.clients
    );
    let record = recon.run(&device)?;
    println!("base digits after mission 1: {:.2}%", 100.0 * record.base_before);
    println!("base digits after mission 2: {:.2}%", 100.0 * record.base_after);
    println!("new digits: {:.2}%, all ten: {:.2}%", 100.0 * record.field, 100.0 * record.all);
    let path = write_report(&args.out, &serde_json::json!({ "settings": recon, "record": record }))?;
    println!("report: {}", path.display());
    Ok(())
}
