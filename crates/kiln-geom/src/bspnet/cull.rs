//! Redundancy culling of extracted convexes, as in the official 3-D extraction (`test_bsp` in
//! `modelAE.py` of czq142857/BSP-NET-original and BSP-NET-pytorch): a convex is dropped when
//! every grid point it covers is also covered by another convex still kept.
//!
//! With `I_j(x) = [C_j(x) < 0.01]` on the grid points `x` and the coverage `N(x) = Σ_j I_j(x)`,
//! the convexes are visited in index order; convex `j` is redundant when
//! `min_x (N(x) − 2·I_j(x)) ≥ 0`, i.e. `N(x) ≥ 2` wherever `I_j(x) = 1`, and is then dropped with
//! `N ← N − I_j`. The visit is greedy, so of two identical convexes the first goes and the
//! second stays; the kept convexes cover exactly the grid points the candidates covered.
//!
//! Deviations (see [`super::extract`]): the candidates exclude convexes with no active plane
//! (`T_ij ≤ 0.01` for every `i`): such a convex has `C_j ≡ 0`, covers every grid point, and in
//! the official code would make every convex visited before it redundant while emitting
//! nothing itself. The official 2-D code (`bsp_2d/model.py`) does not cull; Kiln culls in 2-D
//! too, so the counts of both dimensions mean the same thing.

/// Which candidate convexes survive culling, given each candidate's inside mask `I_j` over the
/// same grid points (`inside[j][x]`), visited in order. A candidate covering no point is
/// dropped (it adds nothing to the union).
pub fn cull_redundant(inside: &[Vec<bool>]) -> Vec<bool> {
    let n = inside.iter().map(Vec::len).max().unwrap_or(0);
    let mut coverage = vec![0u32; n];
    for mask in inside {
        for (c, &i) in coverage.iter_mut().zip(mask) {
            *c += u32::from(i);
        }
    }
    inside
        .iter()
        .map(|mask| {
            let redundant = mask.iter().zip(&coverage).all(|(&i, &c)| !i || c >= 2);
            if redundant {
                for (c, &i) in coverage.iter_mut().zip(mask) {
                    *c -= u32::from(i);
                }
            }
            !redundant
        })
        .collect()
}
