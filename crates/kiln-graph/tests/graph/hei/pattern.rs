//! The neighbour-pattern estimates against hand values on a 4-node graph, SimRank's fixed point
//! on a path, a triangle and a graph with a tail and an isolated node, invalid parameters
//! refused, and `train_hei` estimating `z` with the configured pattern.

use std::sync::Arc;

use burn::prelude::Device;
use kiln_core::train::Trainer;
use kiln_graph::error::GraphError;
use kiln_graph::graph::{Features, Graph};
use kiln_graph::hei::{HeiConfig, HeiSbm, NeighbourPattern, SimRank, hei_sbm, train_hei};

/// The path 0 — 1 — 2 with the pendant 1 — 3, `x = (1,0), (1,1), (0,2), (−1,0)`.
fn fork() -> (Graph, Features) {
    let g = Graph::undirected(4, &[(0, 1), (1, 2), (1, 3)]).unwrap();
    (g, Features::new(2, vec![1.0, 0.0, 1.0, 1.0, 0.0, 2.0, -1.0, 0.0]).unwrap())
}

fn assert_close(got: &[f32], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((f64::from(*g) - w).abs() < tol, "got {got:?}, want {want:?}");
    }
}

#[test]
fn the_default_is_the_local_distance() {
    assert_eq!(HeiConfig::new(3).neighbour_pattern, NeighbourPattern::LocalDistance);
    let (g, x) = fork();
    // ‖x0−x1‖ = 1, ‖x1−x2‖ = √2, ‖x1−x3‖ = √5.
    let (r2, r5) = (2f64.sqrt(), 5f64.sqrt());
    let z = NeighbourPattern::LocalDistance.estimate(&g, &x).unwrap();
    assert_close(&z, &[1.0, (1.0 + r2 + r5) / 3.0, r2, r5], 1e-6);
}

#[test]
fn cosine_pattern_matches_hand_values() {
    let (g, x) = fork();
    // cos(x0,x1) = 1/√2, cos(x1,x2) = 2/(√2·2) = 1/√2, cos(x1,x3) = −1/√2.
    let c = 0.5f64.sqrt();
    let z = NeighbourPattern::Cosine.estimate(&g, &x).unwrap();
    assert_close(&z, &[c, c / 3.0, c, -c], 1e-6);
    // A zero feature row scores 0 against everything.
    let zero = Features::new(2, vec![0.0, 0.0, 1.0, 1.0, 0.0, 2.0, -1.0, 0.0]).unwrap();
    let z = NeighbourPattern::Cosine.estimate(&g, &zero).unwrap();
    assert_close(&z, &[0.0, 0.0, c, -c], 1e-6);
}

#[test]
fn post_aggregation_pattern_matches_hand_values() {
    let (g, x) = fork();
    // h = D̃⁻¹(A + I)X: h0 = (x0+x1)/2 = (1, ½), h1 = (x0+x1+x2+x3)/4 = (¼, ¾),
    // h2 = (x1+x2)/2 = (½, 3/2), h3 = (x1+x3)/2 = (0, ½).
    // ⟨h0,h1⟩ = 5/8, ⟨h1,h2⟩ = 5/4, ⟨h1,h3⟩ = 3/8.
    let z = NeighbourPattern::PostAggregation.estimate(&g, &x).unwrap();
    assert_close(&z, &[0.625, (0.625 + 1.25 + 0.375) / 3.0, 1.25, 0.375], 1e-6);
}

#[test]
fn simrank_on_a_path_and_a_triangle_matches_hand_values() {
    let params = SimRank::default();
    assert_eq!((params.decay, params.max_iterations, params.tolerance), (0.8, 100, 1e-6));
    // Path a — b — c: s(a, c) = C·s(b, b) = 0.8; s(a, b) = (C/2)(s(b, a) + s(b, c)) forces
    // s(a, b) = s(b, c) = 0 (odd distance).
    let path = Graph::undirected(3, &[(0, 1), (1, 2)]).unwrap();
    let s = params.matrix(&path).unwrap();
    let want = [1.0, 0.0, 0.8, 0.0, 1.0, 0.0, 0.8, 0.0, 1.0];
    for (got, w) in s.iter().zip(want) {
        assert!((got - w).abs() < 1e-6, "SimRank {s:?}");
    }
    let x = Features::new(1, vec![0.0; 3]).unwrap();
    assert_close(&NeighbourPattern::simrank().estimate(&path, &x).unwrap(), &[0.0, 0.0, 0.0], 1e-6);
    // Triangle: every off-diagonal s = x with x = (C/4)(3x + 1), so x = C/(4 − 3C) = 0.5.
    let triangle = Graph::undirected(3, &[(0, 1), (1, 2), (2, 0)]).unwrap();
    let s = params.matrix(&triangle).unwrap();
    assert!((s[1] - 0.5).abs() < 1e-5 && (s[5] - 0.5).abs() < 1e-5, "SimRank {s:?}");
    assert_close(&NeighbourPattern::simrank().estimate(&triangle, &x).unwrap(), &[0.5, 0.5, 0.5], 1e-5);
}

