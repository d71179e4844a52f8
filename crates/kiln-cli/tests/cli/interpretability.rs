//! EvalProtoPNet in `kiln train`, `kiln eval --interpretability` (consistency and stability
//! beside chance) and its typed errors for runs without prototypes or without parts.

use std::path::Path;

use kiln_cli::data_spec::{DataSpec, ProceduralSpec};
use kiln_cli::registry::{InterpretabilityFlagError, InterpretabilityRequest};
use kiln_data::procedural::ClassCue;

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
    let request =
        |classes| Ok(Some(InterpretabilityRequest { spec: ProceduralSpec { classes, ..Default::default() } }));
    assert_eq!(parse(true, true, "procedural:6"), request(6));
    assert_eq!(parse(true, true, "procedural"), request(10));
    assert!(matches!(parse(true, false, "procedural"), Err(InterpretabilityFlagError::NoPrototypes { .. })));
    for data in ["digits", "idx:data/mnist", "folder:images", "csv:t.csv"] {
        assert!(matches!(parse(true, true, data), Err(InterpretabilityFlagError::NoParts { .. })), "{data}");
    }
}

/// `procedural:CLASSES[:cue=CUE][:size=PX]` parses into its fields, prints back only what
/// differs from the defaults (so `procedural:N` of older runs is unchanged), and names the bad
/// field.
#[test]
fn procedural_data_takes_a_cue_and_a_size() {
    let spec = |s: &str| match s.parse::<DataSpec>() {
        Ok(DataSpec::Procedural(spec)) => spec,
        other => panic!("{s}: {other:?}"),
    };
    let wing = spec("procedural:4:cue=wing-colour:size=64");
    assert_eq!(wing, ProceduralSpec { classes: 4, cue: ClassCue::WingColourOnly, size: 64 });
    assert_eq!(DataSpec::Procedural(wing).to_string(), "procedural:4:cue=wing-colour:size=64");
    let head = spec("procedural:3:cue=head-shape");
    assert_eq!((head.cue, head.size), (ClassCue::HeadShapeOnly, 32));
    assert_eq!(DataSpec::Procedural(head).to_string(), "procedural:3:cue=head-shape");
    assert_eq!(DataSpec::Procedural(spec("procedural:5:cue=head-and-wing:size=32")).to_string(), "procedural:5");
    for (bad, named) in [
        ("procedural:x", "`x` is not a number of classes"),
        ("procedural:4:cue=beak", "unknown cue `beak`"),
        ("procedural:4:size=big", "`size=big`"),
        ("procedural:4:colour=red", "unknown field `colour=red`"),
    ] {
        let err = bad.parse::<DataSpec>().expect_err(bad).to_string();
        assert!(err.contains(named), "{bad}: {err}");
    }
}

/// A run on head-shape creatures at 40 px keeps its cue and size: evaluation regenerates the
/// same annotated test split from `config.json`; a cue with too many classes is refused by the
/// generator's error.
#[test]
fn interpretability_follows_the_runs_cue_and_size() {
    let scratch = Scratch::new("interpretability-cue");
    let out = scratch.path().join("run");
    assert_succeeds(&train_briefly("eval-protopnet", "procedural:2:cue=head-shape:size=40", &out));
    let text = assert_succeeds(&eval(&out, &["--interpretability"]));
    assert!(text.contains("interpretability: 10 prototypes on 80 annotated test images"), "{text}");
    let err = assert_fails(&train_briefly("cnn", "procedural:5:cue=head-shape", &scratch.path().join("bad")));
    assert!(err.contains('5') && err.contains('4'), "head shapes tell at most 4 classes apart: {err}");
}
