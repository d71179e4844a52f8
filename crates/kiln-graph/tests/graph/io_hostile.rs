//! The graph readers on hostile and everyday-but-awkward files: huge ids, empty files, a BOM,
//! CRLF, bytes that are not UTF-8, conflicting duplicate edges, non-finite features, TU
//! self-loops, repetitions and feature choice. Each outcome is a value or a typed error naming
//! the file and line.

use kiln_graph::GraphError;
use kiln_graph::io::Duplicates;
use kiln_graph::io::edge_list::{EdgeListOptions, NodeIds, read_edge_list};
use kiln_graph::io::linqs::read_linqs;
use kiln_graph::io::triples::read_triples;
use kiln_graph::io::tu::{TuFeatureSource, TuFeatures, read_tu};
use kiln_testkit::{assert_bounded, peak_bytes_during};

use crate::io::{dir, write};

#[test]
fn an_edge_list_with_huge_ids_is_renumbered_within_the_memory_bound() {
    let d = dir("huge-ids");
    let text = "0 99999999999\n99999999999 18446744073709551615\n18446744073709551615 0\n";
    let path = write(&d, "huge.txt", text);
    let (list, peak) = peak_bytes_during(|| read_edge_list(&path, EdgeListOptions::default()));
    let list = list.expect("huge ids are renumbered");
    assert_eq!(list.ids, vec![0, 99_999_999_999, u64::MAX]);
    assert!(list.renumbered());
    assert_eq!((list.graph.num_nodes, list.graph.undirected_pairs()), (3, vec![(0, 1), (0, 2), (1, 2)]));
    assert_bounded(peak, text.len(), 64, 16 << 10);

    // Beyond u64, negative: typed errors naming file, line and field.
    let err =
        read_edge_list(write(&d, "over.txt", "0 1\n1 18446744073709551616\n"), EdgeListOptions::default()).unwrap_err();
    assert!(matches!(&err, GraphError::NotNumeric { line: 2, field: 2, .. }), "{err}");
    assert!(err.to_string().contains("over.txt:2"), "{err}");
    let err = read_edge_list(write(&d, "neg.txt", "0 -1\n"), EdgeListOptions::default()).unwrap_err();
    assert!(matches!(&err, GraphError::NotNumeric { line: 1, field: 2, .. }), "{err}");

    // Dense ids refuse what is beyond the given count, and 0 when one-based.
    let dense = EdgeListOptions { ids: NodeIds::Dense { num_nodes: 5, one_based: true }, ..Default::default() };
    let err = read_edge_list(&path, dense).unwrap_err();
    assert!(matches!(&err, GraphError::IdOutOfRange { line: 1, id, .. } if id == "0"), "{err}");
}

#[test]
fn empty_graph_files_are_typed_errors() {
    let d = dir("empty");
    for (name, text) in [("empty.txt", ""), ("comments.txt", "# nothing\n\n% here\n"), ("bom.txt", "\u{feff}\r\n")] {
        let err = read_edge_list(write(&d, name, text), EdgeListOptions::default()).unwrap_err();
        assert!(matches!(err, GraphError::Empty { what: "edges", .. }), "{name}: {err}");
        let err = read_triples(write(&d, name, text)).unwrap_err();
        assert!(matches!(err, GraphError::Empty { what: "triples", .. }), "{name}: {err}");
    }
    let content = write(&d, "papers.content", "");
    write(&d, "papers.cites", "p1\tp1\n");
    assert!(matches!(read_linqs(&content, false).unwrap_err(), GraphError::Empty { what: "papers", .. }));
    write(&d, "papers.content", "p1\t1\tML\n");
    write(&d, "papers.cites", "# no citations\n");
    let err = read_linqs(&content, false).unwrap_err();
    assert!(matches!(err, GraphError::Empty { what: "citations", .. }), "{err}");
    assert!(err.to_string().contains("papers.cites"), "{err}");

    for file in ["A", "graph_indicator", "graph_labels"] {
        let t = dir(&format!("empty-tu-{file}"));
        write_triangle_and_edge(&t);
        write(&t, &format!("DS_{file}.txt"), "\n");
        let err = read_tu(&t, "DS", TuFeatures::default()).unwrap_err();
        assert!(matches!(&err, GraphError::Empty { path, .. } if path.ends_with(format!("DS_{file}.txt"))), "{err}");
    }
}

