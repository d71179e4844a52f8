//! EvalProtoPNet in `kiln train`, `kiln eval --interpretability` (consistency and stability
//! beside chance) and its typed errors for runs without prototypes or without parts.

use std::path::Path;

use kiln_cli::registry::{InterpretabilityFlagError, InterpretabilityRequest};

use crate::common::{Scratch, assert_fails, assert_succeeds, eval_flex as eval, kiln, stdout, train_briefly};

/// `NAME: S% (chance C%)` as `(S, C)`.
fn score_line(text: &str, name: &str) -> (f64, f64) {
    let line = text.lines().find_map(|l| l.strip_prefix(&format!("{name}: "))).unwrap_or_else(|| panic!("{text}"));
    let (score, chance) = line.split_once("% (chance ").unwrap_or_else(|| panic!("{line}"));
    let chance = chance.strip_suffix("%)").unwrap_or_else(|| panic!("{line}"));
    (score.parse().unwrap(), chance.parse().unwrap())
}

#[test]
fn eval_protopnet_trains_and_eval_scores_its_prototypes_against_chance() {
    let listing = assert_succeeds(&kiln(&["models"]));
    let row = listing.lines().find(|l| l.split_whitespace().next() == Some("eval-protopnet"));
    assert!(row.is_some_and(|r| r.contains("kiln train")), "{listing}");
    let scratch = Scratch::new("eval-protopnet");
    let out = scratch.path().join("run");
    assert_succeeds(&train_briefly("eval-protopnet", "procedural:3", &out));
    let text = assert_succeeds(&eval(&out, &["--interpretability"]));
    assert!(text.contains("test accuracy"), "{text}");
    // 3 classes × 5 prototypes; 20% of 600 creatures are the test split.
    assert!(text.contains("interpretability: 15 prototypes on 120 annotated test images"), "{text}");
    let (consistency, consistency_chance) = score_line(&text, "consistency");
    let (stability, stability_chance) = score_line(&text, "stability");
    for value in [consistency, consistency_chance, stability, stability_chance] {
        assert!((0.0..=100.0).contains(&value), "{text}");
    }
    // Every prototype is scored on its class's 40 images: the consistency is a multiple of 1/15.
    assert!((consistency * 15.0 / 100.0 - (consistency * 15.0 / 100.0).round()).abs() < 1e-3, "{text}");
    assert!(stability_chance < 100.0, "random pixels redrawn under noise cannot agree everywhere\n{text}");
    // Seeded by the run: the same numbers again.
    assert_eq!(stdout(&eval(&out, &["--interpretability"])), text);
}

#[test]
fn eval_rejects_interpretability_without_prototypes_or_parts() {
    let scratch = Scratch::new("interpretability-flags");
    let cnn = scratch.path().join("cnn");
    assert_succeeds(&train_briefly("cnn", "procedural:3", &cnn));
    let proto = scratch.path().join("proto");
    assert_succeeds(&train_briefly("protopnet", "digits", &proto));
    let cases: [(&Path, &[&str]); 2] = [
        (&cnn, &["`cnn` has no prototypes", "protopnet, st-protopnet, eval-protopnet"]),
        (&proto, &["data `digits`", "`protopnet` run has no part annotations", "procedural"]),
    ];
    for (run, expected) in cases {
        let output = eval(run, &["--interpretability"]);
        let err = assert_fails(&output);
        assert!(err.contains("--interpretability"), "{err}");
        for part in expected {
            assert!(err.contains(part), "`{part}` missing from {err}");
        }
        assert!(!stdout(&output).contains("test accuracy"), "the flag is checked before evaluating");
    }
}

#[test]
fn interpretability_requests_parse_into_typed_errors() {
    let parse = |on, prototypes, data| InterpretabilityRequest::parse("protopnet", on, prototypes, data);
    assert_eq!(parse(false, false, "digits"), Ok(None));
    assert_eq!(parse(true, true, "procedural:6"), Ok(Some(InterpretabilityRequest { classes: 6 })));
    assert_eq!(parse(true, true, "procedural"), Ok(Some(InterpretabilityRequest { classes: 10 })));
    assert!(matches!(parse(true, false, "procedural"), Err(InterpretabilityFlagError::NoPrototypes { .. })));
    for data in ["digits", "idx:data/mnist", "folder:images", "csv:t.csv"] {
        assert!(matches!(parse(true, true, data), Err(InterpretabilityFlagError::NoParts { .. })), "{data}");
    }
}
