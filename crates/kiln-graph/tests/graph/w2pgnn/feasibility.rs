//! The α fit picks the true basis, its gradient matches finite differences, bad inputs error.

use kiln_graph::graph::Graph;
use kiln_graph::w2pgnn::basis::{basis, estimate};
use kiln_graph::w2pgnn::feasibility::mixture_gradient;
use kiln_graph::w2pgnn::{BasisKind, FitCoupling, GraphonFn, W2pgnnConfig, feasibility, fit_alpha};

fn truths() -> Vec<GraphonFn> {
    vec![
        GraphonFn::Product,
        GraphonFn::sbm(&[1.0, 1.0], vec![0.8, 0.3, 0.3, 0.1]).unwrap(),
        GraphonFn::Exponential { rate: 3.0 },
    ]
}

fn pre(n: usize, count: usize) -> Vec<Vec<Graph>> {
    truths().iter().enumerate().map(|(d, w)| w.sample_many(count, n, 100 * d as u64).unwrap()).collect()
}

#[test]
fn alpha_puts_most_weight_on_the_true_basis() {
    let cfg = W2pgnnConfig::small().with_resolution(24);
    let pre = pre(300, 10);
    let bases = basis(BasisKind::Domain, &pre, &cfg).unwrap();
    for (target, truth) in truths().iter().enumerate() {
        let down = estimate(&truth.sample_many(10, 300, 999).unwrap(), &cfg).unwrap();
        let fit = fit_alpha(&bases, &down, &cfg).unwrap();
        eprintln!("target {target}: alpha = {:.3?}, loss {:.3e}, {} steps", fit.alpha, fit.loss, fit.steps);
        let best = (0..3).max_by(|&a, &b| fit.alpha[a].total_cmp(&fit.alpha[b])).unwrap();
        assert_eq!(best, target, "alpha = {:?}", fit.alpha);
        assert!(fit.alpha[target] > 0.5, "alpha = {:?}", fit.alpha);
    }
}

/// On noise-free graphons the Frank–Wolfe coupling's fit (the default, the ε → 0 limit of the
/// official solver) and the entropic one at ε = 5e-3 agree and put nearly all weight on the
/// basis equal to the target.
#[test]
fn exact_and_entropic_couplings_fit_the_same_alpha() {
    let bases: Vec<_> = truths().iter().map(|w| w.to_graphon(24).unwrap()).collect();
    let down = truths()[1].to_graphon(24).unwrap();
    let cfg = W2pgnnConfig::small().with_resolution(24);
    let exact = fit_alpha(&bases, &down, &cfg).unwrap();
    let entropic = fit_alpha(&bases, &down, &cfg.with_fit_coupling(FitCoupling::Entropic)).unwrap();
    eprintln!("exact: alpha = {:.6?} ({} steps); entropic: alpha = {:.6?}", exact.alpha, exact.steps, entropic.alpha);
    assert!(exact.alpha[1] > 0.9, "alpha = {:?}", exact.alpha);
    for (a, b) in exact.alpha.iter().zip(&entropic.alpha) {
        assert!((a - b).abs() < 1e-3, "{:?} vs {:?}", exact.alpha, entropic.alpha);
    }
}

#[test]
fn alpha_gradient_matches_finite_differences() {
    let cfg = W2pgnnConfig::small()
        .with_fit_coupling(FitCoupling::Entropic)
        .with_epsilon(0.05)
        .with_gw_iterations(2000)
        .with_sinkhorn_iterations(5000);
    let bases: Vec<_> = truths().iter().map(|w| w.to_graphon(10).unwrap()).collect();
    let down = GraphonFn::Ring { width: 0.25, p: 0.7 }.to_graphon(10).unwrap();
    let alpha = [0.2, 0.5, 0.3];
    let (_, g) = mixture_gradient(&bases, &alpha, &down, &cfg).unwrap();
    // Directional derivatives inside the simplex: d/dt GW(α + t(e_a − e_b)) = g_a − g_b.
    let h = 1e-5;
    for (a, b) in [(0, 1), (2, 0), (1, 2)] {
        let at = |t: f64| {
            let mut x = alpha;
            x[a] += t;
            x[b] -= t;
            mixture_gradient(&bases, &x, &down, &cfg).unwrap().0.objective
        };
        let fd = (at(h) - at(-h)) / (2.0 * h);
        let an = g[a] - g[b];
        eprintln!("dGW/dα along e{a} − e{b}: envelope {an:.6e}, finite difference {fd:.6e}");
        assert!((fd - an).abs() < 1e-4 * an.abs().max(1e-3), "{an} vs {fd}");
    }
}

#[test]
fn feasibility_prefers_pre_training_data_like_the_downstream_data() {
    let cfg = W2pgnnConfig::small().with_resolution(16).with_epochs(40);
    let pre = pre(300, 6);
    let down = truths()[1].sample_many(6, 300, 77).unwrap();
    let close = feasibility(&pre, &down, &cfg).unwrap();
    for c in &close.candidates {
        eprintln!("{:?}: zeta = {:.3e}, alpha = {:.3?}", c.basis, c.zeta, c.alpha);
    }
    assert_eq!(close.candidates.len(), 3);
    assert_eq!(close.basis, BasisKind::Domain);
    assert!(close.zeta <= 0.0 && close.candidates.iter().all(|c| c.zeta <= close.zeta));
    // Pre-training only on the other two graphons is less feasible.
    let far = feasibility(&[pre[0].clone(), pre[2].clone()], &down, &cfg).unwrap();
    eprintln!("without the true domain: zeta = {:.3e} ({:?})", far.zeta, far.basis);
    assert!(far.zeta < close.zeta);
}

#[test]
fn bad_inputs_error() {
    let cfg = W2pgnnConfig::small().with_resolution(8);
    let pre = pre(20, 3);
    let down = GraphonFn::Product.sample_many(3, 20, 5).unwrap();
    assert!(feasibility(&[], &down, &cfg).is_err());
    assert!(feasibility(&pre, &[], &cfg).is_err());
    assert!(feasibility(&[pre[0].clone(), vec![]], &down, &cfg).is_err());
    let err = feasibility(&pre, &down, &cfg.clone().with_lr(-1.0)).unwrap_err().to_string();
    assert!(err.contains("lr"), "{err}");
    let bases = basis(BasisKind::Domain, &pre, &cfg).unwrap();
    let other = GraphonFn::Product.to_graphon(9).unwrap();
    assert!(fit_alpha(&bases, &other, &cfg).is_err());
    assert!(fit_alpha(&[], &other, &cfg).is_err());
}