#[test]
fn a_bom_and_crlf_are_read_like_plain_text() {
    let d = dir("bom");
    let plain = read_edge_list(write(&d, "plain.csv", "0,1,0.5\n1,2,2\n"), EdgeListOptions::default()).expect("ok");
    let dos = read_edge_list(write(&d, "dos.csv", "\u{feff}0,1,0.5\r\n1,2,2\r\n"), EdgeListOptions::default());
    assert_eq!(dos.expect("BOM and CRLF"), plain);

    let content = write(&d, "toy.content", "\u{feff}p1\t1\t0\tML\r\np2\t0\t1\tDB\r\n");
    write(&d, "toy.cites", "\u{feff}p1\tp2\r\n");
    let ds = read_linqs(&content, false).expect("BOM and CRLF");
    assert_eq!(ds.ids, vec!["p1", "p2"], "the BOM is not part of the first paper id");
    assert_eq!(ds.labels, vec!["DB", "ML"], "no carriage return in labels");
    assert_eq!(ds.graph.undirected_pairs(), vec![(0, 1)]);

    let t = read_triples(write(&d, "kg.tsv", "\u{feff}a\tlikes\tb\r\n")).expect("BOM and CRLF");
    assert_eq!((t.entities, t.relations), (vec!["a".to_string(), "b".into()], vec!["likes".to_string()]));

    let tu = dir("bom-tu");
    write_triangle_and_edge(&tu);
    let plain = read_tu(&tu, "DS", TuFeatures::default()).expect("ok");
    for file in ["A", "graph_indicator", "graph_labels", "node_labels"] {
        let path = tu.join(format!("DS_{file}.txt"));
        let text = std::fs::read_to_string(&path).expect("read");
        write(&tu, &format!("DS_{file}.txt"), format!("\u{feff}{}", text.replace('\n', "\r\n")));
    }
    assert_eq!(read_tu(&tu, "DS", TuFeatures::default()).expect("BOM and CRLF"), plain);
}

#[test]
fn bytes_that_are_not_utf8_are_named_by_line() {
    let d = dir("binary");
    let path = write(&d, "bin.txt", b"0 1\n1 2\n2 \xff\n");
    let err = read_edge_list(&path, EdgeListOptions::default()).unwrap_err();
    assert!(matches!(err, GraphError::NotText { line: 3, .. }), "{err}");
    assert!(err.to_string().contains("bin.txt:3"), "{err}");
}

#[test]
fn duplicate_edges_with_other_weights_are_an_error_or_combined_on_request() {
    let d = dir("duplicates");
    let path = write(&d, "w.txt", "0 1 1.0\n1 2 4\n1 0 2.0\n");
    let err = read_edge_list(&path, EdgeListOptions::default()).unwrap_err();
    assert!(matches!(err, GraphError::ConflictingDuplicate { line: 3, first_line: 1, from: 1, to: 0, .. }), "{err}");
    assert!(err.to_string().contains("w.txt:3"), "{err}");
    for (rule, weight) in [(Duplicates::Sum, 3.0), (Duplicates::Mean, 1.5), (Duplicates::Max, 2.0)] {
        let list = read_edge_list(&path, EdgeListOptions { duplicates: rule, ..Default::default() }).expect("ok");
        let g = &list.graph;
        assert_eq!((g.num_edges(), list.repeats), (4, 1), "{rule:?}");
        let w: Vec<f32> =
            (0..g.num_edges()).filter(|&e| g.edge_index[0][e] + g.edge_index[1][e] == 1).map(|e| g.weight(e)).collect();
        assert_eq!(w, vec![weight, weight], "{rule:?}");
    }
    // Directed, 0→1 and 1→0 are two edges; the same direction twice is the conflict.
    let directed = EdgeListOptions { directed: true, ..Default::default() };
    assert_eq!(read_edge_list(&path, directed).expect("two directions").graph.num_edges(), 3);
    let err = read_edge_list(write(&d, "d.txt", "0 1 1\n0 1 2\n"), directed).unwrap_err();
    assert!(matches!(err, GraphError::ConflictingDuplicate { line: 2, first_line: 1, .. }), "{err}");
    // Repeats with the same weight, or none, merge and are counted.
    let list = read_edge_list(write(&d, "same.txt", "0 1\n1 0\n0 1\n1 2\n"), EdgeListOptions::default()).expect("ok");
    assert_eq!((list.graph.num_edges(), list.repeats), (4, 2));
    let sum = EdgeListOptions { duplicates: Duplicates::Sum, ..Default::default() };
    let err = read_edge_list(write(&d, "big.txt", "0 1 3e38\n1 0 3e38\n"), sum).unwrap_err();
    assert!(matches!(err, GraphError::TooLarge { .. }), "{err}");
}

#[test]
fn non_finite_values_name_file_line_and_field() {
    let d = dir("non-finite");
    for bad in ["nan", "inf", "-inf", "1e40"] {
        let err =
            read_edge_list(write(&d, "w.txt", format!("0 1 1\n1 2 {bad}\n")), EdgeListOptions::default()).unwrap_err();
        assert!(matches!(&err, GraphError::NonFinite { line: 2, field: 3, value, .. } if value == bad), "{err}");

        let content = write(&d, "p.content", format!("p1\t1\t0\tML\np2\t0\t{bad}\tDB\n"));
        write(&d, "p.cites", "p1\tp2\n");
        let err = read_linqs(&content, false).unwrap_err();
        assert!(matches!(err, GraphError::NonFinite { line: 2, field: 3, .. }), "{err}");
        assert!(err.to_string().contains("p.content:2"), "{err}");

        let t = dir("non-finite-tu");
        write_triangle_and_edge(&t);
        write(&t, "DS_node_attributes.txt", format!("1, 0\n0, 1\n1, 1\n0.5, {bad}\n2, 2\n"));
        let err = read_tu(&t, "DS", TuFeatures::Attributes).unwrap_err();
        assert!(matches!(err, GraphError::NonFinite { line: 4, field: 2, .. }), "{err}");
        assert!(err.to_string().contains("DS_node_attributes.txt:4"), "{err}");
    }
}

