//! `kiln graph search`: a short Auto-GNN search on the contextual SBM prints every child and
//! the best architecture and writes its lineage; random search at the same budget; bad flags
//! are named.

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln};

#[test]
fn a_short_search_lists_children_and_the_best_architecture() {
    let scratch = Scratch::new("graph-search");
    let out = scratch.path().join("search");
    let stdout = assert_succeeds(&kiln(&[
        "graph",
        "search",
        "--data",
        "csbm",
        "--evals",
        "3",
        "--out",
        arg(&out),
        "--device",
        "flex",
    ]));
    assert_eq!(stdout.lines().filter(|l| l.starts_with("child ")).count(), 3, "{stdout}");
    assert!(stdout.contains("layer 1: width") && stdout.contains("layer 2: width"), "{stdout}");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("children.json")).unwrap()).unwrap();
    assert_eq!(record["accuracies"].as_array().map(Vec::len), Some(3));
    assert!(record["children"][1]["parent"].as_u64().is_some(), "{record}");
    let stdout = assert_succeeds(&kiln(&[
        "graph",
        "search",
        "--data",
        "csbm",
        "--evals",
        "2",
        "--method",
        "random",
        "--out",
        arg(&out),
        "--device",
        "flex",
    ]));
    assert_eq!(stdout.lines().filter(|l| l.starts_with("child ")).count(), 2, "{stdout}");
}

#[test]
fn bad_search_flags_are_named() {
    let err = assert_fails(&kiln(&["graph", "search", "--data", "cora", "--evals", "3", "--device", "flex"]));
    assert!(err.contains("--data cora"), "{err}");
    let err = assert_fails(&kiln(&["graph", "search", "--data", "csbm", "--evals", "0", "--device", "flex"]));
    assert!(err.contains("--evals 0"), "{err}");
}
