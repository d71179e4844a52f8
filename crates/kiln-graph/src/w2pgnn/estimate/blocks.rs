//! The block average shared by the block-model estimators (largest gap, SBA): given a
//! partition of the nodes into blocks, the stochastic-block-model fit of a mean adjacency.

/// The block-model fit of the `n × n` mean adjacency `a` for the partition `labels`
/// (`labels[i] ∈ 0..k` the block of node `i`): with `n_b` nodes in block `b`,
///
/// `P_bc = Σ_{i∈b, j∈c, i≠j} a_ij / (n_b n_c − [b = c] n_b)`
///
/// (the pairs of distinct nodes, as Channarond et al. 2012 and Airoldi et al. 2013; 0 for a
/// single node's own block pair, which has no pair), returned expanded to the nodes:
/// `W_ij = P_{labels[i] labels[j]}`, `n × n` row-major. `a` is taken as symmetric (`P_bc` is
/// the mean of its two orientations).
pub fn block_average(a: &[f64], n: usize, labels: &[usize], k: usize) -> Vec<f64> {
    let mut sums = vec![0.0; k * k];
    let mut sizes = vec![0usize; k];
    for &l in labels {
        sizes[l] += 1;
    }
    for i in 0..n {
        for j in 0..n {
            if i != j {
                sums[labels[i] * k + labels[j]] += a[i * n + j];
            }
        }
    }
    let mut p = vec![0.0; k * k];
    for b in 0..k {
        for c in b..k {
            let pairs = sizes[b] * sizes[c] - if b == c { sizes[b] } else { 0 };
            if pairs > 0 {
                // Both orientations sum the same entries of a symmetric `a`; averaging them
                // makes `P` exactly symmetric whatever the rounding.
                let v = 0.5 * (sums[b * k + c] + sums[c * k + b]) / pairs as f64;
                (p[b * k + c], p[c * k + b]) = (v, v);
            }
        }
    }
    (0..n * n).map(|x| p[labels[x / n] * k + labels[x % n]]).collect()
}
