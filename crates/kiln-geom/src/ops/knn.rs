//! k-nearest neighbours by exhaustive search (exact; `O(n m)`), and nearest distances used by
//! the metrics.

use nalgebra::Point3;

/// For each query, the indices of its `k` nearest points in `points`, nearest first.
pub fn knn(points: &[Point3<f32>], queries: &[Point3<f32>], k: usize) -> Vec<Vec<usize>> {
    let k = k.min(points.len());
    queries
        .iter()
        .map(|q| {
            let mut d: Vec<(f32, usize)> =
                points.iter().enumerate().map(|(i, p)| ((p - q).norm_squared(), i)).collect();
            if k < d.len() {
                d.select_nth_unstable_by(k, |a, b| a.0.total_cmp(&b.0));
                d.truncate(k);
            }
            d.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            d.into_iter().map(|(_, i)| i).collect()
        })
        .collect()
}

/// For each query, `(squared distance, index)` of its nearest point in `points`.
pub fn nearest_distances(points: &[Point3<f32>], queries: &[Point3<f32>]) -> Vec<(f32, usize)> {
    queries
        .iter()
        .map(|q| {
            points
                .iter()
                .enumerate()
                .map(|(i, p)| ((p - q).norm_squared(), i))
                .fold((f32::INFINITY, 0), |best, x| if x.0 < best.0 { x } else { best })
        })
        .collect()
}
