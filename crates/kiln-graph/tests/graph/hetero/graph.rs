//! `HeteroGraph`: reverses, the homogeneous view, the join (plain and attention-filtered), the
//! typed SBM.

use burn::prelude::Device;
use kiln_graph::GraphError;
use kiln_graph::graph::Features;
use kiln_graph::hetero::{HeteroGraph, NodeType, Relation, TypedSbm, typed_sbm};
use kiln_graph::latte::attention_join;

/// Authors 0..3, papers 0..2; `writes` author → paper, `cites` paper → paper.
fn small() -> HeteroGraph {
    let author = NodeType {
        x: Some(Features::new(2, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap()),
        ..NodeType::new("author", 3)
    };
    let mut g = HeteroGraph::new(vec![author, NodeType::new("paper", 2)]);
    g.add_relation(0, "writes", 1, &[(0, 0), (1, 0), (2, 1)], Some(vec![1.0, 2.0, 3.0])).unwrap();
    g.add_relation(1, "cites", 1, &[(0, 1)], None).unwrap();
    g
}

#[test]
fn relations_check_their_ids_and_weights() {
    let mut g = small();
    assert!(matches!(g.add_relation(0, "x", 1, &[(3, 0)], None), Err(GraphError::NodeOutOfRange { id: 3, .. })));
    assert!(matches!(g.add_relation(0, "x", 1, &[(0, 2)], None), Err(GraphError::NodeOutOfRange { id: 2, .. })));
    assert!(matches!(g.add_relation(0, "x", 5, &[], None), Err(GraphError::Invalid(_))));
    assert!(matches!(g.add_relation(0, "x", 1, &[(0, 0)], Some(vec![])), Err(GraphError::LengthMismatch { .. })));
    assert_eq!(g.relations.len(), 2);
}

#[test]
fn add_reverse_swaps_ends_once() {
    let g = small().add_reverse();
    let names: Vec<&str> = g.relations.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["writes", "cites", "rev_writes", "rev_cites"]);
    let rev = &g.relations[2];
    assert_eq!((rev.src_type, rev.dst_type), (1, 0));
    assert_eq!(
        (rev.src.clone(), rev.dst.clone(), rev.weight.clone()),
        (vec![0, 0, 1], vec![0, 1, 2], vec![1.0, 2.0, 3.0])
    );
    // Reversing again adds nothing: every relation now has its reverse.
    assert_eq!(g.add_reverse().relations.len(), 4);
}

#[test]
fn homogeneous_view_offsets_types_and_blocks_features() {
    let g = small();
    let h = g.to_homogeneous().unwrap();
    assert_eq!(g.offsets(), vec![0, 3, 5]);
    assert_eq!(h.num_nodes, 5);
    assert_eq!(h.edge_index, [vec![0, 1, 2, 3], vec![3, 3, 4, 4]]);
    assert_eq!(h.edge_weight, Some(vec![1.0, 2.0, 3.0, 1.0]));
    let x = h.x.unwrap();
    // Two type columns, then the authors' two features.
    assert_eq!(x.dim, 4);
    assert_eq!(x.row(1), &[1.0, 0.0, 3.0, 4.0]);
    assert_eq!(x.row(4), &[0.0, 1.0, 0.0, 0.0]);
}

#[test]
fn relation_tensors_aggregate_into_the_target_type() {
    let g = small();
    let t = g.relation_tensors(&Device::flex());
    assert_eq!((t[0].num_nodes, t[0].num_edges), (2, 3));
    assert_eq!(t[1].num_nodes, 2);
}

#[test]
fn metapath_join_multiplies_weights() {
    let mut g = small();
    g.add_relation(1, "in", 0, &[(0, 0), (0, 2), (1, 1)], Some(vec![0.5, 1.0, 2.0])).unwrap();
    // writes ∘ in: author → paper → author.
    let j = g.metapath_join(0, 2).unwrap();
    assert_eq!((j.src_type, j.dst_type, j.name.as_str()), (0, 0, "writes.in"));
    let edges: Vec<(usize, usize, f32)> = (0..j.num_edges()).map(|e| (j.src[e], j.dst[e], j.weight[e])).collect();
    assert_eq!(edges, vec![(0, 0, 0.5), (0, 2, 1.0), (1, 0, 1.0), (1, 2, 2.0), (2, 1, 6.0)]);
    assert!(matches!(g.metapath_join(0, 0), Err(GraphError::Invalid(_))), "paper → author needed after writes");
    assert!(matches!(g.metapath_join(0, 9), Err(GraphError::Invalid(_))));
}

fn rel(edges: &[(usize, usize)]) -> Relation {
    Relation {
        src: edges.iter().map(|e| e.0).collect(),
        dst: edges.iter().map(|e| e.1).collect(),
        weight: vec![1.0; edges.len()],
        ..Relation::default()
    }
}

#[test]
fn four_node_join_with_the_half_filter_matches_hand_values() {
    // a: into 1, 0.3 < 0.5 goes; into 2, both are below 0.5 and the arg-max 0 → 2 stays.
    let a = rel(&[(0, 1), (2, 1), (3, 2), (0, 2)]);
    let alpha_a = [0.7, 0.3, 0.4, 0.45];
    // b: into 3 both stay; into 0, 0.2 goes.
    let b = rel(&[(1, 3), (1, 0), (2, 3), (2, 0)]);
    let alpha_b = [0.6, 0.2, 0.9, 0.8];
    let j = attention_join(&a, &alpha_a, &b, &alpha_b, 0.5);
    assert_eq!((j.src.clone(), j.dst.clone()), (vec![0, 0], vec![0, 3]));
    // 0→2→0: 0.45·0.8; 0→1→3 + 0→2→3: 0.7·0.6 + 0.45·0.9.
    assert!((j.weight[0] - 0.36).abs() < 1e-6, "{:?}", j.weight);
    assert!((j.weight[1] - 0.825).abs() < 1e-6, "{:?}", j.weight);
}

#[test]
fn typed_sbm_is_seeded_and_hides_the_area_behind_venues() {
    let spec = TypedSbm::default();
    let g = typed_sbm(&spec, 3).unwrap();
    assert_eq!(g, typed_sbm(&spec, 3).unwrap());
    assert_ne!(g, typed_sbm(&spec, 4).unwrap());
    let names: Vec<&str> = g.node_types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["author", "paper", "venue"]);
    assert_eq!(g.node_types.iter().map(|t| t.count).collect::<Vec<_>>(), vec![240, 600, 8]);
    assert!(g.node_types[2].x.is_none());
    // Most papers sit in a venue of their area.
    let paper = g.node_types[1].first_labels().unwrap();
    let venue = g.node_types[2].first_labels().unwrap();
    let r = &g.relations[1];
    let same = (0..r.num_edges()).filter(|&e| paper[r.src[e]] == venue[r.dst[e]]).count();
    assert!(same as f64 > 0.85 * r.num_edges() as f64, "{same} of {}", r.num_edges());
    assert!(matches!(typed_sbm(&TypedSbm { authors: 0, ..spec }, 0), Err(GraphError::Invalid(_))));
}
