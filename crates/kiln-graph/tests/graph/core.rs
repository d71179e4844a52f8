//! The graph type: undirected handling, self-loops, degrees, normalisation, k-hop, induced
//! subgraphs, batching and petgraph round trips.

use kiln_graph::{Features, Graph, GraphError};

fn path3() -> Graph {
    Graph::undirected(3, &[(0, 1), (1, 2)]).expect("valid graph")
}

#[test]
fn undirected_stores_both_directions_without_duplicates() {
    let g = Graph::undirected(4, &[(0, 1), (1, 0), (1, 2), (2, 2), (3, 1)]).expect("valid");
    assert_eq!(g.num_edges(), 6);
    assert!(g.is_undirected());
    assert_eq!(g.undirected_pairs(), vec![(0, 1), (1, 2), (1, 3)]);
    assert_eq!(g.in_degree(), vec![1, 3, 1, 1]);
}

#[test]
fn out_of_range_ids_are_rejected() {
    assert!(matches!(Graph::new(2, &[(0, 2)]), Err(GraphError::NodeOutOfRange { id: 2, num_nodes: 2 })));
    let g = path3();
    assert!(matches!(g.clone().with_labels(vec![0, 1]), Err(GraphError::LengthMismatch { .. })));
    assert!(g.induced_subgraph(&[0, 5]).is_err());
}

#[test]
fn self_loops_are_added_once() {
    let g = Graph::new(2, &[(0, 1), (1, 1)]).expect("valid").add_self_loops(1.0);
    let mut e: Vec<_> = g.edges().collect();
    e.sort();
    assert_eq!(e, vec![(0, 0), (0, 1), (1, 1)]);
}

#[test]
fn gcn_norm_matches_hand_computed_weights() {
    // Path 0-1-2 with self-loops: degrees 2, 3, 2.
    let g = path3().gcn_norm();
    for (e, (s, t)) in g.edges().enumerate() {
        let d = |v: usize| if v == 1 { 3.0f32 } else { 2.0 };
        let expected = 1.0 / (d(s) * d(t)).sqrt();
        assert!((g.weight(e) - expected).abs() < 1e-6, "edge {s}->{t}");
    }
}

/// Path 0-1-2 as an edge list that keeps loops: `(1, 1)` once and `(2, 2)` twice.
pub fn path3_with_loops() -> Graph {
    Graph::new(3, &[(0, 1), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2), (2, 2)]).expect("valid graph")
}

#[test]
fn gcn_norm_counts_existing_self_loops_once() {
    // PyG's add_remaining_self_loops: one loop per node, so the degrees stay 2, 3, 2.
    let g = path3_with_loops().gcn_norm();
    assert_eq!(g.num_edges(), 4 + 3);
    assert_eq!(g.edges().filter(|(s, t)| s == t).count(), 3);
    let d = [2.0f32, 3.0, 2.0];
    for (e, (s, t)) in g.edges().enumerate() {
        let expected = 1.0 / (d[s] * d[t]).sqrt();
        assert!((g.weight(e) - expected).abs() < 1e-6, "edge {s}->{t}: {} vs {expected}", g.weight(e));
    }
    // A weighted loop keeps its weight: 0-1 (weight 1) with (1, 1) of weight 3 gives degrees
    // 1 + 1 and 1 + 3, so Â = [[1/2, 1/√8], [1/√8, 3/4]].
    let weighted =
        Graph::new(2, &[(0, 1), (1, 0), (1, 1)]).expect("valid").with_edge_weight(vec![1.0, 1.0, 3.0]).expect("w");
    let looped = weighted.add_remaining_self_loops(1.0);
    let mut e: Vec<_> = looped.edges().enumerate().map(|(k, (s, t))| (s, t, looped.weight(k))).collect();
    e.sort_by_key(|&(s, t, _)| (s, t));
    assert_eq!(e, vec![(0, 0, 1.0), (0, 1, 1.0), (1, 0, 1.0), (1, 1, 3.0)]);
    let norm = weighted.gcn_norm();
    for (k, (s, t)) in norm.edges().enumerate() {
        let expected = match (s, t) {
            (0, 0) => 0.5,
            (1, 1) => 0.75,
            _ => 1.0 / 8f32.sqrt(),
        };
        assert!((norm.weight(k) - expected).abs() < 1e-6, "edge {s}->{t}");
    }
}

