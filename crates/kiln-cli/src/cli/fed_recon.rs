//! `kiln fed --algo fedrecon`: federated reconnaissance (Hendryx et al., 2021) on procedural
//! images, kiln-fed's `ReconBenchmarkConfig::small()` with the command line's clients, seed,
//! missions (`--rounds`) and pretraining episodes: a 4-block conv encoder trained by
//! prototypical episodes on the base classes, then missions in which clients learn new classes
//! as prototypes and the server merges them by count-weighted averaging. Writes `report.json`
//! in `--out` (every mission's client and server accuracies and bytes).

use std::fs;

use kiln_fed::fedrecon::{ReconBenchmark, ReconBenchmarkConfig};

use super::device;
use super::fed::FedArgs;
use crate::artifact::write_json;
use crate::error::{CliError, Result};

/// The data `--algo fedrecon` runs on.
pub const RECON_DATA: &str = "procedural:24";

impl FedArgs {
    /// The benchmark these flags describe.
    fn recon_config(&self) -> Result<ReconBenchmarkConfig> {
        if self.data != RECON_DATA {
            return Err(CliError::Usage(format!(
                "kiln fed --algo fedrecon --data {}: federated reconnaissance runs on `{RECON_DATA}` (8 base and 16 field classes of procedural images)",
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
    fs::create_dir_all(&args.out).map_err(|e| kiln_core::CoreError::io(&args.out, e))?;
    let path = args.out.join("report.json");
    write_json(&path, &report)?;
    println!("missions: {}", report.missions.len());
    println!("report: {}", path.display());
    Ok(())
}
