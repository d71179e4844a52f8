//! The result tables of `docs/results/proto.md`.

use kiln_core::experiment::{MeanStd, Table};

use crate::runs::RunResult;

/// `mean ± std` of the values, in % with one decimal or as is with three.
fn cell(values: &[f64], percent: bool) -> String {
    if percent { format!("{:.1}", MeanStd::of(values).scaled(100.0)) } else { format!("{:.3}", MeanStd::of(values)) }
}

/// The (dataset, model) pairs in order of first appearance, each with its runs.
fn groups(results: &[RunResult]) -> Vec<(&str, &str, Vec<&RunResult>)> {
    let mut groups: Vec<(&str, &str, Vec<&RunResult>)> = Vec::new();
    for r in results {
        match groups.iter_mut().find(|(d, m, _)| *d == r.dataset && *m == r.model) {
            Some((_, _, runs)) => runs.push(r),
            None => groups.push((&r.dataset, &r.model, vec![r])),
        }
    }
    groups
}

/// Accuracy through the schedule, per dataset and model.
pub fn accuracy_table(results: &[RunResult]) -> Table {
    let mut table = Table::new([
        "dataset",
        "model",
        "before push",
        "after push",
        "after last layer",
        "after joint after push",
        "after pruning",
        "pruned",
    ]);
    for (dataset, model, runs) in groups(results) {
        let col = |f: &dyn Fn(&RunResult) -> Option<f64>| runs.iter().filter_map(|r| f(r)).collect::<Vec<f64>>();
        table.row([
            dataset.to_string(),
            model.to_string(),
            cell(&col(&|r| Some(r.before_push)), true),
            cell(&col(&|r| Some(r.after_push)), true),
            cell(&col(&|r| Some(r.after_last_layer)), true),
            cell(&col(&|r| r.after_joint_after_push), true),
            cell(&col(&|r| r.after_pruning), true),
            cell(&col(&|r| r.pruned.map(|p| p as f64)), false),
        ]);
    }
    table
}

/// ST-ProtoPNet's prototype geometry, per dataset.
pub fn geometry_table(results: &[RunResult]) -> Table {
    let mut table = Table::new([
        "dataset",
        "support, before push",
        "trivial, before push",
        "support, final",
        "trivial, final",
        "support nearer (final) in",
    ]);
    for (dataset, _, runs) in groups(results).into_iter().filter(|(_, m, _)| *m == "ST-ProtoPNet") {
        let col = |f: &dyn Fn(&RunResult) -> Option<f64>| runs.iter().filter_map(|r| f(r)).collect::<Vec<f64>>();
        let nearer = runs.iter().filter(|r| r.support_distance < r.trivial_distance).count();
        table.row([
            dataset.to_string(),
            cell(&col(&|r| r.support_distance_before_push), false),
            cell(&col(&|r| r.trivial_distance_before_push), false),
            cell(&col(&|r| r.support_distance), false),
            cell(&col(&|r| r.trivial_distance), false),
            format!("{nearer} of {} seeds", runs.len()),
        ]);
    }
    table
}
