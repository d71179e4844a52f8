//! Global readouts for graph-level tasks: `r_g = ⊕_{v : batch[v] = g} x_v` with ⊕ ∈ {sum, mean,
//! max} (PyG's `global_{add,mean,max}_pool`).

use burn::prelude::{Int, Tensor};

use crate::message_passing::{scatter_max, scatter_mean, scatter_sum};

/// `[N, F] → [B, F]`: sum of each graph's node rows.
pub fn global_sum_pool(x: Tensor<2>, batch: Tensor<1, Int>, num_graphs: usize) -> Tensor<2> {
    scatter_sum(x, batch, num_graphs)
}

/// `[N, F] → [B, F]`: mean of each graph's node rows.
pub fn global_mean_pool(x: Tensor<2>, batch: Tensor<1, Int>, num_graphs: usize) -> Tensor<2> {
    scatter_mean(x, batch, num_graphs)
}

/// `[N, F] → [B, F]`: element-wise maximum of each graph's node rows.
pub fn global_max_pool(x: Tensor<2>, batch: Tensor<1, Int>, num_graphs: usize) -> Tensor<2> {
    scatter_max(x, batch, num_graphs)
}
