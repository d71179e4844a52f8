//! Per-partition results over seeds: accuracy at a round, rounds to a target, megabytes, and
//! the accuracy-against-rounds chart.

use kiln_core::experiment::{ResultsPage, mean};
use kiln_fed::core::FedReport;
use kiln_render::{Chart, Legend, Series};

/// The runs of one partition, one per seed.
pub struct Outcome {
    /// The partition's label.
    pub label: &'static str,
    /// One report per seed.
    pub runs: Vec<FedReport>,
}

impl Outcome {
    /// Test accuracy after round `round` (1-based) of each run.
    pub fn accuracy_at(&self, round: usize) -> Vec<f64> {
        self.runs.iter().filter_map(|r| r.rounds.get(round.saturating_sub(1))?.valid_accuracy).collect()
    }

    /// The first round whose accuracy reaches `target`, per run.
    pub fn rounds_to(&self, target: f64) -> Vec<Option<usize>> {
        self.runs
            .iter()
            .map(|r| r.rounds.iter().find(|x| x.valid_accuracy.is_some_and(|a| a >= target)).map(|x| x.round))
            .collect()
    }

    /// Megabytes the server sent (`true`) or received (`false`), per run.
    pub fn megabytes(&self, sent: bool) -> Vec<f64> {
        self.runs.iter().map(|r| if sent { r.bytes_sent() } else { r.bytes_received() } as f64 / 1e6).collect()
    }

    /// Mean accuracy per round over the runs.
    pub fn mean_curve(&self) -> Vec<f64> {
        let rounds = self.runs.iter().map(|r| r.rounds.len()).min().unwrap_or(0);
        (1..=rounds).map(|round| mean(&self.accuracy_at(round))).collect()
    }
}

/// Accuracy against rounds, one line per partition.
pub fn save_chart(outcomes: &[Outcome], page: &ResultsPage, name: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut chart = Chart::new("FedAvg on digits, 10 clients: test accuracy")
        .x_label("round")
        .y_label("accuracy")
        .y_range(0.0, 1.0)
        .legend(Legend::LowerRight);
    for o in outcomes {
        chart = chart.series(Series::values(o.label, 1.0, &o.mean_curve()));
    }
    chart.save_png(page.asset(name)?)?;
    Ok(())
}
