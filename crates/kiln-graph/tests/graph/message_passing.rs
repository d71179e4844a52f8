//! Scatter reductions, segment softmax and their gradients, on every compiled device.

use burn::prelude::{Int, Tensor, TensorData};
use kiln_core::tensor::to_vec;
use kiln_graph::Graph;
use kiln_graph::message_passing::{scatter_max, scatter_mean, scatter_sum, segment_softmax};

fn close(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5)
}

kiln_core::test_device!(scatter_reductions_match_hand_computed_values, |device| {
    // Rows 0..4 go to nodes [1, 0, 1, 1]; node 2 receives nothing.
    let src =
        Tensor::<2>::from_data(TensorData::new(vec![1.0f32, -1.0, 2.0, 5.0, 3.0, 0.0, -4.0, 7.0], [4, 2]), &device);
    let index = Tensor::<1, Int>::from_data(TensorData::new(vec![1i64, 0, 1, 1], [4]), &device);
    assert!(close(&to_vec(scatter_sum(src.clone(), index.clone(), 3)), &[2.0, 5.0, 0.0, 6.0, 0.0, 0.0]));
    assert!(close(&to_vec(scatter_mean(src.clone(), index.clone(), 3)), &[2.0, 5.0, 0.0, 2.0, 0.0, 0.0]));
    assert!(close(&to_vec(scatter_max(src, index, 3)), &[2.0, 5.0, 3.0, 7.0, 0.0, 0.0]));
});

kiln_core::test_device!(scatter_max_routes_gradient_to_the_winner, |device| {
    let ad = device.clone().autodiff();
    let src = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, 3.0, 2.0], [3, 1]), &ad).require_grad();
    let index = Tensor::<1, Int>::from_data(TensorData::new(vec![0i64, 0, 1], [3]), &ad);
    let out = scatter_max(src.clone(), index, 2);
    let grads = out.sum().backward();
    let g = src.grad(&grads).expect("gradient");
    assert!(close(&to_vec(g), &[0.0, 1.0, 1.0]));
});

kiln_core::test_device!(segment_softmax_normalises_per_target, |device| {
    let scores = Tensor::<2>::from_data(TensorData::new(vec![0.0f32, 0.0, 1.0, 5.0], [4, 1]), &device);
    let index = Tensor::<1, Int>::from_data(TensorData::new(vec![0i64, 0, 1, 2], [4]), &device);
    let a = to_vec(segment_softmax(scores, index, 3));
    assert!(close(&a, &[0.5, 0.5, 1.0, 1.0]));
});

/// `Â` as a dense row-major `n × n` matrix (entry `[t][s]`), summing repeated edges.
fn dense(n: usize, src: &[usize], dst: &[usize], weight: &[f32]) -> Vec<f32> {
    let mut a = vec![0.0; n * n];
    for ((&s, &t), &w) in src.iter().zip(dst).zip(weight) {
        a[t * n + s] += w;
    }
    a
}

/// Node ids from the device.
pub fn ids(t: Tensor<1, Int>) -> Vec<usize> {
    to_vec(t.float()).into_iter().map(|v| v as usize).collect()
}

kiln_core::test_device!(device_normalisation_matches_the_host, |device| {
    let g = kiln_graph::generate::barabasi_albert(30, 2, 4).expect("graph");
    let host = g.gcn_norm();
    let dev = g.to_tensors(&device).gcn_norm(true);
    let w = to_vec(dev.weight.expect("weights").unsqueeze_dim::<2>(1));
    assert!(close(&w, host.edge_weight.as_deref().unwrap_or(&[])));

    // With self-loops already in the graph (one doubled), weighted: the device keeps replaced
    // loops at weight 0, so compare the matrices.
    let mut edges: Vec<(usize, usize)> = g.edges().collect();
    edges.extend([(0, 0), (5, 5), (5, 5), (7, 7)]);
    let weights: Vec<f32> = (0..edges.len()).map(|e| 0.5 + (e % 4) as f32).collect();
    let looped = Graph::new(30, &edges).expect("graph").with_edge_weight(weights).expect("weights");
    let host = looped.gcn_norm();
    let host_dense = dense(30, &host.edge_index[0], &host.edge_index[1], host.edge_weight.as_deref().unwrap_or(&[]));
    let dev = looped.to_tensors(&device).gcn_norm(true);
    let dev_weight = to_vec(dev.weight.clone().expect("weights").unsqueeze_dim::<2>(1));
    let dev_dense = dense(30, &ids(dev.src), &ids(dev.dst), &dev_weight);
    assert!(close(&dev_dense, &host_dense), "device and host disagree on a graph with loops");
    // Each node has one loop: the diagonal is w_vv / d_v with d_v counting it once.
    assert!((0..30).all(|v| host_dense[v * 30 + v] > 0.0));
});
