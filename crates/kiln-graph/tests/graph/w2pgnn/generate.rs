//! Graphon generators and the seeded sampler.

use kiln_graph::w2pgnn::GraphonFn;
use kiln_graph::w2pgnn::generate::sample_graphon;

#[test]
fn generators_evaluate_their_formulas() {
    let sbm = GraphonFn::sbm(&[1.0, 3.0], vec![0.9, 0.2, 0.2, 0.4]).unwrap();
    assert_eq!(sbm.eval(0.1, 0.2), 0.9);
    assert_eq!(sbm.eval(0.1, 0.5), 0.2);
    assert_eq!(sbm.eval(0.9, 0.5), 0.4);
    assert!((GraphonFn::Product.eval(0.5, 0.4) - 0.2).abs() < 1e-12);
    assert!((GraphonFn::Exponential { rate: 3.0 }.eval(0.2, 0.5) - (-0.9f64).exp()).abs() < 1e-12);
    let ring = GraphonFn::Ring { width: 0.1, p: 0.7 };
    assert_eq!((ring.eval(0.02, 0.97), ring.eval(0.2, 0.5)), (0.7, 0.0));
    let mix = GraphonFn::mixture(&[0.25, 0.75], vec![GraphonFn::Constant(1.0), GraphonFn::Constant(0.2)]).unwrap();
    assert!((mix.eval(0.3, 0.3) - 0.4).abs() < 1e-12);
    let w = GraphonFn::Product.to_graphon(4).unwrap();
    assert_eq!((w.r, w.values[0], w.values[15]), (4, 1.0 / 64.0, 49.0 / 64.0));
}

#[test]
fn bad_generators_error() {
    assert!(GraphonFn::sbm(&[], vec![]).is_err());
    assert!(GraphonFn::sbm(&[1.0, 1.0], vec![0.5, 0.1, 0.2, 0.5]).is_err(), "asymmetric");
    assert!(GraphonFn::sbm(&[1.0], vec![1.5]).is_err());
    assert!(GraphonFn::sbm(&[1.0, -1.0], vec![0.5; 4]).is_err());
    assert!(GraphonFn::mixture(&[0.5, 0.6], vec![GraphonFn::Product, GraphonFn::Product]).is_err());
    assert!(GraphonFn::Product.to_graphon(0).is_err());
}

#[test]
fn sampler_is_seeded_undirected_and_has_the_graphons_density() {
    let w = GraphonFn::Exponential { rate: 3.0 };
    let a = w.sample(300, 7).unwrap();
    assert_eq!(a, w.sample(300, 7).unwrap());
    assert_ne!(a, w.sample(300, 8).unwrap());
    assert!(a.is_undirected());
    assert!(a.edges().all(|(s, t)| s != t));
    // ∫∫ exp(−3|x−y|) = 2[(1 − e⁻³)/3 − (1 − 4e⁻³)/9] ≈ 0.4555.
    let density = a.num_edges() as f64 / (300.0 * 299.0);
    assert!((density - 0.4555).abs() < 0.02, "density {density}");
    let er = sample_graphon(&GraphonFn::Constant(0.1).to_graphon(8).unwrap(), 300, 1).unwrap();
    let density = er.num_edges() as f64 / (300.0 * 299.0);
    assert!((density - 0.1).abs() < 0.01, "density {density}");
}
