//! `kiln eval --certify R,... --attack pgd` on the robust prototype models, its typed errors for
//! flags that do not fit the run, and the RBF and deep CBC entries of `kiln train`.

use std::path::Path;

use kiln_cli::registry::{RobustFlagError, RobustRequest};

use crate::common::{
    Scratch, accuracy_line, arg, assert_eval_refuses, assert_fails, assert_succeeds, eval_flex as eval, kiln,
    train_briefly,
};

/// `(radius, clean, certified, PGD)` of every `radius ...` line, in percent.
fn radius_rows(text: &str) -> Vec<(f64, f64, f64, f64)> {
    let percent = |line: &str, key: &str| -> f64 {
        let rest = &line[line.find(key).unwrap_or_else(|| panic!("no `{key}` in {line}")) + key.len()..];
        rest.trim_start().split('%').next().unwrap().parse().unwrap()
    };
    text.lines()
        .filter(|l| l.starts_with("radius "))
        .map(|l| {
            let radius = l["radius ".len()..].split(':').next().unwrap().parse().unwrap();
            (radius, percent(l, "clean"), percent(l, "certified"), percent(l, "PGD"))
        })
        .collect()
}

#[test]
fn eval_prints_clean_certified_and_pgd_accuracy_per_radius() {
    let scratch = Scratch::new("robust-eval");
    let out = scratch.path().join("run");
    let trained = kiln(&[
        "train",
        "--model",
        "robust-rbf",
        "--data",
        "digits",
        "--epochs",
        "20",
        "--device",
        "flex",
        "--quiet",
        "--out",
        arg(&out),
    ]);
    let test_line = accuracy_line(&trained);
    let evaluated = eval(&out, &["--certify", "0.15,0.3,0.45", "--attack", "pgd"]);
    let text = assert_succeeds(&evaluated);
    assert_eq!(accuracy_line(&evaluated), test_line, "the plain evaluation comes first");
    let rows = radius_rows(&text);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![0.15, 0.3, 0.45], "{text}");
    // The clean accuracy on pixels is the test accuracy of the run (same model, same split).
    let test: f64 = test_line["test accuracy:".len()..].trim().split('%').next().unwrap().parse().unwrap();
    for &(radius, clean, certified, pgd) in &rows {
        assert!((clean - test).abs() < 1e-9, "radius {radius}: clean {clean} vs test {test}\n{text}");
        // A certified image is never flipped by PGD, and PGD never beats clean.
        assert!(certified <= pgd && pgd <= clean, "radius {radius}\n{text}");
    }
    assert!(rows[0].2 > 0.0, "20 epochs of the robust loss certify some images at 0.15\n{text}");
    assert!(rows.windows(2).all(|w| w[1].2 <= w[0].2 && w[1].3 <= w[0].3), "larger radii: less\n{text}");

    // Without --attack there is no PGD column.
    let certified_only = assert_succeeds(&eval(&out, &["--certify", "0.3"]));
    let line = certified_only.lines().find(|l| l.starts_with("radius 0.3:")).unwrap();
    assert!(line.contains("certified") && !line.contains("PGD"), "{line}");
}

#[test]
fn eval_rejects_bad_robustness_flags_naming_flag_and_model() {
    let scratch = Scratch::new("robust-flags");
    let cbc = scratch.path().join("cbc");
    assert_succeeds(&train_briefly("robust-cbc", "digits", &cbc));
    let cnn = scratch.path().join("cnn");
    assert_succeeds(&train_briefly("cnn", "digits", &cnn));

    let cases: [(&Path, &[&str], &[&str]); 7] = [
        (&cbc, &["--certify=-0.1"], &["--certify", "`-0.1`", "not a finite non-negative", "`robust-cbc`"]),
        (&cbc, &["--certify", "-0.1,0.3"], &["--certify", "`-0.1`", "`robust-cbc`"]),
        (&cbc, &["--certify", "0.1,nan"], &["--certify", "`nan`", "`robust-cbc`"]),
        (&cbc, &["--certify", "inf"], &["--certify", "`inf`", "`robust-cbc`"]),
        (&cnn, &["--certify", "0.3"], &["--certify", "`cnn` proves no certified radius", "robust-cbc, cbc, glvq"]),
        (&cbc, &["--certify", "0.3", "--attack", "fgsm"], &["--attack fgsm", "unknown attack", "`robust-cbc`", "pgd"]),
        (&cbc, &["--attack", "pgd"], &["--attack pgd", "--certify", "`robust-cbc`"]),
    ];
    assert_eval_refuses(&cases);
}

#[test]
fn robust_requests_parse_into_typed_errors() {
    let parse = |certify: Option<&str>, attack: Option<&str>, certifies: bool| {
        RobustRequest::parse("glvq", certify, attack, certifies)
    };
    assert_eq!(parse(None, None, true), Ok(None));
    let request = parse(Some("0.15, 0.3,0"), Some("pgd"), true).unwrap().unwrap();
    assert_eq!(request.radii, vec![0.15, 0.3, 0.0]);
    assert!(request.attack.is_some());
    for bad in ["-1", "x", "", "0.1,", "1e400", "NaN"] {
        let err = parse(Some(bad), None, true).unwrap_err();
        assert!(matches!(&err, RobustFlagError::Radius { model, .. } if model == "glvq"), "{bad}: {err}");
    }
    assert!(matches!(parse(Some("0.1"), None, false), Err(RobustFlagError::NoCertificate { .. })));
    assert!(matches!(parse(Some("0.1"), Some("cw"), true), Err(RobustFlagError::UnknownAttack { .. })));
    assert!(matches!(parse(None, Some("pgd"), true), Err(RobustFlagError::AttackWithoutRadii { .. })));
}

#[test]
fn rbf_and_deep_cbc_train_and_eval_reproduces_them() {
    let listing = assert_succeeds(&kiln(&["models"]));
    let scratch = Scratch::new("rbf-deep-cbc");
    for (model, data) in [("rbf", "digits"), ("robust-rbf", "digits"), ("deep-cbc", "procedural:2")] {
        assert!(listing.lines().any(|l| l.split_whitespace().next() == Some(model)), "{model} not listed");
        let out = scratch.path().join(model);
        let line = accuracy_line(&train_briefly(model, data, &out));
        assert_eq!(line, accuracy_line(&eval(&out, &[])), "{model}");
    }
    // Deep CBC proves no radius.
    let err = assert_fails(&eval(&scratch.path().join("deep-cbc"), &["--certify", "0.3"]));
    assert!(err.contains("`deep-cbc` proves no certified radius"), "{err}");
}
