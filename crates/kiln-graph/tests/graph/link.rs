//! Common neighbours against petgraph, leakage-free splits, negative sampling (never a training
//! edge), each positive's own negatives, and the metrics against hand-computed values.

use std::collections::HashSet;

use kiln_graph::adjacency::{Adjacency, CommonNeighborSets};
use kiln_graph::generate::{barabasi_albert, stochastic_block_model};
use kiln_graph::link::{
    LinkMetrics, LinkSplit, RankingNegatives, adamic_adar, common_neighbor_count, hits_at_k, mrr, negative_sampling,
    pooled_mrr, resource_allocation, roc_auc,
};

#[test]
fn common_neighbor_counts_match_petgraph() {
    let g = barabasi_albert(200, 4, 1).expect("graph");
    let pg = g.to_petgraph_undirected();
    let adj = Adjacency::from_graph(&g);
    let pairs: Vec<(usize, usize)> = (0..200).flat_map(|i| [(i, (i * 7 + 3) % 200), (i, (i + 1) % 200)]).collect();
    let counts = common_neighbor_count(&adj, &pairs);
    let cn = CommonNeighborSets::compute(&adj, &pairs);
    assert_eq!(cn.counts(pairs.len()).iter().map(|&c| c as f32).collect::<Vec<_>>(), counts);
    let mut nonzero = 0;
    for (p, &(i, j)) in pairs.iter().enumerate() {
        let ni: HashSet<_> = pg.neighbors(petgraph::graph::NodeIndex::new(i)).map(|n| n.index()).collect();
        let nj: HashSet<_> = pg.neighbors(petgraph::graph::NodeIndex::new(j)).map(|n| n.index()).collect();
        let expected = ni.intersection(&nj).count();
        assert_eq!(counts[p] as usize, expected, "pair ({i}, {j})");
        nonzero += usize::from(expected > 0);
    }
    assert!(nonzero > 20, "the test should see common neighbours");
}

#[test]
fn heuristics_on_a_hand_made_graph() {
    // 0 and 1 share neighbours 2 (degree 2) and 3 (degree 3, also joined to 4).
    let adj = Adjacency::undirected(5, &[(0, 2), (1, 2), (0, 3), (1, 3), (3, 4)]);
    assert_eq!(common_neighbor_count(&adj, &[(0, 1), (0, 4)]), vec![2.0, 1.0]);
    let aa = adamic_adar(&adj, &[(0, 1)])[0];
    assert!((aa - (1.0 / 2f32.ln() + 1.0 / 3f32.ln())).abs() < 1e-6);
    let ra = resource_allocation(&adj, &[(0, 1)])[0];
    assert!((ra - (0.5 + 1.0 / 3.0)).abs() < 1e-6);
    let (a, b) = adj.one_sided_neighbors(0, 4);
    assert_eq!((a, b), (vec![2], vec![]));
    let removed = adj.without(&[(0, 3)]);
    assert_eq!(removed.neighbors(3), &[1, 4]);
    assert_eq!(removed.neighbors(0), &[2]);
}

#[test]
fn split_leaks_no_held_out_edge_into_the_training_graph() {
    let g = stochastic_block_model(&[60, 60], 0.2, 0.02, 7).expect("graph");
    let split = LinkSplit::new(&g, 0.1, 0.2, 3).expect("split");
    let total = g.undirected_pairs().len();
    assert_eq!(split.train.len() + split.valid.len() + split.test.len(), total);
    assert_eq!(split.test.len(), (total as f64 * 0.2).round() as usize);
    let train_graph = split.train_graph(&g).expect("train graph");
    let mp: HashSet<(usize, usize)> = train_graph.edges().collect();
    let adj = split.train_adjacency();
    for &(a, b) in split.valid.iter().chain(&split.test) {
        assert!(!mp.contains(&(a, b)) && !mp.contains(&(b, a)), "held-out edge ({a}, {b}) leaked");
        assert!(!adj.has_edge(a, b) && !adj.has_edge(b, a));
    }
    let full: HashSet<(usize, usize)> = g.undirected_pairs().into_iter().collect();
    for pair in split.valid_neg.iter().chain(&split.test_neg) {
        assert!(!full.contains(pair), "negative {pair:?} is an edge");
    }
    assert_eq!(split.valid_neg.len(), split.valid.len());
    let negs = negative_sampling(&adj, 500, 1).expect("negatives");
    assert!(negs.iter().all(|&(a, b)| a != b && !adj.has_edge(a, b)));
    assert!(LinkSplit::new(&g, 0.6, 0.5, 0).is_err());
}

