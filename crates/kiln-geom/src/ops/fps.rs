//! Farthest-point sampling (Eldar et al. 1997; PointNet++ §3.2): start from `start`, then
//! repeatedly add the point farthest from those chosen.

use nalgebra::Point3;

/// Indices of `k` points chosen by farthest-point sampling from `points`, starting at `start`.
pub fn farthest_point_sampling(points: &[Point3<f32>], k: usize, start: usize) -> Vec<usize> {
    if points.is_empty() || k == 0 {
        return Vec::new();
    }
    let k = k.min(points.len());
    let mut chosen = Vec::with_capacity(k);
    let mut dist = vec![f32::INFINITY; points.len()];
    let mut current = start.min(points.len() - 1);
    for _ in 0..k {
        chosen.push(current);
        let c = points[current];
        let mut best = (0usize, -1.0f32);
        for (i, p) in points.iter().enumerate() {
            let d = (p - c).norm_squared();
            if d < dist[i] {
                dist[i] = d;
            }
            if dist[i] > best.1 {
                best = (i, dist[i]);
            }
        }
        current = best.0;
    }
    chosen
}
