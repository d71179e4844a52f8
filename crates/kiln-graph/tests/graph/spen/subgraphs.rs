//! The ego-net plan of the path 0 — 1 — 2: sizes 2, 3, 2, nine shared pairs, edges marked in
//! the extra channel, features on the diagonal; the 2-hop ego-nets of the path on five nodes
//! and of a star with a tail against hand-listed node sets and pair entries; 0 hops refused;
//! CSL classes whose 1-hop ego-nets agree (shared alike) and whose 2-hop ones differ.

use kiln_graph::error::GraphError;
use kiln_graph::graph::{Features, Graph};
use kiln_graph::spen::{EgoPlan, csl};

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

/// The sorted node set of every size group's ego-nets, by centre.
fn balls(plan: &EgoPlan) -> Vec<(usize, Vec<usize>)> {
    let mut out: Vec<(usize, Vec<usize>)> = plan
        .groups
        .iter()
        .flat_map(|g| {
            g.centres.iter().enumerate().map(|(s, &c)| (c, g.node_rows[s * g.size..(s + 1) * g.size].to_vec()))
        })
        .collect();
    out.sort();
    out
}

/// How many ego-nets hold the pair `(u, v)`.
fn pair_count(plan: &EgoPlan, u: usize, v: usize) -> usize {
    let p = plan.pairs.iter().position(|&q| q == (u, v)).expect("pair");
    plan.groups.iter().flat_map(|g| g.pair_rows.iter()).filter(|&&r| r == p).count()
}

#[test]
fn two_hop_ego_nets_of_the_path_on_five_nodes() {
    let g = Graph::undirected(5, &[(0, 1), (1, 2), (2, 3), (3, 4)]).expect("graph");
    let plan = EgoPlan::with_hops(&g, 1, 2).expect("plan");
    assert_eq!(plan.hops, 2);
    assert_eq!(
        balls(&plan),
        [
            (0, vec![0, 1, 2]),
            (1, vec![0, 1, 2, 3]),
            (2, vec![0, 1, 2, 3, 4]),
            (3, vec![1, 2, 3, 4]),
            (4, vec![2, 3, 4]),
        ]
    );
    assert_eq!(
        plan.groups.iter().map(|s| (s.size, s.centres.clone())).collect::<Vec<_>>(),
        [(3, vec![0, 4]), (4, vec![1, 3]), (5, vec![2])]
    );
    // The centre 2 sees every pair.
    assert_eq!(plan.pairs.len(), 25);
    let feature = |u: usize, v: usize| {
        let p = plan.pairs.iter().position(|&q| q == (u, v)).expect("pair");
        plan.pair_x[2 * p..2 * p + 2].to_vec()
    };
    // Induced subgraph: the edge 1 — 2 is marked in every ego-net, 0 — 2 is not an edge.
    assert_eq!(feature(1, 2), vec![0.0, 1.0]);
    assert_eq!(feature(3, 4), vec![0.0, 1.0]);
    assert_eq!(feature(0, 2), vec![0.0, 0.0]);
    assert_eq!(feature(2, 2), vec![1.0, 0.0]);
    // (0, 1) lies in the ego-nets of 0, 1 and 2; (0, 4) only in that of 2; (1, 1) in 0–3.
    assert_eq!(pair_count(&plan, 0, 1), 3);
    assert_eq!(pair_count(&plan, 0, 4), 1);
    assert_eq!(pair_count(&plan, 1, 1), 4);
    assert_eq!(pair_count(&plan, 2, 2), 5);
    // Once k reaches the diameter, every ego-net is the whole graph.
    let whole = EgoPlan::with_hops(&g, 1, 4).expect("plan");
    assert_eq!(whole.groups.iter().map(|s| (s.size, s.centres.len())).collect::<Vec<_>>(), [(5, 5)]);
    // k = 1 is the default plan.
    assert_eq!(EgoPlan::with_hops(&g, 1, 1).expect("plan"), EgoPlan::new(&g, 1).expect("plan"));
}

