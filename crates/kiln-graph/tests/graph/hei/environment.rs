//! The neighbour-pattern `z`, its standardisation, the homophily split and the generator.

use kiln_graph::graph::{Features, Graph};
use kiln_graph::hei::{HeiSbm, hei_sbm, local_dissimilarity, node_homophily, split_by_homophily, standardize};

/// The path 0 – 1 – 2 with `x = (0,0), (3,4), (3,0)`.
fn path() -> (Graph, Features) {
    let g = Graph::undirected(3, &[(0, 1), (1, 2)]).unwrap();
    (g, Features::new(2, vec![0.0, 0.0, 3.0, 4.0, 3.0, 0.0]).unwrap())
}

#[test]
fn z_is_the_mean_distance_to_the_neighbours() {
    let (g, x) = path();
    let z = local_dissimilarity(&g, &x).unwrap();
    // z0 = ‖(0,0)−(3,4)‖ = 5; z1 = (5 + ‖(3,4)−(3,0)‖)/2 = (5 + 4)/2; z2 = 4.
    for (got, want) in z.iter().zip([5.0f32, 4.5, 4.0]) {
        assert!((got - want).abs() < 1e-6, "z = {z:?}");
    }
}

#[test]
fn z_of_an_isolated_node_is_zero_and_widths_are_checked() {
    let g = Graph::undirected(2, &[]).unwrap();
    let x = Features::new(1, vec![1.0, 7.0]).unwrap();
    assert_eq!(local_dissimilarity(&g, &x).unwrap(), vec![0.0, 0.0]);
    assert!(local_dissimilarity(&path().0, &x).is_err());
}

#[test]
fn standardize_uses_only_the_fit_nodes() {
    let s = standardize(&[1.0, 3.0, 100.0], &[0, 1]).unwrap();
    // mean 2, population std 1 over nodes 0 and 1.
    assert_eq!(s, vec![-1.0, 1.0, 98.0]);
    assert!(standardize(&[1.0], &[]).is_err());
    assert!(standardize(&[1.0], &[3]).is_err());
}

#[test]
fn homophily_split_puts_the_upper_half_in_high() {
    let h = [0.0, 0.9, 0.1, 0.5, 1.0];
    let (high, low) = split_by_homophily(&h, &[0, 1, 2, 3]).unwrap();
    assert_eq!(high, vec![1, 3]);
    assert_eq!(low, vec![0, 2]);
}

#[test]
fn the_contextual_sbm_shifts_test_nodes_to_low_homophily() {
    let task = hei_sbm(&HeiSbm::default(), 3).unwrap();
    let h = node_homophily(&task.graph).unwrap();
    let mean = |nodes: &[usize]| nodes.iter().map(|&v| f64::from(h[v])).sum::<f64>() / nodes.len() as f64;
    let (train, test) = (mean(&task.split.train), mean(&task.split.test));
    assert!(train > test + 0.2, "train homophily {train:.3}, test {test:.3}");
    assert_eq!(hei_sbm(&HeiSbm::default(), 3).unwrap().graph, task.graph, "seeded");
    assert!(hei_sbm(&HeiSbm { h_high: 1.5, ..HeiSbm::default() }, 0).is_err());
}
