//! The three statistics `cal_topo` adds to the five of `topology_stats`: closeness, degree
//! Pearson and assortativity, against hand values (closeness checked against networkx 3.6's
//! `closeness_centrality`).

use kiln_graph::graph::Graph;
use kiln_graph::w2pgnn::basis::topology_stats;
use kiln_graph::w2pgnn::topology::{degree_assortativity, degree_pearson, mean_closeness, topology_vector};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn the_path_on_four_nodes() {
    let g = Graph::undirected(4, &[(0, 1), (1, 2), (2, 3)]).unwrap();
    // Closeness: 3/6, 3/4, 3/4, 3/6 → 0.625.
    assert!(close(mean_closeness(&g), 0.625));
    // End degrees over both directions: x = 1,2,2,2,2,1, y = 2,1,2,2,1,2: cov −1/9, var 2/9.
    assert!(close(degree_pearson(&g), -0.5), "{}", degree_pearson(&g));
    assert!(close(degree_assortativity(&g), -0.5), "{}", degree_assortativity(&g));
    let v = topology_vector(&g);
    let [mean, std, density, clustering, transitivity] = topology_stats(&g);
    assert_eq!(v, [mean, std, density, 0.625, v[4], v[5], transitivity, clustering]);
    assert!(close(v[0], 1.5) && close(v[1], 0.5) && close(v[2], 0.5));
}

#[test]
fn the_triangle_with_a_tail_and_the_star() {
    // Degrees 2, 2, 3, 1; edges (2,2), (2,3), (2,3), (3,1): ⟨jk⟩ = 19/4, ⟨(j+k)/2⟩ = 9/4,
    // ⟨(j²+k²)/2⟩ = 11/2, so r = (−5/16)/(7/16) = −5/7.
    let paw = Graph::undirected(4, &[(0, 1), (1, 2), (0, 2), (2, 3)]).unwrap();
    assert!(close(degree_assortativity(&paw), -5.0 / 7.0), "{}", degree_assortativity(&paw));
    assert!(close(degree_pearson(&paw), -5.0 / 7.0), "{}", degree_pearson(&paw));
    // Closeness 3/4, 3/4, 1, 3/5 → 0.775.
    assert!(close(mean_closeness(&paw), 0.775), "{}", mean_closeness(&paw));
    let star = Graph::undirected(4, &[(0, 1), (0, 2), (0, 3)]).unwrap();
    assert!(close(degree_assortativity(&star), -1.0));
    assert!(close(degree_pearson(&star), -1.0));
    assert!(close(mean_closeness(&star), 0.7), "{}", mean_closeness(&star));
}

#[test]
fn disconnected_regular_and_empty_graphs() {
    // Two disjoint edges: each node reaches 1 of 3 others at distance 1 → (1/3)·(1/1).
    let g = Graph::undirected(4, &[(0, 1), (2, 3)]).unwrap();
    assert!(close(mean_closeness(&g), 1.0 / 3.0));
    // Regular: no variance at the edge ends; networkx's NaN is 0 here.
    let triangle = Graph::undirected(3, &[(0, 1), (1, 2), (2, 0)]).unwrap();
    assert_eq!((degree_pearson(&triangle), degree_assortativity(&triangle)), (0.0, 0.0));
    assert!(close(mean_closeness(&triangle), 1.0));
    let empty = Graph::undirected(3, &[]).unwrap();
    assert_eq!(topology_vector(&empty)[3..6], [0.0, 0.0, 0.0]);
    assert_eq!(mean_closeness(&Graph::undirected(1, &[]).unwrap()), 0.0);
}
