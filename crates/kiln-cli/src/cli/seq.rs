//! `kiln seq forecast`: long-horizon forecasting of a user's CSV with TPGN (kiln-seq): train on
//! the file's training split, test on its test split, write the predictions and metrics.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use kiln_seq::io::ett::Features;
use kiln_seq::{ForecastOptions, TpgnConfig, forecast_csv};

use super::device;
use crate::error::{CliError, Result};

/// `kiln seq` commands.
#[derive(Subcommand, Debug)]
pub enum SeqCommand {
    /// Forecast a CSV's target column with TPGN (Jia et al., NeurIPS 2024): an ETT/Autoformer
    /// file (a `date` column `YYYY-MM-DD HH:MM:SS`, numeric columns), split chronologically
    /// (ETTh borders 8640/2880/2880 for a file named ETTh*, else 70/10/20), standardised with the
    /// training statistics. Writes predictions.csv (forecast and truth in the file's units),
    /// metrics.json (MSE/MAE beside seasonal naive), model.bpk and config.json.
    ///
    /// Example: kiln seq forecast --csv ETTh1.csv --target OT --seq-len 168 --pred-len 96 --out runs/ett
    Forecast(ForecastArgs),
}

/// `kiln seq forecast` flags.
#[derive(Args, Debug)]
pub struct ForecastArgs {
    /// The CSV file.
    #[arg(long)]
    pub csv: PathBuf,
    /// The column to forecast.
    #[arg(long, default_value = "OT")]
    pub target: String,
    /// Input length L (a multiple of the period 24).
    #[arg(long, default_value_t = 168)]
    pub seq_len: usize,
    /// Horizon H.
    #[arg(long, default_value_t = 96)]
    pub pred_len: usize,
    /// `S`: the target alone (the paper's setting); `M`: every numeric column, target last.
    #[arg(long, default_value = "S")]
    pub features: String,
    /// Training epochs (default: the CPU preset's 10; early stopping on the validation split).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Seed of the initialisation and the shuffle.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    /// Device (default: $KILN_DEVICE or auto).
    #[arg(long, env = "KILN_DEVICE", default_value = "auto")]
    pub device: String,
}

/// Runs `kiln seq`.
///
/// # Errors
/// [`CliError::Usage`] for a `--features` other than S or M; kiln-seq's typed errors for the
/// file (naming its row and column) and the lengths.
pub fn seq(command: SeqCommand) -> Result<()> {
    let SeqCommand::Forecast(args) = command;
    let features = match args.features.as_str() {
        "S" | "s" => Features::S,
        "M" | "m" => Features::M,
        other => return Err(CliError::Usage(format!("--features {other}: expected S or M"))),
    };
    let device = device(&args.device)?;
    let config = args.epochs.map(|epochs| TpgnConfig { epochs, ..TpgnConfig::small(args.seq_len, args.pred_len) });
    let options = ForecastOptions {
        features,
        config,
        seed: args.seed,
        progress: true,
        ..ForecastOptions::new(&args.csv, &args.target, args.seq_len, args.pred_len, &args.out)
    };
    eprintln!(
        "TPGN on {} ({}), {} → {} steps, output {}",
        args.csv.display(),
        args.target,
        args.seq_len,
        args.pred_len,
        args.out.display()
    );
    let report = forecast_csv(&options, &device)?;
    println!("test windows: {}", report.test_windows);
    println!("TPGN: MSE {:.4}, MAE {:.4} (standardised)", report.metrics.mse, report.metrics.mae);
    println!("seasonal naive: MSE {:.4}, MAE {:.4}", report.naive.mse, report.naive.mae);
    println!("predictions: {}", report.predictions.display());
    println!("metrics: {}", report.metrics_file.display());
    Ok(())
}
