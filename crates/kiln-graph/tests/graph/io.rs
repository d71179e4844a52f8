//! Loaders: well-formed files, and typed errors naming file and line for malformed ones.

use std::path::PathBuf;

use kiln_graph::GraphError;
use kiln_graph::io::edge_list::{EdgeListOptions, NodeIds, read_edge_list};
use kiln_graph::io::linqs::read_linqs;
use kiln_graph::io::triples::read_triples;
use kiln_graph::io::tu::{TuFeatureSource, TuFeatures, read_tu};

/// A scratch directory for the reader tests, unique to this process and `name`.
pub fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kiln-graph-io-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Writes `text` to `dir/file` and returns the path.
pub fn write(dir: &std::path::Path, file: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(file);
    std::fs::write(&p, text).expect("write");
    p
}

#[test]
fn edge_lists_read_weights_and_report_bad_lines() {
    let d = dir("edges");
    let list =
        read_edge_list(write(&d, "ok.csv", "# comment\n0,1,0.5\n1,2,2\n"), EdgeListOptions::default()).expect("ok");
    assert_eq!((list.ids.clone(), list.renumbered(), list.repeats), (vec![0, 1, 2], false, 0));
    let g = list.graph;
    assert_eq!((g.num_nodes, g.num_edges()), (3, 4));
    assert!(g.edge_weight.as_ref().is_some_and(|w| w.contains(&2.0)));
    let directed = EdgeListOptions { directed: true, ..EdgeListOptions::default() };
    let list = read_edge_list(write(&d, "ok.tsv", "1\t2\n2\t3\n"), directed).expect("ok");
    assert_eq!(list.graph.edges().collect::<Vec<_>>(), vec![(0, 1), (1, 2)]);
    assert_eq!((list.ids.clone(), list.renumbered()), (vec![1, 2, 3], true));
    let one_based = EdgeListOptions { ids: NodeIds::Dense { num_nodes: 4, one_based: true }, ..directed };
    let list = read_edge_list(write(&d, "ok.tsv", "1\t2\n2\t3\n"), one_based).expect("ok");
    assert_eq!((list.graph.num_nodes, list.ids.clone()), (4, vec![1, 2, 3, 4]));
    assert_eq!(list.graph.edges().collect::<Vec<_>>(), vec![(0, 1), (1, 2)]);

    let err = read_edge_list(write(&d, "bad.csv", "0,1\n1,x\n"), EdgeListOptions::default()).unwrap_err();
    assert!(matches!(&err, GraphError::NotNumeric { line: 2, field: 2, .. }), "{err}");
    assert!(err.to_string().contains("bad.csv:2"), "{err}");
    let err = read_edge_list(write(&d, "ragged.csv", "0,1,1.0\n1,2\n"), EdgeListOptions::default()).unwrap_err();
    assert!(matches!(err, GraphError::Ragged { line: 2, found: 2, .. }), "{err}");
    let opts = EdgeListOptions { ids: NodeIds::Dense { num_nodes: 3, one_based: false }, ..EdgeListOptions::default() };
    let err = read_edge_list(write(&d, "range.csv", "0 1\n\n2 3\n"), opts).unwrap_err();
    assert!(matches!(&err, GraphError::IdOutOfRange { line: 3, .. }), "{err}");
    let err = read_edge_list(d.join("absent.csv"), EdgeListOptions::default()).unwrap_err();
    assert!(matches!(err, GraphError::Io { .. }));
}

