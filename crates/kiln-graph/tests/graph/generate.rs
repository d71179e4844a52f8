//! Generators and the embedded karate club.

use kiln_graph::generate::{barabasi_albert, class_features, random_geometric, stochastic_block_model, watts_strogatz};
use kiln_graph::karate::karate_club;

#[test]
fn karate_club_has_zacharys_counts() {
    let g = karate_club();
    assert_eq!(g.num_nodes, 34);
    assert_eq!(g.undirected_pairs().len(), 78);
    let deg = g.in_degree();
    assert_eq!((deg[0], deg[33], deg[11]), (16, 17, 1));
    let y = g.y.expect("labels");
    assert_eq!(y.iter().filter(|&&c| c == 0).count(), 17);
}

#[test]
fn generators_are_seeded_and_shaped() {
    let sbm = stochastic_block_model(&[30, 30], 0.5, 0.02, 3).expect("sbm");
    assert_eq!(sbm, stochastic_block_model(&[30, 30], 0.5, 0.02, 3).expect("sbm"));
    assert_ne!(sbm, stochastic_block_model(&[30, 30], 0.5, 0.02, 4).expect("sbm"));
    let y = sbm.y.clone().expect("labels");
    let within = sbm.undirected_pairs().iter().filter(|(a, b)| y[*a] == y[*b]).count();
    assert!(within > 4 * (sbm.undirected_pairs().len() - within), "SBM should be assortative");
    let f = class_features(sbm, 8, 2.0, 0).expect("features");
    assert_eq!(f.x.map(|x| x.dim), Some(8));

    let rgg = random_geometric(300, 0.1, 1).expect("rgg");
    let x = rgg.x.clone().expect("positions");
    for (s, t) in rgg.edges() {
        let (a, b) = (x.row(s), x.row(t));
        assert!(((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt() < 0.1);
    }
    let ba = barabasi_albert(100, 3, 0).expect("ba");
    assert_eq!(ba.undirected_pairs().len(), 97 * 3);
    let ws = watts_strogatz(50, 4, 0.0, 0).expect("ws");
    assert!(ws.in_degree().iter().all(|&d| d == 4));
    let ws = watts_strogatz(50, 4, 0.3, 0).expect("ws");
    assert_eq!(ws.undirected_pairs().len(), 100);
    assert!(barabasi_albert(3, 3, 0).is_err());
}
