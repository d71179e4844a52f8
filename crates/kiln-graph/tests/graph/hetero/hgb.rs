//! The HGB directory reader: a round trip through a temp directory, and each bad case with its
//! file and line; the typed TSV reader.

use std::path::{Path, PathBuf};

use kiln_graph::GraphError;
use kiln_graph::io::hgb::read_hgb;
use kiln_graph::io::typed_tsv::read_typed_tsv;

use crate::io::{dir, write};

pub const NODES: &str = "0\ta0\t0\t1.0,2.0\n1\ta1\t0\t3.0,4.0\n2\tp0\t1\t0.5\n3\tp1\t1\t1.5\n4\tv0\t2\n";
pub const LINKS: &str = "0\t2\t0\t1.0\n1\t2\t0\t1.0\n1\t3\t0\t2.0\n2\t4\t1\t1.0\n3\t4\t1\t0.5\n";
pub const LABELS: &str = "0\ta0\t0\t2\n";
pub const TEST_LABELS: &str = "1\ta1\t0\t1,3\n";

/// A tiny HGB directory: 2 authors (2 features), 2 papers (1 feature), 1 venue (none).
pub fn hgb_dir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let d = dir(&format!("hgb-{name}"));
    for f in ["node.dat", "link.dat", "label.dat", "label.dat.test", "info.dat"] {
        let _ = std::fs::remove_file(d.join(f));
    }
    for (file, text) in files {
        write(&d, file, text);
    }
    d
}

fn valid(name: &str) -> PathBuf {
    hgb_dir(
        name,
        &[
            ("node.dat", NODES),
            ("link.dat", LINKS),
            ("label.dat", LABELS),
            ("label.dat.test", TEST_LABELS),
            ("info.dat", "free text\n"),
        ],
    )
}

#[test]
fn hgb_round_trip() {
    let g = read_hgb(valid("round-trip")).expect("read");
    let counts: Vec<(String, usize)> = g.node_types.iter().map(|t| (t.name.clone(), t.count)).collect();
    assert_eq!(counts, vec![("0".into(), 2), ("1".into(), 2), ("2".into(), 1)]);
    let authors = &g.node_types[0];
    assert_eq!(authors.x.as_ref().map(|x| (x.dim, x.values.clone())), Some((2, vec![1.0, 2.0, 3.0, 4.0])));
    assert_eq!(g.node_types[1].x.as_ref().map(|x| x.values.clone()), Some(vec![0.5, 1.5]));
    assert!(g.node_types[2].x.is_none());
    assert_eq!(authors.y, Some(vec![vec![2], vec![1, 3]]));
    assert_eq!((authors.train.clone(), authors.test.clone()), (vec![0], vec![1]));
    assert_eq!(g.relations.len(), 2);
    let writes = &g.relations[0];
    assert_eq!((writes.src_type, writes.dst_type), (0, 1));
    assert_eq!(
        (writes.src.clone(), writes.dst.clone(), writes.weight.clone()),
        (vec![0, 1, 1], vec![0, 0, 1], vec![1.0, 1.0, 2.0])
    );
    let venue = &g.relations[1];
    assert_eq!(
        (venue.src_type, venue.dst_type, venue.dst.clone(), venue.weight.clone()),
        (1, 2, vec![0, 0], vec![1.0, 0.5])
    );
}

fn error_at(e: GraphError, file: &str, line: usize) -> GraphError {
    let text = e.to_string();
    assert!(text.contains(&format!("{file}:{line}")), "{text} should name {file}:{line}");
    e
}

fn read_with(name: &str, file: &str, text: &str) -> GraphError {
    let d = valid(name);
    write(&d, file, text);
    read_hgb(&d).expect_err("bad input")
}

#[test]
fn hgb_bad_inputs_name_file_and_line() {
    let e = read_with("unknown-type", "label.dat", "0\ta0\t0\t1\n1\ta1\t7\t1\n");
    assert!(matches!(error_at(e, "label.dat", 2), GraphError::UnknownType { ref name, .. } if name == "7"));
    let e = read_with("out-of-range", "link.dat", "0\t2\t0\t1\n0\t9\t0\t1\n");
    assert!(matches!(error_at(e, "link.dat", 2), GraphError::IdOutOfRange { .. }));
    let e = read_with("ragged", "link.dat", "0\t2\t0\t1\n0\t2\n");
    assert!(matches!(error_at(e, "link.dat", 2), GraphError::Ragged { found: 2, .. }));
    let e = read_with("non-numeric", "node.dat", "0\ta0\t0\t1.0,x\n1\ta1\t0\t3.0,4.0\n");
    assert!(matches!(error_at(e, "node.dat", 1), GraphError::NotNumeric { ref value, .. } if value == "x"));
    let e = read_with("width", "node.dat", "0\ta0\t0\t1.0,2.0\n1\ta1\t0\t3.0\n");
    assert!(matches!(error_at(e, "node.dat", 2), GraphError::FeatureWidth { found: 1, expected: 2, .. }));
    let e = read_with("repeated", "node.dat", "0\ta0\t0\n0\ta1\t0\n");
    assert!(matches!(error_at(e, "node.dat", 2), GraphError::IdOutOfRange { .. }));
    let e = read_with("relation-types", "link.dat", "0\t2\t0\t1\n2\t4\t0\t1\n");
    assert!(matches!(error_at(e, "link.dat", 2), GraphError::IdOutOfRange { .. }));
    let e = read_with("label-type", "label.dat.test", "2\tp0\t0\t1\n");
    assert!(matches!(error_at(e, "label.dat.test", 1), GraphError::IdOutOfRange { .. }));
    let missing = hgb_dir("missing", &[("link.dat", LINKS)]);
    let e = read_hgb(&missing).expect_err("no node.dat");
    assert!(matches!(e, GraphError::MissingFile { ref path, .. } if path.ends_with("node.dat")), "{e}");
    let e = read_with("empty", "node.dat", "\n");
    assert!(matches!(e, GraphError::Empty { .. }), "{e}");
}

fn tsv(d: &Path, text: &str) -> PathBuf {
    write(d, "typed.tsv", text)
}

#[test]
fn typed_tsv_numbers_nodes_per_type() {
    let d = dir("typed-tsv");
    let path = tsv(&d, "author\tann\twrites\tpaper\tp1\nauthor\tbob\twrites\tpaper\tp1\npaper\tp1\tin\tvenue\tkdd\n");
    let t = read_typed_tsv(&path, None).expect("read");
    assert_eq!(t.names, vec![vec!["ann".to_string(), "bob".into()], vec!["p1".into()], vec!["kdd".into()]]);
    let r = &t.graph.relations;
    assert_eq!(r.len(), 2);
    assert_eq!((r[0].src.clone(), r[0].dst.clone(), r[1].src_type, r[1].dst_type), (vec![0, 1], vec![0, 0], 1, 2));
    let e = read_typed_tsv(&path, Some(&["author", "paper"])).expect_err("venue is not allowed");
    assert!(matches!(error_at(e, "typed.tsv", 3), GraphError::UnknownType { ref name, .. } if name == "venue"));
    let bad = tsv(&d, "author\tann\twrites\tpaper\tp1\nauthor\tann\twrites\tpaper\n");
    assert!(matches!(error_at(read_typed_tsv(&bad, None).unwrap_err(), "typed.tsv", 2), GraphError::Ragged { .. }));
}
