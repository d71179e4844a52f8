//! Progress bar (indicatif) and the metrics log (`metrics.jsonl`, one JSON object per epoch).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::report::EpochRecord;
use crate::error::{CoreError, Result};

/// Appends epoch records to `metrics.jsonl` in the run directory.
pub struct MetricsLog {
    file: Option<File>,
}

impl MetricsLog {
    /// Opens (appending) the log in `run_dir`, or a no-op log without a run directory.
    pub fn open(run_dir: Option<&Path>) -> Result<Self> {
        let file = match run_dir {
            Some(dir) => {
                let path = dir.join("metrics.jsonl");
                Some(OpenOptions::new().create(true).append(true).open(&path).map_err(|e| CoreError::io(&path, e))?)
            }
            None => None,
        };
        Ok(Self { file })
    }

    /// Writes one record.
    pub fn write(&mut self, record: &EpochRecord) {
        if let Some(file) = &mut self.file
            && let Ok(line) = serde_json::to_string(record)
        {
            let _ = writeln!(file, "{line}");
        }
    }
}

/// A per-epoch progress bar that shows the running loss and accuracy; hidden when disabled or
/// when stderr is not a terminal.
pub fn epoch_bar(show: bool, len: usize, label: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{prefix:>16} [{bar:30}] {pos}/{len} {elapsed} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(label.to_string());
    bar
}

/// One line summarising an epoch, e.g. `joint 3/10  loss 0.412 acc 91.2% | valid loss 0.5 acc 90.1%`.
pub fn summary_line(record: &EpochRecord, epochs_in_phase: usize) -> String {
    let fmt = |m: &std::collections::BTreeMap<String, f64>| {
        let mut s = format!("loss {:.4}", m.get("loss").copied().unwrap_or(f64::NAN));
        if let Some(acc) = m.get("accuracy") {
            s.push_str(&format!(" acc {:.2}%", acc * 100.0));
        }
        s
    };
    let train = if record.train.is_empty() { "done".to_string() } else { fmt(&record.train) };
    let mut line = format!("{} {}/{}  {}", record.phase, record.epoch + 1, epochs_in_phase, train);
    if let Some(valid) = &record.valid {
        line.push_str(&format!(" | valid {}", fmt(valid)));
    }
    line.push_str(&format!("  ({:.1}s)", record.seconds));
    line
}
