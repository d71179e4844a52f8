//! The three bases and the topological statistics; the topological basis clusters all eight.

use kiln_graph::graph::Graph;
use kiln_graph::w2pgnn::basis::{basis, kmeans, topology_stats};
use kiln_graph::w2pgnn::topology::topology_vector;
use kiln_graph::w2pgnn::{BasisKind, GraphonFn, W2pgnnConfig};

fn domains() -> Vec<Vec<Graph>> {
    vec![
        GraphonFn::Constant(0.1).sample_many(6, 30, 1).unwrap(),
        GraphonFn::Constant(0.6).sample_many(6, 30, 2).unwrap(),
        GraphonFn::Product.sample_many(6, 30, 3).unwrap(),
    ]
}

#[test]
fn statistics_of_a_triangle_with_a_tail() {
    // Triangle 0-1-2 and the edge 2-3: degrees 2, 2, 3, 1.
    let g = Graph::undirected(4, &[(0, 1), (1, 2), (0, 2), (2, 3)]).unwrap();
    let [mean, std, density, clustering, transitivity] = topology_stats(&g);
    assert!((mean - 2.0).abs() < 1e-12);
    assert!((std - 0.5f64.sqrt()).abs() < 1e-12);
    assert!((density - 4.0 / 6.0).abs() < 1e-12);
    // Local: 1, 1, 1/3, 0 → 7/12; transitivity: 3 closed of 1 + 1 + 3 triples.
    assert!((clustering - 7.0 / 12.0).abs() < 1e-12);
    assert!((transitivity - 3.0 / 5.0).abs() < 1e-12);
}

#[test]
fn kmeans_separates_clear_clusters() {
    let pts: Vec<Vec<f64>> = (0..30).map(|i| vec![(i % 3) as f64 * 10.0 + (i as f64) * 1e-3]).collect();
    let labels = kmeans(&pts, 3, 0, 50);
    for i in 0..30 {
        assert_eq!(labels[i], labels[i % 3]);
    }
    assert_eq!(labels[..3].iter().collect::<std::collections::BTreeSet<_>>().len(), 3);
}

#[test]
fn bases_have_the_right_number_of_graphons() {
    let cfg = W2pgnnConfig::small().with_resolution(16);
    let pre = domains();
    assert_eq!(basis(BasisKind::Integrated, &pre, &cfg).unwrap().len(), 1);
    let per_domain = basis(BasisKind::Domain, &pre, &cfg).unwrap();
    assert_eq!(per_domain.len(), 3);
    assert!(per_domain.iter().all(|b| b.r == 16));
    let topo = basis(BasisKind::Topological, &pre, &cfg).unwrap();
    assert!((2..=5).contains(&topo.len()), "{} clusters", topo.len());
    assert!(basis(BasisKind::Domain, &[], &cfg).is_err());
    assert!(basis(BasisKind::Domain, &[pre[0].clone(), vec![]], &cfg).is_err());
}

#[test]
fn the_topological_basis_clusters_all_eight_statistics() {
    // A 12-cycle and two disjoint 6-cycles agree on the five degree and clustering statistics
    // (mean degree 2, std 0, density 2/11, clustering and transitivity 0) and on the degree
    // correlations (0, regular); only the closeness differs: 11/36 (distances summing to 36)
    // against (5/11)·(5/9) = 25/99 (5 nodes reached, distances summing to 9). The five-statistic
    // subset saw one point; the eight separate two bases.
    let cycle = |n: usize, offset: usize| (0..n).map(move |i| (offset + i, offset + (i + 1) % n));
    let one = Graph::undirected(12, &cycle(12, 0).collect::<Vec<_>>()).unwrap();
    let two = Graph::undirected(12, &cycle(6, 0).chain(cycle(6, 6)).collect::<Vec<_>>()).unwrap();
    let (s1, s2) = (topology_vector(&one), topology_vector(&two));
    assert_eq!((s1[..3].to_vec(), s1[4..].to_vec()), (s2[..3].to_vec(), s2[4..].to_vec()));
    assert!((s1[3] - 11.0 / 36.0).abs() < 1e-12 && (s2[3] - 25.0 / 99.0).abs() < 1e-12, "{s1:?} {s2:?}");
    let pre = vec![vec![one.clone(), two.clone(), one.clone()], vec![two.clone(), one, two]];
    let cfg = W2pgnnConfig::small().with_resolution(8);
    assert_eq!(basis(BasisKind::Topological, &pre, &cfg).unwrap().len(), 2);
}
