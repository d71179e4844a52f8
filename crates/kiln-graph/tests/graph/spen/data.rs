//! The generators: CSL graphs are 4-regular on 41 nodes with 82 edges, relabelled copies
//! differ; `2×C3` and `C6` are both 2-regular on 6 nodes.

use kiln_graph::spen::data::{CSL_NODES, CSL_SKIPS};
use kiln_graph::spen::{csl, csl_dataset, triangles_vs_hexagon};

#[test]
fn csl_graphs_are_four_regular_with_ten_classes() {
    let data = csl_dataset(2, 7).expect("CSL");
    assert_eq!(data.len(), 20);
    assert_eq!(data.iter().map(|d| d.1).max(), Some(CSL_SKIPS.len() - 1));
    for (g, _) in &data {
        assert_eq!(g.num_nodes, CSL_NODES);
        assert_eq!(g.undirected_pairs().len(), 82);
        assert!(g.in_degree().iter().all(|&d| d == 4));
    }
    assert_ne!(data[0].0.edge_index, data[1].0.edge_index, "the copies are relabelled");
    assert_ne!(csl(41, 2, None).expect("CSL"), csl(41, 2, Some(1)).expect("CSL"));
    assert!(csl(41, 0, None).is_err());
}

#[test]
fn two_triangles_and_the_hexagon_are_both_two_regular() {
    let pair = triangles_vs_hexagon().expect("graphs");
    for (g, _) in &pair {
        assert_eq!(g.num_nodes, 6);
        assert_eq!(g.num_edges(), 12);
        assert!(g.in_degree().iter().all(|&d| d == 2));
    }
    assert_ne!(pair[0].0.edge_index, pair[1].0.edge_index);
}
