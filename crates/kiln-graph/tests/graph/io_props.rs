//! Property tests of the graph readers (issue 11): damaged copies of valid files
//! (`kiln_testkit::mutated`) never panic, give a value or a typed error, and never make a
//! reader allocate more than a bound proportional to the files' size.

use kiln_graph::io::edge_list::{EdgeListOptions, read_edge_list};
use kiln_graph::io::linqs::read_linqs;
use kiln_graph::io::triples::read_triples;
use kiln_graph::io::tu::{TuFeatures, read_tu};
use kiln_graph::{GraphError, Result};
use kiln_testkit::{assert_bounded, config, mutated, peak_bytes_during};
use proptest::prelude::*;

use crate::io::{dir, write};

/// Heap bytes a reader may use per byte of its input, and whatever the input.
const FACTOR: usize = 64;
const SLACK: usize = 4 << 10;

/// Runs `read` on the files in place, checks the allocation bound against `input_len` and
/// that a failure is a reader error (not an error of the graph type, which would mean the
/// reader let bad data through to it).
fn check<T>(input_len: usize, read: impl FnOnce() -> Result<T>) {
    let (result, peak) = peak_bytes_during(read);
    assert_bounded(peak, input_len, FACTOR, SLACK);
    if let Err(err) = result {
        let from_reader = !matches!(
            err,
            GraphError::NodeOutOfRange { .. } | GraphError::LengthMismatch { .. } | GraphError::Invalid(_)
        );
        assert!(from_reader, "not a reader error: {err:?}");
        assert!(!err.to_string().is_empty());
    }
}

fn edge_list() -> Vec<u8> {
    let mut text = String::from("# source target weight\n");
    for v in 0..24u64 {
        text.push_str(&format!("{} {} {}\n", v * 1000, (v * 7 + 3) % 24 * 1000, 0.5 + v as f32));
    }
    text.into_bytes()
}

fn linqs() -> (Vec<u8>, Vec<u8>) {
    let mut content = String::new();
    let mut cites = String::new();
    for v in 0..16 {
        content.push_str(&format!("paper{v}\t{}\t{}\t0.25\tclass{}\n", v % 2, v % 3, v % 4));
        cites.push_str(&format!("paper{v}\tpaper{}\n", (v + 5) % 16));
    }
    (content.into_bytes(), cites.into_bytes())
}

fn triples() -> Vec<u8> {
    (0..20).map(|v| format!("e{v}\tr{}\te{}\n", v % 3, (v * 5 + 1) % 20)).collect::<String>().into_bytes()
}

/// A valid TU data set: four graphs of five nodes (a ring each), node labels and attributes.
fn tu() -> [(&'static str, Vec<u8>); 5] {
    let (graphs, size) = (4, 5);
    let (mut a, mut indicator, mut labels, mut node_labels, mut attrs) =
        (String::new(), String::new(), String::new(), String::new(), String::new());
    for g in 0..graphs {
        labels.push_str(&format!("{}\n", g % 2));
        for k in 0..size {
            let v = g * size + k + 1;
            let w = g * size + (k + 1) % size + 1;
            a.push_str(&format!("{v}, {w}\n{w}, {v}\n"));
            indicator.push_str(&format!("{}\n", g + 1));
            node_labels.push_str(&format!("{}\n", v % 3));
            attrs.push_str(&format!("{}.5, {}\n", v, k));
        }
    }
    [
        ("A", a.into_bytes()),
        ("graph_indicator", indicator.into_bytes()),
        ("graph_labels", labels.into_bytes()),
        ("node_labels", node_labels.into_bytes()),
        ("node_attributes", attrs.into_bytes()),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn edge_lists_survive_damage(bytes in mutated(edge_list())) {
        let d = dir("props-edges");
        let path = write(&d, "edges.txt", &bytes);
        check(bytes.len(), || read_edge_list(&path, EdgeListOptions::default()));
        check(bytes.len(), || read_edge_list(&path, EdgeListOptions { directed: true, ..Default::default() }));
    }

    #[test]
    fn linqs_survives_damage(content in mutated(linqs().0), cites in mutated(linqs().1)) {
        let d = dir("props-linqs");
        let path = write(&d, "papers.content", &content);
        write(&d, "papers.cites", &cites);
        check(content.len() + cites.len(), || read_linqs(&path, true));
        check(content.len() + cites.len(), || read_linqs(&path, false));
    }

    #[test]
    fn triples_survive_damage(bytes in mutated(triples())) {
        let d = dir("props-triples");
        let path = write(&d, "kg.tsv", &bytes);
        check(bytes.len(), || read_triples(&path));
    }

    #[test]
    fn tu_survives_damage(
        (which, bytes) in (0..5usize).prop_flat_map(|which| (Just(which), mutated(tu()[which].1.clone())))
    ) {
        // One file of the set is damaged, the others are valid.
        let d = dir("props-tu");
        let mut files = tu();
        files[which].1 = bytes;
        let total: usize = files.iter().map(|f| f.1.len()).sum();
        for (name, data) in &files {
            write(&d, &format!("DS_{name}.txt"), data);
        }
        check(total, || read_tu(&d, "DS", TuFeatures::PreferLabels));
        check(total, || read_tu(&d, "DS", TuFeatures::Attributes));
    }
}
