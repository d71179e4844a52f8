//! The attention-filtered meta-relation join of LATTE's higher layers.
//!
//! Layer t's meta-relations are `Φ_t = Φ_1 ∪ join(Φ_{t−1}, Φ_1)`. Before two relations join,
//! each keeps only its edges whose previous-layer attention `α_ij = max_heads α_ijᵏ` is at least
//! the threshold (0.5), and for every target the edge of largest attention (so no node loses
//! all its neighbours); the join is then the sparse product with values
//! `w(s, d) = Σ_m α_a(s, m) · α_b(m, d)` ([`crate::hetero::sparse_product`]).

use crate::hetero::{Relation, sparse_product};

/// `relation` with only the edges whose `values` are at least `threshold` or the largest into
/// their target (the first of equal ones), and weights set to those values. When `values` is not
/// one per edge, every edge is kept with its weight.
pub fn filter_by_attention(relation: &Relation, values: &[f32], threshold: f32) -> Relation {
    if values.len() != relation.num_edges() {
        return relation.clone();
    }
    let mut best: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (e, &v) in values.iter().enumerate() {
        let slot = best.entry(relation.dst[e]).or_insert(e);
        if v > values[*slot] {
            *slot = e;
        }
    }
    let keep: Vec<usize> =
        (0..values.len()).filter(|&e| values[e] >= threshold || best.get(&relation.dst[e]) == Some(&e)).collect();
    Relation {
        src_type: relation.src_type,
        name: relation.name.clone(),
        dst_type: relation.dst_type,
        src: keep.iter().map(|&e| relation.src[e]).collect(),
        dst: keep.iter().map(|&e| relation.dst[e]).collect(),
        weight: keep.iter().map(|&e| values[e]).collect(),
    }
}

/// `a ∘ b` from the attention-filtered relations: see the module documentation.
pub fn attention_join(a: &Relation, alpha_a: &[f32], b: &Relation, alpha_b: &[f32], threshold: f32) -> Relation {
    sparse_product(&filter_by_attention(a, alpha_a, threshold), &filter_by_attention(b, alpha_b, threshold))
}
