//! Small host-side linear algebra in f64 (row-major slices), for the families' few tiny
//! systems: Cholesky with several right-hand sides (SN-Net's least-squares stitches, the ridge
//! predictors of LINAS), Gaussian elimination with partial pivoting as the predictors'
//! fallback, and the symmetric eigen-problem by Jacobi rotations (MixtureGrowth's orthogonal
//! coefficients: the right-singular vector of the smallest singular value).
//!
//! The eigen-routines: the right-singular vectors of `C` (`m × n`) are the eigenvectors of the
//! symmetric `CᵀC` (`n × n`), with eigenvalues `σᵢ²`; so the vector of the smallest singular
//! value is the eigenvector of the smallest eigenvalue of `CᵀC`. When `m < n`, `CᵀC` has a zero
//! eigenvalue and its eigenvector spans part of the null space of `C`, which is what
//! `torch.linalg.svd(C).Vh[-1]` (full matrices) returns too. Cyclic Jacobi rotations (Golub &
//! Van Loan, *Matrix Computations*, §8.5) zero one off-diagonal pair each; sweeps repeat until
//! the off-diagonal mass is negligible.

/// Solves `G·X = R` for symmetric positive definite `G` (row-major `n × n`) and `m` right-hand
/// sides `R` (row-major `n × m`) by Cholesky `G = LLᵀ`, forward and back substitution; `None`
/// when `G` is not numerically positive definite or the result is not finite.
pub fn cholesky_solve(g: &[f64], r: &[f64], n: usize, m: usize) -> Option<Vec<f64>> {
    if g.len() != n * n || r.len() != n * m {
        return None;
    }
    let mut l = vec![0.0f64; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = g[i * n + j] - (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum::<f64>();
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    let mut x = r.to_vec();
    for col in 0..m {
        // L z = r
        for i in 0..n {
            let s: f64 = (0..i).map(|k| l[i * n + k] * x[k * m + col]).sum();
            x[i * m + col] = (x[i * m + col] - s) / l[i * n + i];
        }
        // Lᵀ x = z
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k * m + col]).sum();
            x[i * m + col] = (x[i * m + col] - s) / l[i * n + i];
        }
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Solves `A x = b` by Gaussian elimination with partial pivoting; `None` if singular.
pub fn gauss_solve(mut a: Vec<f64>, mut b: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    let scale = a.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(f64::MIN_POSITIVE);
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i * n + col].abs().total_cmp(&a[j * n + col].abs()))?;
        if a[pivot * n + col].abs() <= 1e-12 * scale {
            return None;
        }
        if pivot != col {
            for k in 0..n {
                a.swap(pivot * n + k, col * n + k);
            }
            b.swap(pivot, col);
        }
        for row in (col + 1)..n {
            let factor = a[row * n + col] / a[col * n + col];
            if factor != 0.0 {
                for k in col..n {
                    a[row * n + k] -= factor * a[col * n + k];
                }
                b[row] -= factor * b[col];
            }
        }
    }
    let mut x = vec![0.0f64; n];
    for i in (0..n).rev() {
        let s: f64 = ((i + 1)..n).map(|k| a[i * n + k] * x[k]).sum();
        x[i] = (b[i] - s) / a[i * n + i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Eigen-decomposition of the symmetric `n × n` matrix `a` (row-major): the eigenvalues in
/// ascending order and, for each, its unit eigenvector.
///
/// Only the symmetric part of `a` is meaningful; the routine reads the whole matrix and assumes
/// `a[i][j] = a[j][i]`.
pub fn symmetric_eigen(a: &[Vec<f64>]) -> Vec<(f64, Vec<f64>)> {
    let n = a.len();
    let mut a: Vec<Vec<f64>> = a.iter().map(|row| row.iter().copied().take(n).collect()).collect();
    let mut v: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect()).collect();
    let scale: f64 = a.iter().flatten().map(|x| x * x).sum::<f64>().max(f64::MIN_POSITIVE);
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off <= 1e-30 * scale {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q] == 0.0 {
                    continue;
                }
                // Rotation J (J_pp = J_qq = c, J_pq = s, J_qp = −s) with t = s/c the smaller root
                // of t² + 2θt − 1 = 0, θ = (a_qq − a_pp) / (2 a_pq): zeroes a_pq in JᵀAJ.
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let sign = if theta >= 0.0 { 1.0 } else { -1.0 };
                let t = sign / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                let (head, tail) = a.split_at_mut(q);
                for (x, y) in head[p].iter_mut().zip(tail[0].iter_mut()) {
                    let (apk, aqk) = (*x, *y);
                    *x = c * apk - s * aqk;
                    *y = s * apk + c * aqk;
                }
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut pairs: Vec<(f64, Vec<f64>)> = (0..n).map(|k| (a[k][k], v.iter().map(|row| row[k]).collect())).collect();
    pairs.sort_by(|x, y| x.0.total_cmp(&y.0));
    pairs
}

/// The unit right-singular vector of the smallest singular value of `rows` (a matrix given by
/// its rows, all of one length `n`), with its sign fixed so that its largest-magnitude entry is
/// positive (an SVD's sign is arbitrary). `None` when `rows` is empty or ragged.
///
/// This is MixtureGrowth's orthogonal initialisation of new coefficients: the direction of
/// template space the existing coefficient vectors cover least.
pub fn smallest_right_singular_vector(rows: &[Vec<f64>]) -> Option<Vec<f64>> {
    let n = rows.first()?.len();
    if n == 0 || rows.iter().any(|r| r.len() != n) {
        return None;
    }
    let gram: Vec<Vec<f64>> =
        (0..n).map(|i| (0..n).map(|j| rows.iter().map(|r| r[i] * r[j]).sum()).collect()).collect();
    let (_, mut vector) = symmetric_eigen(&gram).into_iter().next()?;
    let largest = vector.iter().copied().fold(0.0f64, |m, x| if x.abs() > m.abs() { x } else { m });
    if largest < 0.0 {
        vector.iter_mut().for_each(|x| *x = -*x);
    }
    Some(vector)
}