#[test]
fn linqs_reads_content_and_cites() {
    let d = dir("linqs");
    let content = write(&d, "toy.content", "p1\t1\t0\tML\np2\t0\t1\tDB\np3\t1\t1\tML\n");
    write(&d, "toy.cites", "p1\tp2\np3\tp1\n");
    let ds = read_linqs(&content, false).expect("ok");
    assert_eq!((ds.ids.join(" "), ds.skipped_citations), ("p1 p2 p3".to_string(), 0));
    assert_eq!(ds.labels, vec!["DB".to_string(), "ML".to_string()]);
    assert_eq!(ds.graph.y, Some(vec![1, 0, 1]));
    assert_eq!(ds.graph.x.as_ref().map(|x| x.dim), Some(2));
    assert_eq!(ds.graph.undirected_pairs(), vec![(0, 1), (0, 2)]);

    write(&d, "toy.cites", "p1\tp2\np9\tp1\n");
    let err = read_linqs(&content, false).unwrap_err();
    assert!(matches!(&err, GraphError::IdOutOfRange { line: 2, id, .. } if id == "p9"), "{err}");
    let skipped = read_linqs(&content, true).expect("skips");
    assert_eq!((skipped.graph.undirected_pairs(), skipped.skipped_citations), (vec![(0, 1)], 1));

    let ragged = write(&d, "rag.content", "p1\t1\t0\tML\np2\t0\tDB\n");
    write(&d, "rag.cites", "");
    assert!(matches!(read_linqs(&ragged, false).unwrap_err(), GraphError::Ragged { line: 2, .. }));
    let bad = write(&d, "nan.content", "p1\t1\tzero\tML\n");
    write(&d, "nan.cites", "");
    assert!(matches!(read_linqs(&bad, false).unwrap_err(), GraphError::NotNumeric { line: 1, field: 3, .. }));
    let lonely = write(&d, "lonely.content", "p1\t1\tML\n");
    assert!(matches!(read_linqs(&lonely, false).unwrap_err(), GraphError::MissingFile { .. }));
}

#[test]
fn tu_reads_graphs_and_rejects_bad_files() {
    let d = dir("tu");
    // Two graphs: a triangle (nodes 1-3) and an edge (nodes 4-5).
    write(&d, "DS_A.txt", "1, 2\n2, 1\n2, 3\n3, 2\n1, 3\n3, 1\n4, 5\n5, 4\n");
    write(&d, "DS_graph_indicator.txt", "1\n1\n1\n2\n2\n");
    write(&d, "DS_graph_labels.txt", "1\n-1\n");
    write(&d, "DS_node_labels.txt", "0\n1\n0\n2\n2\n");
    let ds = read_tu(&d, "DS", TuFeatures::default()).expect("ok");
    assert_eq!((ds.features, ds.self_loops, ds.repeats), (TuFeatureSource::NodeLabels, 0, 0));
    assert_eq!(ds.graphs.len(), 2);
    assert_eq!(ds.labels, vec![1, 0]);
    assert_eq!(ds.classes, vec![-1, 1]);
    assert_eq!((ds.graphs[0].num_nodes, ds.graphs[0].num_edges()), (3, 6));
    assert_eq!(ds.graphs[1].edges().collect::<Vec<_>>(), vec![(0, 1), (1, 0)]);
    assert_eq!(ds.graphs[1].x.as_ref().map(|x| x.values.clone()), Some(vec![0.0, 0.0, 1.0, 0.0, 0.0, 1.0]));

    write(&d, "DS_A.txt", "1, 2\n3, 4\n");
    assert!(matches!(read_tu(&d, "DS", TuFeatures::default()).unwrap_err(), GraphError::IdOutOfRange { line: 2, .. }));
    write(&d, "DS_A.txt", "1, 9\n");
    assert!(matches!(read_tu(&d, "DS", TuFeatures::default()).unwrap_err(), GraphError::IdOutOfRange { line: 1, .. }));
    write(&d, "DS_A.txt", "1; 2\n");
    assert!(matches!(
        read_tu(&d, "DS", TuFeatures::default()).unwrap_err(),
        GraphError::NotNumeric { line: 1, .. } | GraphError::Ragged { .. }
    ));
    write(&d, "DS_A.txt", "1, 2\n");
    write(&d, "DS_graph_indicator.txt", "1\n1\n1\n2\n3\n");
    assert!(matches!(read_tu(&d, "DS", TuFeatures::default()).unwrap_err(), GraphError::IdOutOfRange { line: 5, .. }));
    assert!(matches!(read_tu(&d, "OTHER", TuFeatures::default()).unwrap_err(), GraphError::MissingFile { .. }));
}

#[test]
fn triples_number_entities_and_relations() {
    let d = dir("triples");
    let t = read_triples(write(&d, "kg.tsv", "a\tlikes\tb\nb\tlikes\tc\nc\thates\ta\n")).expect("ok");
    assert_eq!(t.entities, vec!["a", "b", "c"]);
    assert_eq!(t.relations, vec!["likes", "hates"]);
    assert_eq!(t.triples, vec![(0, 0, 1), (1, 0, 2), (2, 1, 0)]);
    let err = read_triples(write(&d, "bad.tsv", "a\tlikes\tb\nb\tlikes\n")).unwrap_err();
    assert!(matches!(err, GraphError::Ragged { line: 2, found: 2, .. }));
}
