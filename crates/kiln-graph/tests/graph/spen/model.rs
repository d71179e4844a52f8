//! The whole model is invariant to node order (< 1e-5) with 1- and 2-hop ego-nets, its defaults
//! follow the paper, 0 hops is refused, it tells `2×C3` from `C6` (different embeddings) where
//! GIN's outputs are equal, and 2-hop ego-nets separate CSL classes whose 1-hop ego-nets agree.

use std::sync::Arc;

use burn::module::Module;
use burn::prelude::{Device, Tensor};
use kiln_core::train::BatchSource;
use kiln_graph::error::GraphError;
use kiln_graph::generate::{barabasi_albert, random_features};
use kiln_graph::graph::{Features, Graph};
use kiln_graph::spen::{EgoTensors, Spen, SpenConfig, SpenSource, csl, triangles_vs_hexagon};
use kiln_graph::tasks::{GraphClassifierConfig, GraphSource};
use rand::seq::SliceRandom;

fn read(t: Tensor<2>) -> Vec<f32> {
    kiln_core::tensor::try_to_vec(t).expect("read")
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// `g` with node `v` renamed `perm[v]`.
fn relabel(g: &Graph, perm: &[usize]) -> Graph {
    let edges: Vec<(usize, usize)> = g.edges().map(|(s, t)| (perm[s], perm[t])).collect();
    let mut out = Graph::new(g.num_nodes, &edges).expect("graph");
    if let Some(x) = &g.x {
        let mut values = vec![0.0; x.values.len()];
        for v in 0..g.num_nodes {
            values[perm[v] * x.dim..(perm[v] + 1) * x.dim].copy_from_slice(x.row(v));
        }
        out = out.with_features(Features::new(x.dim, values).expect("features")).expect("features");
    }
    out
}

#[test]
fn the_model_is_invariant_to_node_order() {
    let device = Device::flex();
    let g = random_features(barabasi_albert(14, 2, 3).expect("graph"), 3, 4).expect("features");
    let mut perm: Vec<usize> = (0..g.num_nodes).collect();
    perm.shuffle(&mut kiln_core::seed::rng(5, 0));
    let h = relabel(&g, &perm);
    // Several ego-net sizes, so several weight buckets, are in play.
    let ego = EgoTensors::new(&g, 3, &device).expect("ego-nets");
    assert!(ego.groups.len() >= 3, "sizes {:?}", ego.groups.iter().map(|s| s.size).collect::<Vec<_>>());
    let model = SpenConfig::small(3, 2).init(&device).expect("model");
    let a = read(model.forward(&ego));
    let b = read(model.forward(&EgoTensors::new(&h, 3, &device).expect("ego-nets")));
    let d = max_diff(&a, &b);
    eprintln!("SPEN logits {a:?}, permuted {b:?}: max difference {d:.2e}");
    assert!(d < 1e-5, "logits differ by {d}");
}

#[test]
fn the_defaults_follow_the_paper() {
    let config = SpenConfig::new(7, 2);
    assert_eq!((config.hidden, config.layers, config.max_size), (64, 5, 4));
    let small = SpenConfig::small(7, 2);
    assert_eq!((small.hidden, small.layers), (16, 3));
    let model = small.init(&Device::flex()).expect("model");
    assert_eq!(model.layers.len(), 2);
    assert_eq!(model.layers[0].l22.len(), 4);
    assert_eq!(model.head.len(), 3);
    assert!(SpenConfig::new(7, 0).init(&Device::flex()).is_err());
    // The paper's widths run: [64; 5] on a small featured graph.
    let device = Device::flex();
    let g = random_features(barabasi_albert(10, 2, 1).expect("graph"), 7, 2).expect("features");
    let model = config.init(&device).expect("model");
    assert_eq!(model.layers.len(), 4);
    let logits = model.forward(&EgoTensors::new(&g, 7, &device).expect("ego-nets"));
    assert_eq!(logits.dims(), [1, 2]);
    assert!(read(logits).iter().all(|v| v.is_finite()));
}

#[test]
fn spen_separates_two_triangles_from_the_hexagon_where_gin_cannot() {
    let device = Device::flex();
    let pair = Arc::new(triangles_vs_hexagon().expect("graphs"));
    let batch = SpenSource::new(Arc::clone(&pair), 1, 2).expect("source").batch(0, 0, &device).expect("batch");
    let model = SpenConfig::small(1, 2).init(&device).expect("model");
    let embedding = read(model.embed(&batch.ego));
    let width = embedding.len() / 2;
    let spen_gap = max_diff(&embedding[..width], &embedding[width..]);

    let gin = GraphClassifierConfig::gin(1, 2).init(&device);
    let source = GraphSource { graphs: Arc::clone(&pair), batch_size: 2, shuffle: false, seed: 0 };
    let b = source.batch(0, 0, &device).expect("batch");
    let logits = read(gin.forward(b.x, &b.graph, b.batch, b.num_graphs));
    let gin_gap = max_diff(&logits[..2], &logits[2..]);
    eprintln!("embedding gap 2×C3 vs C6: SPEN {spen_gap:.3e}, GIN {gin_gap:.3e}");
    assert!(spen_gap > 1e-3, "SPEN embeddings differ by {spen_gap}");
    assert!(gin_gap < 1e-5, "GIN outputs differ by {gin_gap}");

    // CSL(41, 2) against CSL(41, 3): both 4-regular, but their ego-nets differ.
    let csl = Arc::new(vec![(csl(41, 2, Some(1)).expect("CSL"), 0), (csl(41, 3, Some(2)).expect("CSL"), 1)]);
    let batch = SpenSource::new(Arc::clone(&csl), 1, 2).expect("source").batch(0, 0, &device).expect("batch");
    let embedding = read(model.embed(&batch.ego));
    let csl_gap = max_diff(&embedding[..width], &embedding[width..]);
    let source = GraphSource { graphs: csl, batch_size: 2, shuffle: false, seed: 0 };
    let b = source.batch(0, 0, &device).expect("batch");
    let logits = read(gin.forward(b.x, &b.graph, b.batch, b.num_graphs));
    let gin_csl_gap = max_diff(&logits[..2], &logits[2..]);
    eprintln!("embedding gap CSL(41, 2) vs CSL(41, 3): SPEN {csl_gap:.3e}, GIN {gin_csl_gap:.3e}");
    assert!(csl_gap > 1e-3, "SPEN CSL embeddings differ by {csl_gap}");
    assert!(gin_csl_gap < 1e-4, "GIN CSL outputs differ by {gin_csl_gap}");
}

kiln_core::test_device!(spen_agrees_with_flex, |device| {
    let flex = Device::flex();
    let g = random_features(barabasi_albert(12, 2, 7).expect("graph"), 3, 8).expect("features");
    let model = SpenConfig::small(3, 2).init(&flex).expect("model");
    let expected = read(model.forward(&EgoTensors::new(&g, 3, &flex).expect("ego-nets")));
    let moved = model.to_device(&device);
    let got = read(moved.forward(&EgoTensors::new(&g, 3, &device).expect("ego-nets")).to_device(&flex));
    let d = max_diff(&expected, &got);
    assert!(d < 1e-4, "max |Δ| = {d}");
});

#[test]
fn the_two_hop_model_is_invariant_to_node_order() {
    let device = Device::flex();
    let g = random_features(barabasi_albert(14, 2, 3).expect("graph"), 3, 4).expect("features");
    let mut perm: Vec<usize> = (0..g.num_nodes).collect();
    perm.shuffle(&mut kiln_core::seed::rng(6, 0));
    let h = relabel(&g, &perm);
    let model = SpenConfig::small(3, 2).with_hops(2).init(&device).expect("model");
    assert_eq!(model.hops(), 2);
    let ego = EgoTensors::with_hops(&g, 3, model.hops(), &device).expect("ego-nets");
    let one = EgoTensors::new(&g, 3, &device).expect("ego-nets");
    assert!(ego.num_pairs > one.num_pairs, "2-hop pairs {} vs 1-hop {}", ego.num_pairs, one.num_pairs);
    let a = read(model.forward(&ego));
    let b = read(model.forward(&EgoTensors::with_hops(&h, 3, 2, &device).expect("ego-nets")));
    let d = max_diff(&a, &b);
    eprintln!("2-hop SPEN logits {a:?}, permuted {b:?}: max difference {d:.2e}");
    assert!(d < 1e-5, "logits differ by {d}");
}

#[test]
fn zero_hops_is_refused_by_the_config_and_the_source() {
    assert_eq!(SpenConfig::new(1, 2).hops, 1);
    assert_eq!(SpenConfig::small(1, 2).hops, 1);
    let err = SpenConfig::small(1, 2).with_hops(0).init(&Device::flex()).expect_err("0 hops");
    assert!(matches!(&err, GraphError::Invalid(m) if m.contains("hops")), "{err}");
    let pair = Arc::new(triangles_vs_hexagon().expect("graphs"));
    let source = SpenSource::new(pair, 1, 2).expect("source");
    assert_eq!(source.hops, 1);
    assert!(matches!(source.with_hops(0), Err(GraphError::Invalid(_))));
}

/// The untrained model's embeddings of `CSL(41, a)` and `CSL(41, b)` (relabelled copies) with
/// `hops`-hop ego-nets: their largest difference.
fn csl_gap(model: &Spen, a: usize, b: usize, hops: usize, device: &Device) -> f32 {
    let pair = Arc::new(vec![(csl(41, a, Some(11)).expect("CSL"), 0), (csl(41, b, Some(12)).expect("CSL"), 1)]);
    let source = SpenSource::new(pair, 1, 2).and_then(|s| s.with_hops(hops)).expect("source");
    let embedding = read(model.embed(&source.batch(0, 0, device).expect("batch").ego));
    let width = embedding.len() / 2;
    max_diff(&embedding[..width], &embedding[width..])
}

#[test]
fn two_hop_ego_nets_separate_csl_classes_whose_one_hop_ego_nets_agree() {
    // Skips 5 and 13 (and 6): every 1-hop ego-net is the star K_{1,4}, each pair shared by as
    // many ego-nets in every graph (`spen::subgraphs` checks the plans exactly), so 1-hop SPEN
    // sees the classes alike up to f32 rounding; GraphNorm (ε = 1e-5) magnifies that rounding
    // on channels that are constant over a graph, so the floor is measured on two relabelled
    // copies of CSL(41, 5). The 2-hop ego-nets differ: 13 nodes with 16 edges (skip 5) against
    // 21 (skip 13); skip 6 has skip 5's 2-hop ego-net but pairs shared by other counts.
    // Measured (seed 0): 1-hop 9.2e-4 (5 vs 5), 7.7e-4 (5 vs 13), 7.2e-4 (5 vs 6); 2-hop
    // 4.2e-3, 6.1e-1, 9.4e-2. Over seeds 0–5 the 1-hop gaps stayed below 9e-3 and the 2-hop
    // class gaps above 9e-2.
    let device = Device::flex();
    kiln_core::seed::seed_device(&device, 0);
    let model = SpenConfig::small(1, 10).init(&device).expect("model");
    let gap = |a: usize, b: usize| [1, 2].map(|hops| csl_gap(&model, a, b, hops, &device));
    let [floor1, floor2] = gap(5, 5);
    let [one, two] = gap(5, 13);
    let [one_b, two_b] = gap(5, 6);
    eprintln!(
        "CSL embedding gaps, 1-hop / 2-hop: 5 vs 5 (relabelled) {floor1:.3e} / {floor2:.3e}; \
         5 vs 13 {one:.3e} / {two:.3e}; 5 vs 6 {one_b:.3e} / {two_b:.3e}"
    );
    for (what, g) in [("5 vs 5", floor1), ("5 vs 13", one), ("5 vs 6", one_b)] {
        assert!(g < 2e-2, "1-hop gap {what} = {g} is above the rounding floor");
    }
    let floor = floor1.max(floor2).max(one).max(one_b);
    assert!(two > 0.3 && two > 50.0 * floor, "2-hop gap 5 vs 13 = {two}, floor {floor}");
    assert!(two_b > 0.05 && two_b > 10.0 * floor, "2-hop gap 5 vs 6 = {two_b}, floor {floor}");
}