#[test]
fn two_hop_ego_nets_of_a_star_with_a_tail() {
    // Star 0 — {1, 2, 3, 4} and the tail 4 — 5.
    let g = Graph::undirected(6, &[(0, 1), (0, 2), (0, 3), (0, 4), (4, 5)]).expect("graph");
    let one = EgoPlan::new(&g, 1).expect("plan");
    assert_eq!(
        balls(&one),
        [
            (0, vec![0, 1, 2, 3, 4]),
            (1, vec![0, 1]),
            (2, vec![0, 2]),
            (3, vec![0, 3]),
            (4, vec![0, 4, 5]),
            (5, vec![4, 5])
        ]
    );
    let two = EgoPlan::with_hops(&g, 1, 2).expect("plan");
    assert_eq!(
        balls(&two),
        [
            (0, vec![0, 1, 2, 3, 4, 5]),
            (1, vec![0, 1, 2, 3, 4]),
            (2, vec![0, 1, 2, 3, 4]),
            (3, vec![0, 1, 2, 3, 4]),
            (4, vec![0, 1, 2, 3, 4, 5]),
            (5, vec![0, 4, 5])
        ]
    );
    // Pairs: all of {0..4}² (25), plus (5, v) and (v, 5) for v in 0..4 (10), plus (5, 5).
    assert_eq!(two.pairs.len(), 36);
    let feature = |u: usize, v: usize| {
        let p = two.pairs.iter().position(|&q| q == (u, v)).expect("pair");
        two.pair_x[2 * p..2 * p + 2].to_vec()
    };
    assert_eq!(feature(1, 2), vec![0.0, 0.0], "leaves are not adjacent");
    assert_eq!(feature(4, 5), vec![0.0, 1.0]);
    assert_eq!(feature(5, 0), vec![0.0, 0.0]);
    assert_eq!(pair_count(&two, 1, 2), 5);
    assert_eq!(pair_count(&two, 0, 5), 3);
    assert_eq!(pair_count(&two, 1, 5), 2);
}

#[test]
fn zero_hops_is_refused() {
    let g = Graph::undirected(3, &[(0, 1), (1, 2)]).expect("graph");
    let err = EgoPlan::with_hops(&g, 1, 0).expect_err("0 hops");
    assert!(matches!(&err, GraphError::Invalid(m) if m.contains("hops")), "{err}");
}

/// Each ego-net as `(size, its sorted internal degrees, the sorted number of ego-nets sharing
/// each of its pairs)`, sorted: equal for two graphs when their ego-nets are alike, shared alike.
fn signature(plan: &EgoPlan) -> Vec<(usize, Vec<usize>, Vec<usize>)> {
    let mut shared = vec![0usize; plan.pairs.len()];
    for &r in plan.groups.iter().flat_map(|g| g.pair_rows.iter()) {
        shared[r] += 1;
    }
    let mut out = Vec::new();
    for g in &plan.groups {
        let m = g.size;
        for s in 0..g.centres.len() {
            let rows = &g.pair_rows[s * m * m..(s + 1) * m * m];
            let mut degrees: Vec<usize> =
                (0..m).map(|i| (0..m).filter(|&j| plan.pair_x[2 * rows[i * m + j] + 1] == 1.0).count()).collect();
            degrees.sort_unstable();
            let mut counts: Vec<usize> = rows.iter().map(|&r| shared[r]).collect();
            counts.sort_unstable();
            out.push((m, degrees, counts));
        }
    }
    out.sort();
    out
}

#[test]
fn csl_classes_agree_at_one_hop_and_differ_at_two() {
    let plan = |skip: usize, hops: usize| EgoPlan::with_hops(&csl(41, skip, Some(skip as u64)).expect("CSL"), 1, hops);
    let one: Vec<_> = [5, 6, 13].map(|r| signature(&plan(r, 1).expect("plan"))).into();
    assert_eq!(one[0], one[1]);
    assert_eq!(one[0], one[2]);
    assert_eq!(one[0][0].0, 5, "1-hop ego-nets are K_1,4");
    assert_eq!(one[0][0].1, vec![1, 1, 1, 1, 4]);
    let two: Vec<_> = [5, 6, 13].map(|r| plan(r, 2).expect("plan")).into();
    let edges = |p: &EgoPlan| signature(p)[0].1.iter().sum::<usize>() / 2;
    assert_eq!(
        two.iter().map(|p| (p.groups.len(), p.groups[0].size, edges(p))).collect::<Vec<_>>(),
        [(1, 13, 16), (1, 13, 16), (1, 13, 21)]
    );
    let sig: Vec<_> = two.iter().map(signature).collect();
    assert_ne!(sig[0], sig[2], "different 2-hop ego-nets");
    assert_ne!(sig[0], sig[1], "same 2-hop ego-net, pairs shared differently");
    assert_eq!((sig[0][0].0, &sig[0][0].1), (sig[1][0].0, &sig[1][0].1), "skips 5 and 6 have one 2-hop ego-net");
}
