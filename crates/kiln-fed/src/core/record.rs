//! What a federation logs: one [`RoundRecord`] per round, appended to `rounds.jsonl`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{FedError, Result};

/// The log file of a federation, in the trainer's run directory.
pub const ROUNDS_FILE: &str = "rounds.jsonl";

/// One completed round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundRecord {
    /// The round (1-based).
    pub round: usize,
    /// Ids of the clients sampled.
    pub clients: Vec<usize>,
    /// Bytes the server sent (broadcasts).
    pub bytes_sent: u64,
    /// Bytes the server received (updates).
    pub bytes_received: u64,
    /// Wall-clock seconds of the round.
    pub seconds: f64,
    /// Mean over the sampled clients of their last local epoch's training accuracy.
    pub mean_client_accuracy: Option<f64>,
    /// Accuracy of the aggregated model on the validation data, when given.
    pub valid_accuracy: Option<f64>,
    /// Mean loss of the aggregated model on the validation data, when given.
    pub valid_loss: Option<f64>,
}

/// The result of a federation run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FedReport {
    /// Every round, in order (a resumed run includes those before the interruption).
    pub rounds: Vec<RoundRecord>,
    /// Whether every round ran (false when halted early).
    pub completed: bool,
}

impl FedReport {
    /// Bytes the server sent over all rounds.
    pub fn bytes_sent(&self) -> u64 {
        self.rounds.iter().map(|r| r.bytes_sent).sum()
    }

    /// Bytes the server received over all rounds.
    pub fn bytes_received(&self) -> u64 {
        self.rounds.iter().map(|r| r.bytes_received).sum()
    }

    /// The last round's validation accuracy.
    pub fn final_accuracy(&self) -> Option<f64> {
        self.rounds.last().and_then(|r| r.valid_accuracy)
    }

    /// Validation accuracy per round (`NaN` where none was measured).
    pub fn accuracy_curve(&self) -> Vec<f64> {
        self.rounds.iter().map(|r| r.valid_accuracy.unwrap_or(f64::NAN)).collect()
    }
}

/// `rounds.jsonl` of a run directory.
pub fn rounds_path(run_dir: &Path) -> PathBuf {
    run_dir.join(ROUNDS_FILE)
}

/// Reads the records of `rounds.jsonl` (none when the file does not exist).
///
/// # Errors
/// [`FedError::File`] naming the file and line of an unreadable record.
pub fn read_rounds(path: &Path) -> Result<Vec<RoundRecord>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = fs::read_to_string(path).map_err(|e| FedError::file(path, e))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| FedError::file(path, format!("line {}: {e}", i + 1))))
        .collect()
}

/// Rewrites `rounds.jsonl` with exactly `records` (a resumed run drops rounds after its
/// checkpoint).
///
/// # Errors
/// [`FedError::File`] when it cannot be written.
pub fn write_rounds(path: &Path, records: &[RoundRecord]) -> Result<()> {
    let mut text = String::new();
    for r in records {
        text.push_str(&serde_json::to_string(r).map_err(|e| FedError::file(path, e))?);
        text.push('\n');
    }
    fs::write(path, text).map_err(|e| FedError::file(path, e))
}

/// Appends one record to `rounds.jsonl`.
///
/// # Errors
/// [`FedError::File`] when it cannot be written.
pub fn append_round(path: &Path, record: &RoundRecord) -> Result<()> {
    let line = serde_json::to_string(record).map_err(|e| FedError::file(path, e))?;
    let mut file = fs::OpenOptions::new().create(true).append(true).open(path).map_err(|e| FedError::file(path, e))?;
    writeln!(file, "{line}").map_err(|e| FedError::file(path, e))
}
