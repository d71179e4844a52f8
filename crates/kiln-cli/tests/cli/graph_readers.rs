//! Hostile and awkward graph files through the binary (issue 11): an edge list with huge ids is
//! renumbered and gives the results of the same graph with ids `0..n`; an empty edge list, a
//! repeated edge with another weight and an unknown citation fail with one `error:` line naming
//! the file; `--skip-unknown-citations` skips and counts.

use std::path::Path;

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln, stderr, test_lines};
use crate::graph::graph;
use crate::graph_files::{write_edges, write_linqs};

/// A brief NCN run's flags.
const LINK: [&str; 10] = ["--model", "ncn", "--epochs", "1", "--batch-size", "32", "--hidden", "8", "--features", "4"];

/// The one `error:` line of a failed run's stderr, which must name `path`.
fn one_error_line(err: &str, path: &Path) -> String {
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "expected one error line:\n{err}");
    assert!(lines[0].contains(&path.display().to_string()), "{} not named:\n{err}", path.display());
    lines[0].to_string()
}

#[test]
fn an_edge_list_with_huge_ids_is_renumbered_and_gives_the_same_results() {
    let scratch = Scratch::new("graph-huge-ids");
    let plain = write_edges(scratch.path());
    // The same graph with ids spread up to u64::MAX, in the same order.
    let spread = |id: u64| if id == 39 { u64::MAX } else { id * 99_999_999_999 };
    let text: String = std::fs::read_to_string(&plain)
        .unwrap()
        .lines()
        .map(|line| match line.split_once(' ') {
            Some((a, b)) if !line.starts_with('#') => {
                format!("{} {}\n", spread(a.parse().unwrap()), spread(b.parse().unwrap()))
            }
            _ => format!("{line}\n"),
        })
        .collect();
    let huge = scratch.path().join("huge.txt");
    std::fs::write(&huge, text).unwrap();

    let out = scratch.path().join("huge-run");
    let run = graph("link", &format!("edges:{}", huge.display()), &out, &LINK);
    assert_succeeds(&run);
    let err = stderr(&run);
    assert!(
        err.contains("40 nodes; their ids, 0 to 18446744073709551615, are numbered 0 to 39 in increasing order"),
        "{err}"
    );
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["data"]["num_nodes"], 40);
    assert_eq!(config["data"]["renumbered_ids"]["largest"], u64::MAX);

    let reference = graph("link", &format!("edges:{}", plain.display()), &scratch.path().join("plain-run"), &LINK);
    assert_succeeds(&reference);
    assert!(!stderr(&reference).contains("numbered"), "ids 0..n are not renumbered:\n{}", stderr(&reference));
    assert!(!test_lines(&run).is_empty());
    assert_eq!(test_lines(&run), test_lines(&reference), "renumbering changed the results");
    let evaluated = kiln(&["eval", "--checkpoint", arg(&out), "--device", "flex"]);
    assert_succeeds(&evaluated);
    assert_eq!(test_lines(&evaluated), test_lines(&run), "eval renumbers as training did");
}

#[test]
fn empty_and_conflicting_edge_lists_fail_with_one_line() {
    let scratch = Scratch::new("graph-empty-edges");
    let out = scratch.path().join("run");
    let edges = scratch.path().join("edges.txt");
    for text in ["", "# only a comment\n\n", "\u{feff}\r\n"] {
        std::fs::write(&edges, text).unwrap();
        let err = assert_fails(&graph("link", &format!("edges:{}", edges.display()), &out, &LINK));
        let line = one_error_line(&err, &edges);
        assert!(line.contains("no edges"), "{line}");
    }
    std::fs::write(&edges, "0 1 1.0\n1 2 1.0\n2 0 1.0\n1 0 2.5\n").unwrap();
    let err = assert_fails(&graph("link", &format!("edges:{}", edges.display()), &out, &LINK));
    let line = one_error_line(&err, &edges);
    assert!(line.contains(&format!("{}:4:", edges.display())) && line.contains("line 1"), "{line}");
    assert!(!out.join("checkpoint").exists(), "nothing was trained");
}

#[test]
fn unknown_citations_are_an_error_or_skipped_and_counted() {
    let scratch = Scratch::new("graph-unknown-citations");
    let content = write_linqs(scratch.path(), "papers");
    let cites = content.with_extension("cites");
    let mut text = std::fs::read_to_string(&cites).unwrap();
    text.push_str("p0\tp404\np405\tp1\n");
    std::fs::write(&cites, text).unwrap();
    let data = format!("linqs:{}", content.display());
    let out = scratch.path().join("run");

    let err = assert_fails(&graph("train", &data, &out, &["--epochs", "1"]));
    let line = one_error_line(&err, &cites);
    assert!(line.contains("p404") && line.contains("--skip-unknown-citations"), "{line}");

    let run = graph("train", &data, &out, &["--epochs", "1", "--skip-unknown-citations"]);
    assert_succeeds(&run);
    let err = stderr(&run);
    assert!(err.contains("citations skipped: 2 (they name papers absent"), "{err}");
    let config = std::fs::read_to_string(out.join("config.json")).unwrap();
    assert!(config.contains("\"skipped_citations\": 2"), "{config}");
}
