//! GCN against hand-computed values, with and without self-loops in the input; GAT's
//! remove-then-add loops; GIN's widths; permutation equivariance of every layer and readout.

use burn::module::Param;
use burn::prelude::{Device, Int, Tensor, TensorData};
use kiln_core::tensor::to_vec;
use kiln_graph::Graph;
use kiln_graph::generate::barabasi_albert;
use kiln_graph::layers::pool::{global_max_pool, global_mean_pool, global_sum_pool};
use kiln_graph::layers::{GatConvConfig, GcnConvConfig, GinConvConfig, LayerKind};
use kiln_graph::message_passing::index_tensor;

kiln_core::test_device!(gcn_on_three_nodes_matches_hand_computation, |device| {
    // Path 0-1-2; with self-loops the degrees are 2, 3, 2. The same path read from an edge list
    // that keeps loops ((1, 1) once, (2, 2) twice) must give the same: one loop per node.
    let plain = Graph::undirected(3, &[(0, 1), (1, 2)]).expect("graph").to_tensors(&device);
    let looped = crate::core::path3_with_loops().to_tensors(&device);
    let mut conv = GcnConvConfig::new(2, 1).init(&device);
    conv.linear.weight = Param::from_tensor(Tensor::from_data(TensorData::new(vec![1.0f32, 2.0], [2, 1]), &device));
    conv.bias = Some(Param::from_tensor(Tensor::from_data(TensorData::new(vec![0.5f32], [1]), &device)));
    let x = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, 0.0, 2.0, 1.0, 3.0, 0.0], [3, 2]), &device);
    // xW = [1, 4, 3]; out_i = Σ_j xW_j / sqrt(d_i d_j) + 0.5.
    let s6 = 6f32.sqrt();
    let expected = [0.5 + 4.0 / s6 + 0.5, 1.0 / s6 + 4.0 / 3.0 + 3.0 / s6 + 0.5, 4.0 / s6 + 1.5 + 0.5];
    for g in [plain, looped] {
        let out = to_vec(conv.forward(x.clone(), &g));
        for (o, e) in out.iter().zip(expected) {
            assert!((o - e).abs() < 1e-5, "{out:?} vs {expected:?}");
        }
    }
});

kiln_core::test_device!(gat_replaces_existing_self_loops, |device| {
    let plain = Graph::undirected(3, &[(0, 1), (1, 2)]).expect("graph").to_tensors(&device);
    let looped = crate::core::path3_with_loops().to_tensors(&device);
    let gat = GatConvConfig::new(2, 3).with_heads(2).init(&device);
    let x = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, 0.0, 2.0, 1.0, 3.0, -1.0], [3, 2]), &device);
    let a = to_vec(gat.forward(x.clone(), &plain));
    let b = to_vec(gat.forward(x.clone(), &looped));
    assert!(a.iter().zip(&b).all(|(p, q)| (p - q).abs() < 1e-5), "{a:?} vs {b:?}");
    // Coefficients of the 7 input edges then 3 new loops, 2 heads: the input's loops (edges 2,
    // 5 and 6) get nothing, and each node's coefficients sum to 1.
    let alpha = to_vec(gat.attention(x, &looped));
    assert_eq!(alpha.len(), 10 * 2);
    for e in [2, 5, 6] {
        assert_eq!((alpha[2 * e], alpha[2 * e + 1]), (0.0, 0.0), "replaced loop {e}");
    }
    let targets = [1, 0, 1, 2, 1, 2, 2, 0, 1, 2];
    for v in 0..3 {
        for head in 0..2 {
            let sum: f32 = (0..10).filter(|&e| targets[e] == v).map(|e| alpha[2 * e + head]).sum();
            assert!((sum - 1.0).abs() < 1e-5, "node {v} head {head}: {sum}");
        }
    }
});

#[test]
fn gin_mlp_is_as_wide_as_its_output_by_default() {
    let device = Device::flex();
    // A citation graph's 1,433 words would have made a 1,433 × 1,433 hidden layer.
    let gin = GinConvConfig::new(1433, 16);
    assert_eq!(gin.hidden_width(), 16);
    let layer = gin.init(&device);
    assert_eq!(layer.mlp1.weight.dims(), [1433, 16]);
    assert_eq!(GinConvConfig::new(8, 16).with_hidden(32).hidden_width(), 32);
    let eps = GinConvConfig::new(4, 4).with_train_eps(true).with_eps(0.5).with_batch_norm(true).init(&device);
    assert_eq!(eps.learned_eps.as_ref().map(|p| to_vec(p.val())), Some(vec![0.5]));
    assert!(eps.norm.is_some());
}

/// A graph, its features, and the same graph with nodes renamed by a permutation: new node `i`
/// is old node `perm[i]`.
fn permuted(device: &Device) -> (Graph, Tensor<2>, Graph, Tensor<2>, Vec<usize>) {
    let g = barabasi_albert(20, 2, 5).expect("graph");
    let perm = kiln_core::seed::permutation(20, 9);
    let mut inverse = [0; 20];
    for (new, &old) in perm.iter().enumerate() {
        inverse[old] = new;
    }
    let edges: Vec<_> = g.edges().map(|(s, t)| (inverse[s], inverse[t])).collect();
    let pg = Graph::new(20, &edges).expect("permuted");
    let x = Tensor::<2>::random([20, 6], burn::tensor::Distribution::Normal(0.0, 1.0), device);
    let px = x.clone().select(0, index_tensor(&perm, device));
    (g, x, pg, px, perm)
}

fn assert_equivariant(name: &str, out: Tensor<2>, pout: Tensor<2>, perm: &[usize]) {
    let device = out.device();
    let expected = to_vec(out.select(0, index_tensor(perm, &device)));
    let got = to_vec(pout);
    let diff = expected.iter().zip(&got).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(diff < 1e-4, "{name}: max difference {diff}");
}

kiln_core::test_device!(every_layer_is_permutation_equivariant, |device| {
    let (g, x, pg, px, perm) = permuted(&device);
    let (gt, pgt) = (g.to_tensors(&device), pg.to_tensors(&device));
    for kind in LayerKind::ALL {
        let layer = kind.init(6, 8, 2, &device);
        assert_equivariant(kind.name(), layer.forward(x.clone(), &gt), layer.forward(px.clone(), &pgt), &perm);
    }
    let gat = GatConvConfig::new(6, 4).with_heads(3).with_concat(false).init(&device);
    assert_equivariant("GAT (mean of heads)", gat.forward(x.clone(), &gt), gat.forward(px.clone(), &pgt), &perm);
});

kiln_core::test_device!(readouts_are_permutation_invariant, |device| {
    let (_, x, _, px, _) = permuted(&device);
    let batch = index_tensor(&[0; 20], &device);
    type Pool = fn(Tensor<2>, Tensor<1, Int>, usize) -> Tensor<2>;
    let pools: [(&str, Pool); 3] = [("sum", global_sum_pool), ("mean", global_mean_pool), ("max", global_max_pool)];
    for (name, pool) in pools {
        let a = to_vec(pool(x.clone(), batch.clone(), 1));
        let b = to_vec(pool(px.clone(), batch.clone(), 1));
        assert!(a.iter().zip(&b).all(|(p, q)| (p - q).abs() < 1e-4), "{name}");
    }
    let sum = to_vec(global_sum_pool(x.clone(), batch.clone(), 1));
    let mean = to_vec(global_mean_pool(x, batch, 1));
    assert!(sum.iter().zip(&mean).all(|(s, m)| (s / 20.0 - m).abs() < 1e-4));
});
