//! USVT, universal singular value thresholding (Chatterjee, "Matrix estimation by universal
//! singular value thresholding", The Annals of Statistics 43(1), 2015; the official
//! `universal_svd`).

use kiln_nas::linalg::symmetric_eigen;

use super::aligned::{aligned_mean, check_input};
use crate::error::{GraphError, Result};
use crate::graph::Graph;
use crate::w2pgnn::graphon::{Graphon, resize_bilinear};

/// The official default threshold τ = 0.1 (W2PGNN's `--threshold-usvt`, as in Xu et al.'s
/// scripts; the function's own default there is 2.02).
pub const DEFAULT_THRESHOLD: f64 = 0.1;

/// USVT of the symmetric `n × n` matrix `a`: with the singular value decomposition
/// `a = Σ_k s_k u_k v_kᵀ`, keep the terms with `s_k ≥ τ√n`, then clip to `[0, 1]`:
///
/// `Ŵ = clip_{[0,1]}( Σ_{s_k ≥ τ√n} s_k u_k v_kᵀ )`.
///
/// For a symmetric `a` the SVD is its eigen-decomposition `a = Σ λ_k v_k v_kᵀ` with
/// `s_k = |λ_k|` (cyclic Jacobi, [`symmetric_eigen`]), so `Ŵ = clip(Σ_{|λ_k| ≥ τ√n} λ_k v_k v_kᵀ)`,
/// symmetrised against rounding. Chatterjee's rule for a single graph is `τ = 2 + η`
/// (η small, e.g. 0.01) times the entries' standard deviation bound; the official code
/// applies `τ√n` to the mean of the aligned graphs. Cost `O(n³)` per Jacobi sweep.
pub fn usvt_matrix(a: &[f64], n: usize, threshold: f64) -> Vec<f64> {
    let rows: Vec<Vec<f64>> = a.chunks(n.max(1)).map(<[f64]>::to_vec).collect();
    let cut = threshold * (n as f64).sqrt();
    let mut out = vec![0.0; n * n];
    for (lambda, v) in symmetric_eigen(&rows) {
        if lambda.abs() >= cut {
            for i in 0..n {
                let s = lambda * v[i];
                out[i * n..(i + 1) * n].iter_mut().zip(&v).for_each(|(o, vj)| *o += s * vj);
            }
        }
    }
    for i in 0..n {
        for j in 0..i {
            let v = 0.5 * (out[i * n + j] + out[j * n + i]);
            (out[i * n + j], out[j * n + i]) = (v, v);
        }
    }
    out.iter_mut().for_each(|v| *v = v.clamp(0.0, 1.0));
    out
}

/// Errors unless the threshold τ is non-negative and finite.
pub fn check_threshold(threshold: f64) -> Result<()> {
    if threshold >= 0.0 && threshold.is_finite() {
        Ok(())
    } else {
        Err(GraphError::Invalid(format!("USVT threshold must be non-negative and finite, not {threshold}")))
    }
}

/// The USVT graphon of `graphs`: the aligned mean adjacency `Ā` ([`aligned_mean`], `N_max`
/// nodes), thresholded at `τ√N_max` ([`usvt_matrix`]), resized bilinearly to `r × r`, as the
/// official code. Errors on an empty set, graphs without nodes, `r = 0`, or a negative or
/// non-finite threshold.
pub fn usvt(graphs: &[Graph], threshold: f64, r: usize) -> Result<Graphon> {
    check_threshold(threshold)?;
    let n_max = check_input(graphs, r, "USVT")?;
    let mean = aligned_mean(graphs, n_max)?;
    let step = usvt_matrix(&mean, n_max, threshold);
    Ok(Graphon { values: resize_bilinear(&step, n_max, r)?, r })
}