#[test]
fn ranking_metrics_match_hand_computed_values() {
    let pos = [0.9, 0.5, 0.1];
    let neg = [0.8, 0.4, 0.3, 0.0];
    // Hits@1: threshold 0.8 → only 0.9 above. Hits@2: threshold 0.4 → 0.9 and 0.5.
    assert!((hits_at_k(&pos, &neg, 1) - 1.0 / 3.0).abs() < 1e-12);
    assert!((hits_at_k(&pos, &neg, 2) - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(hits_at_k(&pos, &neg, 10), 1.0);
    // Against the whole pool: ranks 1, 2, 4.
    assert!((pooled_mrr(&pos, &neg) - (1.0 + 0.5 + 0.25) / 3.0).abs() < 1e-12);
    // Wins: 4 + 3 + 1 of 12.
    assert!((roc_auc(&pos, &neg) - 8.0 / 12.0).abs() < 1e-12);
    assert!((roc_auc(&[1.0], &[1.0]) - 0.5).abs() < 1e-12);
}

#[test]
fn common_neighbors_of_a_batch_on_a_100k_edge_graph() {
    // 10k nodes, ~100k undirected edges; 4096 target links at once.
    let g = barabasi_albert(10_000, 10, 2).expect("graph");
    assert!(g.undirected_pairs().len() >= 99_000);
    let adj = Adjacency::from_graph(&g);
    let pairs: Vec<(usize, usize)> = (0..4096).map(|k| ((k * 37) % 10_000, (k * 7919 + 13) % 10_000)).collect();
    let cn = CommonNeighborSets::compute(&adj, &pairs);
    let counts = cn.counts(pairs.len());
    for (p, &(i, j)) in pairs.iter().enumerate().step_by(97) {
        let ni: HashSet<_> = adj.neighbors(i).iter().collect();
        let expected = adj.neighbors(j).iter().filter(|u| ni.contains(u)).count();
        assert_eq!(counts[p], expected);
    }
    assert!(cn.pair.windows(2).all(|w| w[0] <= w[1]), "entries grouped by target");
}

#[test]
fn mrr_ranks_each_positive_against_its_own_negatives() {
    // OGB's [n_pos, n_neg] layout, 3 negatives per positive.
    let pos = [0.5, 0.2, 0.9];
    let own = [
        0.9, 0.1, 0.5, // 0.9 above, 0.5 tied: rank 1 + 1 + ½ = 2.5
        0.1, 0.0, 0.15, // nothing above: rank 1
        0.95, 0.99, 0.2, // two above: rank 3
    ];
    let expected = (1.0 / 2.5 + 1.0 + 1.0 / 3.0) / 3.0;
    assert!((mrr(&pos, &own, 3).unwrap() - expected).abs() < 1e-12);
    // The pooled form ranks every positive against all nine: ranks 4.5, 5.5, 3.5.
    let pooled = (1.0 / 4.5 + 1.0 / 5.5 + 1.0 / 3.5) / 3.0;
    assert!((pooled_mrr(&pos, &own) - pooled).abs() < 1e-12);
    // A NaN score ranks last.
    assert!((mrr(&[f32::NAN], &[0.0, 1.0], 2).unwrap() - 1.0 / 3.0).abs() < 1e-12);
    // Rows must fill [n_pos, per_positive].
    assert!(mrr(&pos, &own[..8], 3).is_err());
    assert!(mrr(&pos, &[], 0).is_err());
    let metrics = LinkMetrics::compute(&pos, &[0.3, 0.1], &own, 3, 1).unwrap();
    assert!((metrics.mrr - expected).abs() < 1e-12);
    assert!((metrics.hits - 2.0 / 3.0).abs() < 1e-12);
}

#[test]
fn ranking_negatives_corrupt_the_target_and_avoid_every_true_link() {
    let g = stochastic_block_model(&[30, 30], 0.3, 0.05, 4).expect("graph");
    let split = LinkSplit::new(&g, 0.1, 0.2, 5).expect("split");
    let ranking = &split.test_ranking;
    assert_eq!(ranking.per_positive, RankingNegatives::DEFAULT_PER_POSITIVE);
    assert_eq!(ranking.pairs.len(), split.test.len() * ranking.per_positive);
    let full = Adjacency::from_graph(&g);
    for (p, &(i, _)) in split.test.iter().enumerate() {
        for &(a, u) in ranking.row(p).expect("a row per positive") {
            assert_eq!(a, i, "the source is kept");
            assert!(u != i && !full.has_edge(i, u), "({i}, {u}) is a link of the graph");
        }
    }
    let fewer = split.clone().with_ranking_negatives(7, 1).expect("redrawn");
    assert_eq!(fewer.test_ranking.pairs.len(), split.test.len() * 7);
    // A source joined to every other node has no negative.
    let star = Adjacency::undirected(3, &[(0, 1), (0, 2)]);
    assert!(RankingNegatives::draw(&star, &[(0, 1)], 2, 0).is_err());
    assert!(RankingNegatives::draw(&star, &[(1, 0)], 0, 0).is_err());
}
