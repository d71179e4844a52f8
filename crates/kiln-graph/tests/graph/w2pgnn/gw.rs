//! GW(W, W) ≈ 0, the assignment step, and the envelope gradient against finite differences.

use kiln_graph::w2pgnn::GraphonFn;
use kiln_graph::w2pgnn::gw::{entropic_gw, exact_gw, gw_gradient, hungarian};

fn graphons(r: usize) -> Vec<Vec<f64>> {
    [
        GraphonFn::Product,
        GraphonFn::Exponential { rate: 3.0 },
        GraphonFn::sbm(&[1.0, 2.0, 1.0], vec![0.9, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.3, 0.7]).unwrap(),
        GraphonFn::Ring { width: 0.2, p: 0.8 },
    ]
    .iter()
    .map(|w| w.to_graphon(r).unwrap().values)
    .collect()
}

#[test]
fn gw_of_a_graphon_with_itself_is_zero() {
    for (k, w) in graphons(32).iter().enumerate() {
        let exact = exact_gw(w, w, 32, 100).unwrap();
        let ent = entropic_gw(w, 32, w, 32, 5e-3, 50, 1000).unwrap();
        eprintln!(
            "graphon {k}: exact GW(W, W) = {:.3e} ({} steps), entropic = {:.3e}",
            exact.loss, exact.iterations, ent.loss
        );
        assert!(exact.loss < 1e-6, "exact GW(W, W) = {}", exact.loss);
        // The ring's degrees are all equal: then `L ⊗ (p pᵀ)` is constant and the product
        // coupling is a fixed point of the entropic iteration, which stays there.
        if k != 3 {
            assert!(ent.loss < 1e-2, "entropic GW(W, W) = {}", ent.loss);
        }
    }
}

#[test]
fn gw_separates_different_graphons_and_couplings_are_transport_plans() {
    let ws = graphons(16);
    let sol = exact_gw(&ws[0], &ws[1], 16, 100).unwrap();
    assert!(sol.loss > 1e-3, "GW(xy, exp) = {}", sol.loss);
    let ent = entropic_gw(&ws[0], 16, &ws[1], 16, 5e-3, 50, 1000).unwrap();
    for t in [&sol.coupling, &ent.coupling] {
        for i in 0..16 {
            let row: f64 = t[i * 16..(i + 1) * 16].iter().sum();
            let col: f64 = (0..16).map(|j| t[j * 16 + i]).sum();
            assert!((row - 1.0 / 16.0).abs() < 1e-9 && (col - 1.0 / 16.0).abs() < 1e-9);
        }
    }
    // Different sizes are fine for the entropic solver.
    let small = GraphonFn::Product.to_graphon(8).unwrap().values;
    assert!(entropic_gw(&small, 8, &ws[0], 16, 1e-2, 30, 500).is_ok());
    assert!(exact_gw(&ws[0], &ws[1], 15, 10).is_err());
    assert!(entropic_gw(&ws[0], 16, &ws[1], 16, 0.0, 10, 10).is_err());
}

#[test]
fn hungarian_finds_the_cheapest_assignment() {
    let cost = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];
    let perm = hungarian(&cost, 3);
    let total: f64 = perm.iter().enumerate().map(|(i, &j)| cost[i * 3 + j]).sum();
    assert_eq!(total, 5.0, "{perm:?}");
}

#[test]
fn envelope_gradient_matches_finite_differences() {
    let (n1, n2, eps) = (10, 12, 0.05);
    let c1 = GraphonFn::Exponential { rate: 3.0 }.to_graphon(n1).unwrap().values;
    let c2 = GraphonFn::Product.to_graphon(n2).unwrap().values;
    let sol = entropic_gw(&c1, n1, &c2, n2, eps, 2000, 5000).unwrap();
    let g = gw_gradient(&c1, n1, &c2, n2, &sol.coupling).unwrap();
    let h = 1e-5;
    for (i, k) in [(0, 0), (2, 7), (9, 4)] {
        let at = |d: f64| {
            let mut c = c1.clone();
            c[i * n1 + k] += d;
            if i != k {
                c[k * n1 + i] += d;
            }
            entropic_gw(&c, n1, &c2, n2, eps, 2000, 5000).unwrap().objective
        };
        let fd = (at(h) - at(-h)) / (2.0 * h);
        let an = if i == k { g[i * n1 + k] } else { g[i * n1 + k] + g[k * n1 + i] };
        eprintln!("dGW/dW[{i},{k}]: envelope {an:.6e}, finite difference {fd:.6e}");
        assert!((fd - an).abs() < 1e-4 * an.abs().max(1e-3), "{an} vs {fd}");
    }
}
