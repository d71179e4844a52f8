//! `kiln graph feasibility` on TU directories sampled from known graphons: ζ ≤ 0, α a
//! distribution, every candidate listed, the estimator shown (SAS by default, `--estimator`
//! picks LG, USVT or SBA, an unknown name is refused); a missing or empty directory is one
//! `error:` line naming it.

use std::fmt::Write as _;
use std::path::Path;

use kiln_graph::w2pgnn::GraphonFn;

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln};

/// Writes `count` graphs of `n` nodes sampled from `w` as the TU data set `name` in `dir`.
fn write_tu(dir: &Path, name: &str, w: &GraphonFn, count: usize, n: usize, seed: u64) {
    std::fs::create_dir_all(dir).unwrap();
    let (mut a, mut indicator, mut labels) = (String::new(), String::new(), String::new());
    let mut offset = 0;
    for (g, graph) in w.sample_many(count, n, seed).unwrap().iter().enumerate() {
        for (s, t) in graph.edges() {
            writeln!(a, "{}, {}", offset + s + 1, offset + t + 1).unwrap();
        }
        for _ in 0..graph.num_nodes {
            writeln!(indicator, "{}", g + 1).unwrap();
        }
        writeln!(labels, "0").unwrap();
        offset += graph.num_nodes;
    }
    std::fs::write(dir.join(format!("{name}_A.txt")), a).unwrap();
    std::fs::write(dir.join(format!("{name}_graph_indicator.txt")), indicator).unwrap();
    std::fs::write(dir.join(format!("{name}_graph_labels.txt")), labels).unwrap();
}

/// The numbers after `key = ` on the line starting with `key`.
fn numbers(out: &str, key: &str) -> Vec<f64> {
    let line = out.lines().find(|l| l.starts_with(&format!("{key} = "))).unwrap_or_else(|| panic!("no {key}:\n{out}"));
    line[key.len() + 3..].split(',').map(|v| v.trim().parse::<f64>().unwrap()).collect()
}

#[test]
fn feasibility_prints_zeta_basis_and_alpha() {
    let scratch = Scratch::new("feasibility");
    let (sbm, expo) = (scratch.path().join("sbm"), scratch.path().join("exp"));
    let block = GraphonFn::sbm(&[1.0, 1.0], vec![0.8, 0.2, 0.2, 0.1]).unwrap();
    write_tu(&sbm, "SBM", &block, 6, 40, 1);
    write_tu(&expo, "EXP", &GraphonFn::Exponential { rate: 3.0 }, 6, 40, 2);
    let down = scratch.path().join("down");
    write_tu(&down.join("raw"), "DOWN", &block, 5, 40, 3);
    let args = ["graph", "feasibility", "--pre", arg(&sbm), "--pre", arg(&expo), "--down", arg(&down)];
    let out = assert_succeeds(&kiln(&[&args[..], &["--small", "--resolution", "12", "--epochs", "20"]].concat()));
    eprintln!("{out}");
    let zeta = numbers(&out, "zeta");
    assert!(zeta.len() == 1 && zeta[0] <= 0.0 && zeta[0].is_finite(), "{out}");
    let alpha = numbers(&out, "alpha");
    assert!(!alpha.is_empty() && alpha.iter().all(|a| *a >= 0.0), "{out}");
    assert!((alpha.iter().sum::<f64>() - 1.0).abs() < 1e-3, "{out}");
    assert!(out.lines().any(|l| l.starts_with("basis = ")), "{out}");
    for kind in ["integrated", "domain", "topological"] {
        assert!(out.lines().any(|l| l.trim_start().starts_with(kind)), "no {kind} candidate:\n{out}");
    }
    assert!(out.lines().any(|l| l == "estimator = sas"), "the default estimator is SAS:\n{out}");
}

#[test]
fn feasibility_takes_an_estimator_and_refuses_unknown_ones() {
    let scratch = Scratch::new("feasibility-estimator");
    let (pre, down) = (scratch.path().join("pre"), scratch.path().join("down"));
    let block = GraphonFn::sbm(&[1.0, 1.0], vec![0.8, 0.2, 0.2, 0.1]).unwrap();
    write_tu(&pre, "PRE", &block, 4, 30, 1);
    write_tu(&down, "DOWN", &block, 4, 30, 2);
    let base = ["graph", "feasibility", "--pre", arg(&pre), "--down", arg(&down), "--small", "--resolution", "8"];
    for (name, shown) in [("lg", "lg (blocks ⌊N/h⌋)"), ("USVT", "usvt (threshold 0.1)"), ("sba", "sba (delta 0.1)")]
    {
        let out = assert_succeeds(&kiln(&[&base[..], &["--epochs", "5", "--estimator", name]].concat()));
        assert!(out.lines().any(|l| l == format!("estimator = {shown}")), "{name}:\n{out}");
        let zeta = numbers(&out, "zeta");
        assert!(zeta.len() == 1 && zeta[0] <= 0.0 && zeta[0].is_finite(), "{name}:\n{out}");
    }
    let err = assert_fails(&kiln(&[&base[..], &["--estimator", "mc"]].concat()));
    assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "{err}");
    assert!(err.contains("`mc`") && err.contains("sas, lg, usvt, sba"), "{err}");
}

#[test]
fn feasibility_names_a_missing_or_empty_directory() {
    let scratch = Scratch::new("feasibility-missing");
    let good = scratch.path().join("good");
    write_tu(&good, "G", &GraphonFn::Constant(0.3), 2, 10, 0);
    let missing = scratch.path().join("nowhere");
    let empty = scratch.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    for (pre, down, bad) in [(&missing, &good, &missing), (&good, &empty, &empty)] {
        let output = kiln(&["graph", "feasibility", "--pre", arg(pre), "--down", arg(down), "--small"]);
        let err = assert_fails(&output);
        assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "{err}");
        assert!(err.contains(arg(bad)), "the error names {}:\n{err}", bad.display());
    }
}
