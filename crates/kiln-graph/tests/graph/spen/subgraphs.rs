//! The ego-net plan of the path 0 — 1 — 2: sizes 2, 3, 2, nine shared pairs, edges marked in
//! the extra channel, features on the diagonal.

use kiln_graph::graph::{Features, Graph};
use kiln_graph::spen::EgoPlan;

#[test]
fn the_path_on_three_nodes() {
    let g = Graph::undirected(3, &[(0, 1), (1, 2)])
        .and_then(|g| g.with_features(Features::new(1, vec![5.0, 6.0, 7.0])?))
        .expect("graph");
    let plan = EgoPlan::new(&g, 1).expect("plan");
    assert_eq!(
        plan.groups.iter().map(|s| (s.size, s.centres.clone())).collect::<Vec<_>>(),
        [(2, vec![0, 2]), (3, vec![1])]
    );
    assert_eq!(plan.pairs.len(), 9);
    let feature = |u: usize, v: usize| {
        let p = plan.pairs.iter().position(|&q| q == (u, v)).expect("pair");
        plan.pair_x[2 * p..2 * p + 2].to_vec()
    };
    assert_eq!(feature(1, 1), vec![6.0, 0.0]);
    assert_eq!(feature(1, 2), vec![0.0, 1.0]);
    assert_eq!(feature(0, 2), vec![0.0, 0.0]);
    assert_eq!(plan.node_x, vec![5.0, 6.0, 7.0]);
    assert!(EgoPlan::new(&g, 2).is_err(), "feature width is checked");
}