#[test]
fn simrank_is_the_fixed_point_of_its_equation() {
    // A triangle 0 — 1 — 2 with the tail 2 — 3 — 4 and an isolated node 5.
    let g = Graph::undirected(6, &[(0, 1), (1, 2), (2, 0), (2, 3), (3, 4)]).unwrap();
    let params = SimRank { decay: 0.6, max_iterations: 200, tolerance: 1e-10 };
    let s = params.matrix(&g).unwrap();
    let n = 6;
    let nb: Vec<Vec<usize>> = (0..n).map(|v| g.edges().filter(|&(_, t)| t == v).map(|(u, _)| u).collect()).collect();
    for a in 0..n {
        assert_eq!(s[a * n + a], 1.0);
        for b in 0..n {
            assert!((s[a * n + b] - s[b * n + a]).abs() < 1e-12, "not symmetric at ({a}, {b})");
            assert!((0.0..=1.0).contains(&s[a * n + b]));
            if a == b {
                continue;
            }
            let want = if nb[a].is_empty() || nb[b].is_empty() {
                0.0
            } else {
                let sum: f64 =
                    nb[a].iter().flat_map(|&p| nb[b].iter().map(move |&q| (p, q))).map(|(p, q)| s[p * n + q]).sum();
                0.6 * sum / (nb[a].len() * nb[b].len()) as f64
            };
            assert!((s[a * n + b] - want).abs() < 1e-9, "residual at ({a}, {b}): {} vs {want}", s[a * n + b]);
        }
    }
    // 0 and 1 play the same role, so every node scores them alike; the isolated node is 0.
    assert!((s[3] - s[n + 3]).abs() < 1e-12);
    assert!(s[5 * n..6 * n - 1].iter().all(|&v| v == 0.0));
}

#[test]
fn invalid_parameters_are_refused() {
    let g = Graph::undirected(3, &[(0, 1), (1, 2)]).unwrap();
    let bad = [
        SimRank { decay: 0.0, ..SimRank::default() },
        SimRank { decay: 1.0, ..SimRank::default() },
        SimRank { decay: f64::NAN, ..SimRank::default() },
        SimRank { max_iterations: 0, ..SimRank::default() },
        SimRank { tolerance: 0.0, ..SimRank::default() },
        SimRank { tolerance: f64::INFINITY, ..SimRank::default() },
        // Valid, but 2 steps cannot reach 1e-12 on the triangle.
        SimRank { max_iterations: 2, tolerance: 1e-12, ..SimRank::default() },
    ];
    let triangle = Graph::undirected(3, &[(0, 1), (1, 2), (2, 0)]).unwrap();
    for params in bad {
        let err = params.matrix(&triangle).expect_err("invalid SimRank");
        assert!(matches!(err, GraphError::Invalid(_)), "{params:?}: {err}");
    }
    let config = HeiConfig::small(3)
        .with_neighbour_pattern(NeighbourPattern::SimRank(SimRank { decay: 1.5, ..SimRank::default() }));
    assert!(matches!(config.validate(), Err(GraphError::Invalid(m)) if m.contains("decay")));
    assert!(HeiConfig::small(3).with_neighbour_pattern(NeighbourPattern::simrank()).validate().is_ok());
    // Features of the wrong height are refused by every variant.
    let x = Features::new(1, vec![1.0, 2.0]).unwrap();
    for pattern in [
        NeighbourPattern::LocalDistance,
        NeighbourPattern::Cosine,
        NeighbourPattern::PostAggregation,
        NeighbourPattern::simrank(),
    ] {
        assert!(matches!(pattern.estimate(&g, &x), Err(GraphError::LengthMismatch { .. })), "{pattern:?}");
    }
}

#[test]
fn train_hei_estimates_z_with_the_configured_pattern() {
    let task = hei_sbm(&HeiSbm { nodes: 60, ..HeiSbm::default() }, 1).unwrap();
    let graph = Arc::new(task.graph);
    // Valid parameters that cannot converge in one step: only the SimRank estimate can fail so.
    let stalled = SimRank { max_iterations: 1, tolerance: 1e-9, ..SimRank::default() };
    let config = HeiConfig::small(4).with_epochs(7).with_neighbour_pattern(NeighbourPattern::SimRank(stalled));
    let err = train_hei(&graph, &task.split, &config, 1, &Trainer::new(Device::flex())).expect_err("stalled SimRank");
    assert!(matches!(&err, GraphError::Invalid(m) if m.contains("converge")), "{err}");
    let config = config.with_neighbour_pattern(NeighbourPattern::simrank());
    let out = train_hei(&graph, &task.split, &config, 1, &Trainer::new(Device::flex())).expect("HEI with SimRank");
    assert!(out.accuracies().0.is_finite());
}
