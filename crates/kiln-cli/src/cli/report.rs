//! What the commands print: evaluations, training summaries, explanations.

use std::collections::BTreeMap;

use kiln_core::train::Evaluation;
use kiln_proto::characteristics::Scope;
use kiln_proto::explain::Explanation;
use kiln_proto::interpretability::InterpretabilityReport;

use crate::artifact::TrainSummary;
use crate::registry::{Characteristics, ExplainOutput, RobustReport, UncertaintyReport};

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

/// Clean, certified and attacked accuracy per L2 radius, one line each.
pub fn print_robustness(report: &RobustReport) {
    println!("robustness on {} test images (L2 radius on pixels in [0, 1]):", report.total);
    for row in &report.rows {
        let attacked = row.attacked.map(|a| format!(", PGD {:.2}%", a * 100.0)).unwrap_or_default();
        println!(
            "radius {}: clean {:.2}%, certified {:.2}%{attacked}",
            row.radius,
            report.clean * 100.0,
            row.certified * 100.0
        );
    }
}

/// Mean total, aleatoric and epistemic uncertainty on the test split, one line each, with the
/// OOD set's mean and the AUROC of telling them apart when there is one.
pub fn print_uncertainty(report: &UncertaintyReport) {
    let ood = report.ood.map(|o| format!("; out of distribution: {} {} images", o.images, o.set.name()));
    println!(
        "uncertainty on {} test images over {} sampled prototype sets (mean, nats){}:",
        report.images,
        report.samples,
        ood.unwrap_or_default()
    );
    let rows = [
        ("total", report.test.total, report.ood.map(|o| (o.mean.total, o.auroc.total))),
        ("aleatoric", report.test.aleatoric, report.ood.map(|o| (o.mean.aleatoric, o.auroc.aleatoric))),
        ("epistemic", report.test.epistemic, report.ood.map(|o| (o.mean.epistemic, o.auroc.epistemic))),
    ];
    for (name, test, ood) in rows {
        let set = report.ood.map_or("", |o| o.set.name());
        let versus = ood.map(|(mean, auroc)| format!(", {set} {mean:.6}, AUROC {auroc:.4}")).unwrap_or_default();
        println!("{name} uncertainty: test {test:.6}{versus}");
    }
}

/// Consistency and stability, each beside its chance level.
pub fn print_interpretability(report: &InterpretabilityReport) {
    println!("interpretability: {} prototypes on {} annotated test images", report.prototypes, report.images);
    for (name, score) in [("consistency", report.consistency), ("stability", report.stability)] {
        println!("{name}: {:.2}% (chance {:.2}%)", score.score, score.chance);
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
    if let Some((characteristics, path)) = &out.characteristics {
        print_characteristics(characteristics, &out.explanation);
        println!("wrote {}", path.display());
    }
    let gallery = out.gallery.as_ref().map(|g| format!(" and {}", g.display())).unwrap_or_default();
    println!("wrote {}, {}{gallery}", out.png.display(), out.json.display());
}

/// The characteristics of the explained prototypes: over the test split, then on this image.
fn print_characteristics(characteristics: &Characteristics, explanation: &Explanation) {
    let shown: Vec<usize> = explanation.evidence.iter().map(|e| e.prototype).collect();
    let images = match characteristics.global.scope {
        Scope::Set { images } => images,
        Scope::Image => 1,
    };
    println!("characteristics (similarity drop when modified), over {images} test images:");
    for &j in &shown {
        if let Some(line) = characteristics.global.line(j) {
            println!("  {line}");
        }
    }
    println!("on this image:");
    for &j in &shown {
        if let Some(line) = characteristics.local.line(j) {
            println!("  {line}");
        }
    }
}
