//! What the commands print: evaluations, training summaries, explanations.

use std::collections::BTreeMap;

use kiln_core::train::Evaluation;

use crate::artifact::TrainSummary;
use crate::registry::ExplainOutput;

/// Confusion matrices of more classes than this are not printed (they stay in the run
/// directory's `summary.json`).
pub const MAX_PRINTED_CLASSES: usize = 20;

/// The held-out evaluation: loss, the task's metrics, and accuracy, top-k and confusion matrix
/// for classifiers.
pub fn print_evaluation(eval: &Evaluation, metrics: &BTreeMap<String, f64>) {
    println!("test loss: {:.4}", eval.loss);
    for (name, value) in metrics {
        println!("test {name}: {value:.4}");
    }
    if let Some(c) = &eval.classification {
        println!("test accuracy: {:.2}% ({} / {})", c.accuracy() * 100.0, c.correct, c.total);
        println!("test top-{} accuracy: {:.2}%", c.k, c.topk_accuracy() * 100.0);
        let n = c.confusion.len();
        if n > MAX_PRINTED_CLASSES {
            println!(
                "confusion: {n}×{n}, not printed above {MAX_PRINTED_CLASSES} classes (it is in the run \
                 directory's summary.json)"
            );
        } else {
            println!("confusion (rows: true class, columns: predicted):");
            for row in &c.confusion {
                println!("  {}", row.iter().map(|v| format!("{v:>4}")).collect::<String>());
            }
        }
    }
}

/// A training run's outcome: whether it completed, the last validation accuracy, the test
/// evaluation.
pub fn print_training(summary: &TrainSummary) {
    if !summary.report.completed {
        println!("halted after {} epochs; continue with --resume", summary.report.epochs());
    }
    if let Some(acc) = summary.report.final_valid_accuracy() {
        println!("validation accuracy: {:.2}%", acc * 100.0);
    }
    print_evaluation(&summary.test, &summary.metrics);
}

/// An explanation and the files written.
pub fn print_explanation(out: &ExplainOutput) {
    println!("true class {}", out.label);
    print!("{}", out.explanation.to_text());
    let gallery = out.gallery.as_ref().map(|g| format!(" and {}", g.display())).unwrap_or_default();
    println!("wrote {}, {}{gallery}", out.png.display(), out.json.display());
}