/// A TU data set `DS` in `dir`: a triangle (nodes 1–3, class 1) and an edge (4–5, class -1),
/// with node labels.
fn write_triangle_and_edge(dir: &std::path::Path) {
    write(dir, "DS_A.txt", "1, 2\n2, 1\n2, 3\n3, 2\n1, 3\n3, 1\n4, 5\n5, 4\n");
    write(dir, "DS_graph_indicator.txt", "1\n1\n1\n2\n2\n");
    write(dir, "DS_graph_labels.txt", "1\n-1\n");
    write(dir, "DS_node_labels.txt", "0\n1\n0\n2\n2\n");
    let _ = std::fs::remove_file(dir.join("DS_node_attributes.txt"));
}

#[test]
fn tu_removes_self_loops_and_merges_repeats_as_pyg_does() {
    let d = dir("tu-pyg");
    write_triangle_and_edge(&d);
    write(&d, "DS_A.txt", "2, 1\n1, 1\n1, 2\n4, 5\n2, 1\n5, 4\n5, 5\n");
    let ds = read_tu(&d, "DS", TuFeatures::default()).expect("ok");
    assert_eq!((ds.self_loops, ds.repeats), (2, 1));
    assert_eq!(ds.graphs[0].edges().collect::<Vec<_>>(), vec![(0, 1), (1, 0)], "sorted, without the loop");
    assert_eq!(ds.graphs[1].edges().collect::<Vec<_>>(), vec![(0, 1), (1, 0)]);
}

#[test]
fn tu_prefers_node_labels_and_gives_attributes_on_request() {
    let d = dir("tu-features");
    write_triangle_and_edge(&d);
    write(&d, "DS_node_attributes.txt", "1.5, 0\n0, 1\n1, 1\n0.5, 2\n2, 2\n");
    let labels = read_tu(&d, "DS", TuFeatures::PreferLabels).expect("ok");
    assert_eq!(labels.features, TuFeatureSource::NodeLabels);
    assert_eq!(labels.graphs[1].x.as_ref().map(|x| x.values.clone()), Some(vec![0.0, 0.0, 1.0, 0.0, 0.0, 1.0]));
    let both = read_tu(&d, "DS", TuFeatures::Attributes).expect("ok");
    assert_eq!(both.features, TuFeatureSource::AttributesAndLabels);
    let x = both.graphs[1].x.as_ref().expect("features");
    assert_eq!((x.dim, x.row(0)), (5, &[0.5, 2.0, 0.0, 0.0, 1.0][..]));

    std::fs::remove_file(d.join("DS_node_labels.txt")).expect("remove");
    let attrs = read_tu(&d, "DS", TuFeatures::PreferLabels).expect("falls back to the attributes");
    assert_eq!((attrs.features, attrs.graphs[0].x.as_ref().map(|x| x.dim)), (TuFeatureSource::NodeAttributes, Some(2)));
    std::fs::remove_file(d.join("DS_node_attributes.txt")).expect("remove");
    assert_eq!(read_tu(&d, "DS", TuFeatures::PreferLabels).expect("none").features, TuFeatureSource::None);
    let err = read_tu(&d, "DS", TuFeatures::Attributes).unwrap_err();
    assert!(matches!(err, GraphError::MissingFile { .. }), "{err}");
}

#[test]
fn tu_refuses_graphs_without_nodes_and_labels_that_are_ids() {
    let d = dir("tu-hostile");
    write_triangle_and_edge(&d);
    write(&d, "DS_graph_labels.txt", "1\n-1\n1\n");
    let err = read_tu(&d, "DS", TuFeatures::default()).unwrap_err();
    assert!(matches!(err, GraphError::NoNodes { line: 3, graph: 3, .. }), "{err}");

    // 1100 nodes in one graph, each with its own "label": a one-hot matrix of 1.2 M values
    // from a 5 kB file.
    let n = 1100;
    write(&d, "DS_graph_labels.txt", "1\n");
    write(&d, "DS_A.txt", "1, 2\n");
    write(&d, "DS_graph_indicator.txt", "1\n".repeat(n));
    let labels: String = (0..n).map(|v| format!("{v}\n")).collect();
    write(&d, "DS_node_labels.txt", &labels);
    let (result, peak) = peak_bytes_during(|| read_tu(&d, "DS", TuFeatures::default()));
    assert!(matches!(result, Err(GraphError::TooLarge { .. })), "{result:?}");
    assert_bounded(peak, labels.len() + 2 * n, 64, 64 << 10);
}