#[test]
fn k_hop_and_induced_subgraph() {
    let g = Graph::undirected(6, &[(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]).expect("valid");
    assert_eq!(g.k_hop(&[0], 0), vec![0]);
    assert_eq!(g.k_hop(&[0], 2), vec![0, 1, 2]);
    assert_eq!(g.k_hop(&[2, 5], 1), vec![1, 2, 3, 4, 5]);
    let g = g.with_labels(vec![0, 1, 2, 3, 4, 5]).expect("labels");
    let sub = g.induced_subgraph(&[3, 2, 5]).expect("valid");
    assert_eq!(sub.num_nodes, 3);
    assert_eq!(sub.y, Some(vec![3, 2, 5]));
    let mut e: Vec<_> = sub.edges().collect();
    e.sort();
    assert_eq!(e, vec![(0, 1), (1, 0)]);
}

#[test]
fn batching_offsets_edges_like_pyg() {
    let a = path3().with_features(Features::new(1, vec![1.0, 2.0, 3.0]).expect("f")).expect("x");
    let b = Graph::undirected(2, &[(0, 1)])
        .expect("valid")
        .with_features(Features::new(1, vec![4.0, 5.0]).expect("f"))
        .expect("x");
    let batch = Graph::batch(&[a, b]).expect("batch");
    assert_eq!(batch.num_nodes, 5);
    assert_eq!(batch.batch, Some(vec![0, 0, 0, 1, 1]));
    assert_eq!(batch.ptr(), vec![0, 3, 5]);
    assert!(batch.edges().any(|e| e == (3, 4)));
    assert_eq!(batch.x.map(|x| x.values), Some(vec![1.0, 2.0, 3.0, 4.0, 5.0]));
}

#[test]
fn petgraph_round_trip_keeps_edges_and_weights() {
    let g = Graph::new(3, &[(0, 1), (2, 0)]).expect("valid").with_edge_weight(vec![0.5, 2.0]).expect("w");
    let pg = g.to_petgraph();
    assert_eq!(pg.node_count(), 3);
    assert_eq!(pg.edge_count(), 2);
    let back = Graph::from_petgraph(&pg, |w| *w);
    assert_eq!(back.edge_index, g.edge_index);
    assert_eq!(back.edge_weight, g.edge_weight);
    let un = path3().to_petgraph_undirected();
    assert_eq!(un.edge_count(), 2);
    let back = Graph::from_petgraph(&un, |w| *w);
    assert_eq!(back.num_edges(), 4);
    assert!(back.is_undirected());
}

#[test]
fn edge_features_follow_their_edges() {
    let attr = Features::new(2, vec![1.0, 10.0, 2.0, 20.0]).expect("attr");
    let g = Graph::new(3, &[(0, 1), (2, 1)]).expect("valid").with_edge_attr(attr).expect("rows");
    let un = g.to_undirected();
    let a = un.edge_attr.clone().expect("kept");
    for (e, (s, t)) in un.edges().enumerate() {
        let expected = if s.min(t) == 0 { [1.0, 10.0] } else { [2.0, 20.0] };
        assert_eq!(a.row(e), expected, "edge {s}->{t}");
    }
    let looped = g.add_self_loops(0.5);
    assert_eq!(looped.num_edges(), 5);
    assert_eq!(looped.edge_attr.as_ref().map(|a| a.row(4).to_vec()), Some(vec![0.0, 0.0]));
    assert_eq!(looped.weight(4), 0.5);
    assert_eq!(looped.weight(0), 1.0);
    let sub = g.induced_subgraph(&[2, 1]).expect("valid");
    assert_eq!(sub.edge_attr.map(|a| a.values), Some(vec![2.0, 20.0]));
    assert!(
        Graph::new(2, &[(0, 1)]).expect("valid").with_edge_attr(Features::new(1, vec![1.0, 2.0]).expect("f")).is_err()
    );
}
