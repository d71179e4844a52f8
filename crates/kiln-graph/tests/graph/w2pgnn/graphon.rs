//! SAS recovers a step graphon; resizing, TV denoising and bad inputs.

use kiln_graph::graph::Graph;
use kiln_graph::w2pgnn::graphon::{resize_bilinear, sas, tv_denoise};
use kiln_graph::w2pgnn::{Graphon, GraphonFn};

#[test]
fn sas_recovers_an_sbm_graphon() {
    // Block degrees 0.55 and 0.2 differ, so the degree-sorted graphon is the graphon itself.
    let truth = GraphonFn::sbm(&[1.0, 1.0], vec![0.8, 0.3, 0.3, 0.1]).unwrap();
    // The official TV weight h shrinks a block's contrast by about λ·perimeter/area ≈ 4h²/N,
    // so the graphs must be large: N = 1000 (h = 10, 100 blocks). At N = 200 the L2 is 0.16.
    let graphs = truth.sample_many(3, 1000, 3).unwrap();
    let want = truth.to_graphon(32).unwrap().degree_sorted();
    let got = sas(&graphs, 32, 1.0, 200).unwrap();
    let l2 = got.l2_distance(&want).unwrap();
    eprintln!("SAS L2 at r = 32 (3 graphs of 1000 nodes, TV weight h) = {l2:.4}");
    assert!(Graphon::new(got.values.clone(), 32).is_ok(), "symmetric, in [0, 1]");
    assert!(l2 < 0.1, "L2 = {l2}");
}

#[test]
fn sas_rejects_empty_input() {
    assert!(sas(&[], 8, 1.0, 10).is_err());
    assert!(sas(&[Graph::undirected(0, &[]).unwrap()], 8, 1.0, 10).is_err());
    let g = Graph::undirected(3, &[(0, 1)]).unwrap();
    assert!(sas(&[g], 0, 1.0, 10).is_err());
}

#[test]
fn resize_and_tv_keep_constants_and_symmetry() {
    let c = vec![0.3; 25];
    assert!(resize_bilinear(&c, 5, 11).unwrap().iter().all(|v| (v - 0.3).abs() < 1e-12));
    assert!(tv_denoise(&c, 5, 2.0, 50).iter().all(|v| (v - 0.3).abs() < 1e-12));
    let w = GraphonFn::Product.to_graphon(6).unwrap();
    let up = w.resize(13).unwrap();
    assert!(Graphon::new(up.values, 13).is_ok());
    assert!(resize_bilinear(&c, 4, 3).is_err());
    // Denoising a checkerboard lowers its total variation.
    let noisy: Vec<f64> = (0..64).map(|k| ((k / 8 + k % 8) % 2) as f64).collect();
    let tv = |u: &[f64]| -> f64 {
        (0..7).flat_map(|i| (0..8).map(move |j| (i, j))).map(|(i, j)| (u[(i + 1) * 8 + j] - u[i * 8 + j]).abs()).sum()
    };
    assert!(tv(&tv_denoise(&noisy, 8, 0.2, 200)) < 0.5 * tv(&noisy));
}

#[test]
fn graphon_constructors_check_their_input() {
    assert!(Graphon::new(vec![0.5; 3], 2).is_err());
    assert!(Graphon::new(vec![0.0, 0.2, 0.3, 0.0], 2).is_err(), "asymmetric");
    assert!(Graphon::new(vec![1.5], 1).is_err());
    let a = GraphonFn::Constant(0.2).to_graphon(4).unwrap();
    let b = GraphonFn::Constant(0.6).to_graphon(4).unwrap();
    let m = Graphon::mixture(&[a.clone(), b.clone()], &[0.5, 0.5]).unwrap();
    assert!(m.values.iter().all(|v| (v - 0.4).abs() < 1e-12));
    assert!(Graphon::mixture(&[a.clone(), b], &[0.5, 0.4]).is_err());
    assert!(Graphon::mixture(&[a.clone(), GraphonFn::Product.to_graphon(3).unwrap()], &[0.5, 0.5]).is_err());
    assert!(a.l2_distance(&GraphonFn::Product.to_graphon(3).unwrap()).is_err());
}
