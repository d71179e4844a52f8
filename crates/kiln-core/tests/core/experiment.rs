//! The experiment kit: statistics, tables, arguments and results pages.

use kiln_core::experiment::{
    Accepts, Align, ArgsError, ExperimentArgs, MeanStd, Provenance, ResultsPage, Table, list_cell, mean, mean_std,
};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn mean_and_sample_std_by_hand() {
    assert_eq!(mean_std(&[1.0, 2.0, 3.0]), (2.0, 1.0));
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, sample variance 32 / 7.
    let (m, s) = mean_std(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
    assert!(close(m, 5.0) && close(s, (32.0f64 / 7.0).sqrt()), "{m} {s}");
    assert_eq!(mean_std(&[5.0]), (5.0, 0.0), "one value has no spread");
    let (m, s) = mean_std(&[]);
    assert!(m.is_nan() && s.is_nan(), "no value is not zero");
    assert!(mean(&[]).is_nan());
    assert!(close(mean(&[0.5, 1.0]), 0.75));
}

#[test]
fn mean_std_cells() {
    let accuracies = MeanStd::of(&[0.9768, 0.9749, 0.9777]);
    assert_eq!(accuracies.count, 3);
    assert_eq!(format!("{:.1}", accuracies.scaled(100.0)), "97.6 ± 0.1");
    assert_eq!(format!("{:.3}", MeanStd::of(&[1.0, 3.0])), "2.000 ± 1.414");
    assert_eq!(format!("{:.0}", MeanStd::of(&[1500.0, 2500.0]).scaled(1e-3)), "2 ± 1");
    assert_eq!(format!("{:.2}", MeanStd::of(&[])), "–");
    assert_eq!(list_cell(&[97.77, 97.4912, 98.0], 2), "97.77, 97.49, 98.00");
    assert_eq!(list_cell(&[], 2), "");
}

#[test]
fn tables_render_exactly() {
    let mut table = Table::new(["model", "target", "accuracy"]).align(2, Align::Right).align(1, Align::Center);
    table.row(["mlp", "≥ 95", "97.68 ± 0.16"]);
    table.row(["a|b".to_string()]);
    assert_eq!(table.len(), 2);
    assert_eq!(
        table.render(),
        "| model | target | accuracy |\n|---|:---:|---:|\n| mlp | ≥ 95 | 97.68 ± 0.16 |\n| a\\|b |  |  |\n"
    );
    let empty = Table::new(["a"]).align(5, Align::Left);
    assert!(empty.is_empty());
    assert_eq!(empty.to_string(), "| a |\n|---|\n");
}

fn parse(args: &[&str], accepts: &Accepts<'_>) -> Result<ExperimentArgs, ArgsError> {
    ExperimentArgs::parse(args.iter().copied(), accepts)
}

#[test]
fn arguments_of_reproduce_programs() {
    let defaults = parse(&[], &Accepts::SEEDS).expect("no arguments");
    assert_eq!(defaults.out_dir, std::path::PathBuf::from("docs/results"));
    assert!(!defaults.quick && defaults.seeds.is_none());
    assert_eq!(defaults.seeds(&[0, 1, 2]), vec![0, 1, 2]);

    let quick = parse(&["out", "--quick"], &Accepts::SEEDS).expect("quick");
    assert_eq!(quick.out_dir, std::path::PathBuf::from("out"));
    assert_eq!(quick.seeds(&[0, 1, 2]), vec![0]);
    assert_eq!(quick.flags, vec!["--quick".to_string()]);

    let counted = parse(&["--seeds", "4", "--quick"], &Accepts::SEEDS).expect("count");
    assert_eq!(counted.seeds(&[0]), vec![0, 1, 2, 3], "explicit seeds win over --quick");
    let listed = parse(&["--seeds=5,9"], &Accepts::SEEDS).expect("list");
    assert_eq!(listed.seeds(&[0, 1, 2]), vec![5, 9]);

    let own = Accepts { seeds: false, options: &["weights"] };
    let weights = parse(&["--weights", "w.bpk", "docs/x"], &own).expect("own option");
    assert_eq!(weights.option("weights"), Some("w.bpk"));
    assert_eq!(weights.option("other"), None);
    assert_eq!(weights.flags, vec!["--weights".to_string(), "w.bpk".to_string()]);
}

#[test]
fn argument_errors() {
    assert!(matches!(
        parse(&["--seeds", "3"], &Accepts::NOTHING_ELSE),
        Err(ArgsError::UnknownOption { flag, .. }) if flag == "--seeds"
    ));
    let unknown = parse(&["--fast"], &Accepts::SEEDS).expect_err("unknown flag");
    assert_eq!(
        unknown.to_string(),
        "unknown option `--fast`; accepted: [OUT_DIR] [--quick] [--seeds N | --seeds A,B,...]"
    );
    assert_eq!(parse(&["--seeds"], &Accepts::SEEDS), Err(ArgsError::MissingValue("seeds".into())));
    assert_eq!(parse(&["--seeds", "--quick"], &Accepts::SEEDS), Err(ArgsError::MissingValue("seeds".into())));
    for bad in ["0", "x", "1,x", "-2", ""] {
        assert_eq!(parse(&["--seeds", bad], &Accepts::SEEDS), Err(ArgsError::InvalidSeeds(bad.into())), "{bad}");
    }
    assert!(matches!(parse(&["a", "b"], &Accepts::SEEDS), Err(ArgsError::Unexpected { arg, .. }) if arg == "b"));
    assert!(matches!(
        parse(&["docs/results/geom.md"], &Accepts::SEEDS),
        Err(ArgsError::Unexpected { arg, .. }) if arg.ends_with("geom.md")
    ));
}

#[test]
fn results_page_writes_beside_its_pictures() {
    let dir = std::env::temp_dir().join(format!("kiln-experiment-page-{}", std::process::id()));
    let args = parse(&[dir.to_str().expect("utf-8 temp dir"), "--quick"], &Accepts::SEEDS).expect("args");
    let mut page = ResultsPage::new(&args, "toy", "Toy: a test page");
    assert_eq!(page.path(), dir.join("toy.md"));
    assert_eq!(page.command(), "cargo xtask reproduce toy --quick");
    let picture = page.asset("toy/picture.png").expect("asset");
    assert_eq!(picture, dir.join("toy/picture.png"));
    assert!(dir.join("toy").is_dir(), "the picture's folder exists");
    let mut table = Table::new(["a", "b"]);
    table.row(["1", "2"]);
    page.heading(2, "Section").paragraph("Text.").table(&table).push("![picture](toy/picture.png)\n");
    let provenance = Provenance {
        commit: Some("abc1234".into()),
        dirty: false,
        threads: 2,
        rayon_threads: Some("1".into()),
        cpu: None,
        os: "linux x86_64".into(),
        date: "2025-01-01".into(),
    };
    let text = page.render("flex", &provenance);
    let (head, body) = text.split_once(" s on ").expect("provenance line");
    assert!(head.starts_with("# Toy: a test page\n\nMade by `cargo xtask reproduce toy --quick` in "), "{head}");
    assert_eq!(
        body,
        "the flex backend: commit `abc1234`, 2 CPU threads (RAYON_NUM_THREADS=1), linux x86_64, 2025-01-01.\n\n\
         ## Section\n\nText.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![picture](toy/picture.png)\n"
    );
    let written = page.write("flex").expect("write");
    let on_disk = std::fs::read_to_string(&written).expect("read back");
    assert!(on_disk.contains("## Section") && on_disk.contains("Made by"));
    std::fs::remove_dir_all(&dir).expect("clean up");
}
