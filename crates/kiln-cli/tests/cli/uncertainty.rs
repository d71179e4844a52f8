//! Prob-PSENN in `kiln train`, `kiln eval --uncertainty [--samples N] [--ood procedural]` and its
//! typed errors for flags that do not fit the run.

use std::path::Path;

use kiln_cli::registry::uncertainty::{DEFAULT_SAMPLES, OodSet};
use kiln_cli::registry::{UncertaintyFlagError, UncertaintyRequest};

use crate::common::{
    Scratch, accuracy_line, arg, assert_eval_refuses, assert_succeeds, eval_flex as eval, kiln, stdout, train_briefly,
};

/// One `NAME uncertainty: test T[, SET M, AUROC A]` line: `(T, Some((M, A)))`.
fn uncertainty_line(text: &str, name: &str) -> (f64, Option<(f64, f64)>) {
    let prefix = format!("{name} uncertainty: test ");
    let line = text.lines().find_map(|l| l.strip_prefix(&prefix)).unwrap_or_else(|| panic!("no {name}\n{text}"));
    let mut parts = line.split(", ");
    let test = parts.next().unwrap().parse().unwrap();
    let ood = parts.next().map(|p| {
        let mean = p.strip_prefix("procedural ").unwrap().parse().unwrap();
        let auroc = parts.next().unwrap().strip_prefix("AUROC ").unwrap().parse().unwrap();
        (mean, auroc)
    });
    (test, ood)
}

/// Checks the decomposition printed in `text`: epistemic ≥ 0, total = aleatoric + epistemic
/// (up to the printed precision), entropies of 10 classes at most `ln 10`.
fn assert_decomposes(text: &str) -> [(f64, Option<(f64, f64)>); 3] {
    let rows = ["total", "aleatoric", "epistemic"].map(|name| uncertainty_line(text, name));
    let [(total, ood_total), (aleatoric, ood_aleatoric), (epistemic, ood_epistemic)] = rows;
    assert!(epistemic >= 0.0, "{text}");
    assert!((total - aleatoric - epistemic).abs() < 2e-5, "total ≠ aleatoric + epistemic\n{text}");
    assert!(aleatoric >= 0.0 && total <= 10f64.ln() + 1e-6, "{text}");
    if let (Some((t, _)), Some((a, _)), Some((e, _))) = (ood_total, ood_aleatoric, ood_epistemic) {
        assert!(e >= 0.0 && (t - a - e).abs() < 2e-5, "out of distribution\n{text}");
    }
    rows
}

#[test]
fn prob_psenn_trains_and_eval_reports_its_uncertainty() {
    let listing = assert_succeeds(&kiln(&["models"]));
    assert!(listing.lines().any(|l| l.split_whitespace().next() == Some("prob-psenn")), "{listing}");
    let scratch = Scratch::new("prob-psenn");
    let out = scratch.path().join("psenn");
    let trained = kiln(&[
        "train",
        "--model",
        "prob-psenn",
        "--data",
        "digits",
        "--epochs",
        "8",
        "--device",
        "flex",
        "--quiet",
        "--out",
        arg(&out),
    ]);
    let test_line = accuracy_line(&trained);
    assert_eq!(accuracy_line(&eval(&out, &[])), test_line, "kiln eval reproduces the run's test accuracy");

    let evaluated = eval(&out, &["--uncertainty"]);
    let text = assert_succeeds(&evaluated);
    assert_eq!(accuracy_line(&evaluated), test_line, "the plain evaluation comes first");
    assert!(text.contains(&format!("over {DEFAULT_SAMPLES} sampled prototype sets")), "{text}");
    let default_rows = assert_decomposes(&text);
    assert!(default_rows.iter().all(|(_, ood)| ood.is_none()), "no OOD set, no AUROC\n{text}");
    assert!(default_rows[2].0 > 0.0, "trained σ > 0 gives some epistemic uncertainty\n{text}");
    // The samples are seeded: the same flags print the same numbers.
    assert_eq!(stdout(&eval(&out, &["--uncertainty"])), text);

    let with_ood = assert_succeeds(&eval(&out, &["--uncertainty", "--samples", "5", "--ood", "procedural"]));
    assert!(with_ood.contains("over 5 sampled prototype sets") && with_ood.contains("procedural images"), "{with_ood}");
    let rows = assert_decomposes(&with_ood);
    for (name, (_, ood)) in ["total", "aleatoric", "epistemic"].iter().zip(rows) {
        let (_, auroc) = ood.unwrap_or_else(|| panic!("{name}: no AUROC\n{with_ood}"));
        assert!((0.0..=1.0).contains(&auroc), "{name}: AUROC {auroc}\n{with_ood}");
    }
    // Procedural blobs are no digits: the total uncertainty tells them apart better than chance.
    assert!(rows[0].1.unwrap().1 > 0.5, "{with_ood}");
}

#[test]
fn eval_rejects_bad_uncertainty_flags_naming_flag_and_model() {
    let scratch = Scratch::new("uncertainty-flags");
    let psenn = scratch.path().join("psenn");
    assert_succeeds(&train_briefly("prob-psenn", "digits", &psenn));
    let cnn = scratch.path().join("cnn");
    assert_succeeds(&train_briefly("cnn", "digits", &cnn));

    let cases: [(&Path, &[&str], &[&str]); 5] = [
        (&cnn, &["--uncertainty"], &["--uncertainty", "`cnn` has no uncertainty decomposition", "prob-psenn"]),
        (&psenn, &["--uncertainty", "--samples", "0"], &["--samples 0", "`prob-psenn`"]),
        (&psenn, &["--uncertainty", "--ood", "cifar"], &["--ood cifar", "unknown", "`prob-psenn`", "procedural"]),
        (&psenn, &["--samples", "5"], &["--samples 5", "needs --uncertainty", "`prob-psenn`"]),
        (&psenn, &["--ood", "procedural"], &["--ood procedural", "needs --uncertainty", "`prob-psenn`"]),
    ];
    assert_eval_refuses(&cases);
}

#[test]
fn uncertainty_requests_parse_into_typed_errors() {
    let parse = |on: bool, samples: Option<usize>, ood: Option<&str>, uncertain: bool| {
        UncertaintyRequest::parse("prob-psenn", on, samples, ood, uncertain)
    };
    assert_eq!(parse(false, None, None, true), Ok(None));
    assert_eq!(parse(false, None, None, false), Ok(None));
    let request = parse(true, None, None, true).unwrap().unwrap();
    assert_eq!((request.samples, request.ood), (DEFAULT_SAMPLES, None));
    let request = parse(true, Some(3), Some("procedural"), true).unwrap().unwrap();
    assert_eq!((request.samples, request.ood), (3, Some(OodSet::Procedural)));
    assert_eq!(parse(true, Some(0), None, true), Err(UncertaintyFlagError::ZeroSamples { model: "prob-psenn".into() }));
    assert!(matches!(parse(true, None, None, false), Err(UncertaintyFlagError::NoUncertainty { .. })));
    assert!(matches!(parse(true, None, Some("svhn"), true), Err(UncertaintyFlagError::UnknownOod { .. })));
    assert!(matches!(parse(false, Some(2), None, true), Err(UncertaintyFlagError::WithoutUncertainty { .. })));
    assert!(matches!(
        parse(false, None, Some("procedural"), true),
        Err(UncertaintyFlagError::WithoutUncertainty { .. })
    ));
}
