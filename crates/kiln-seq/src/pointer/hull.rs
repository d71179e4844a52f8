//! The convex-hull target and the polygon checks of its metrics.
//!
//! Andrew's monotone chain (Andrew, "Another efficient algorithm for convex hulls in two
//! dimensions", IPL 1979): sort the points by `(x, y)`, build the lower and the upper chain,
//! popping while the last turn is not strictly counter-clockwise,
//! `cross(o, a, b) = (a − o) × (b − o) ≤ 0`. Collinear points on an edge are left out and
//! duplicate points count once (the lowest index), so the hull is unique. The cycle is
//! returned counter-clockwise starting from its lowest input index, as the Pointer Networks
//! paper's targets are.

/// `(a − o) × (b − o)`: positive for a counter-clockwise turn `o → a → b`.
pub fn cross(o: [f32; 2], a: [f32; 2], b: [f32; 2]) -> f64 {
    let (ox, oy) = (f64::from(o[0]), f64::from(o[1]));
    (f64::from(a[0]) - ox) * (f64::from(b[1]) - oy) - (f64::from(a[1]) - oy) * (f64::from(b[0]) - ox)
}

/// Indices of the convex hull's vertices of `points`, counter-clockwise, starting from the
/// lowest index. One distinct point gives one index, two give two; an empty input gives none.
pub fn convex_hull(points: &[[f32; 2]]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&i, &j| {
        points[i][0].total_cmp(&points[j][0]).then(points[i][1].total_cmp(&points[j][1])).then(i.cmp(&j))
    });
    // Duplicates: keep the lowest index of each distinct point (first after the sort).
    order.dedup_by(|later, first| points[*later] == points[*first]);
    if order.len() <= 2 {
        let mut out = order;
        out.sort_unstable();
        return out;
    }
    let mut hull: Vec<usize> = Vec::with_capacity(2 * order.len());
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &usize>> =
            if pass == 0 { Box::new(order.iter()) } else { Box::new(order.iter().rev()) };
        for &p in iter {
            while hull.len() >= start + 2
                && cross(points[hull[hull.len() - 2]], points[hull[hull.len() - 1]], points[p]) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop(); // the last point of each chain starts the other
    }
    if hull.len() < 3 {
        // All points collinear: the two extremes.
        let mut ends = vec![order[0], order[order.len() - 1]];
        ends.sort_unstable();
        return ends;
    }
    let first = hull.iter().enumerate().min_by_key(|&(_, &i)| i).map_or(0, |(k, _)| k);
    hull.rotate_left(first);
    hull
}

/// Area of the polygon `points[cycle[0]] → points[cycle[1]] → ...` (shoelace formula
/// `½ |Σ xᵢ yᵢ₊₁ − xᵢ₊₁ yᵢ|`).
pub fn polygon_area(points: &[[f32; 2]], cycle: &[usize]) -> f64 {
    let n = cycle.len();
    let twice: f64 = (0..n)
        .map(|k| {
            let (a, b) = (points[cycle[k]], points[cycle[(k + 1) % n]]);
            f64::from(a[0]) * f64::from(b[1]) - f64::from(b[0]) * f64::from(a[1])
        })
        .sum();
    twice.abs() / 2.0
}

/// Whether segments `ab` and `cd` cross at a point interior to both (touching ends and
/// collinear overlaps count as crossing only when they properly intersect).
fn segments_cross(a: [f32; 2], b: [f32; 2], c: [f32; 2], d: [f32; 2]) -> bool {
    let (d1, d2) = (cross(a, b, c), cross(a, b, d));
    let (d3, d4) = (cross(c, d, a), cross(c, d, b));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

/// Whether `cycle` is a valid polygon of `points`: at least 3 vertices, every index in range and
/// used once, and no two non-adjacent edges crossing (a simple polygon). The Pointer Networks
/// paper counts a decoded hull that is not one as a failure.
pub fn is_simple_polygon(points: &[[f32; 2]], cycle: &[usize]) -> bool {
    let n = cycle.len();
    if n < 3 || cycle.iter().any(|&i| i >= points.len()) {
        return false;
    }
    let mut seen = vec![false; points.len()];
    for &i in cycle {
        if std::mem::replace(&mut seen[i], true) {
            return false;
        }
    }
    for i in 0..n {
        for j in i + 2..n {
            if i == 0 && j == n - 1 {
                continue; // adjacent through the closing edge
            }
            let (a, b) = (points[cycle[i]], points[cycle[(i + 1) % n]]);
            let (c, d) = (points[cycle[j]], points[cycle[(j + 1) % n]]);
            if segments_cross(a, b, c, d) {
                return false;
            }
        }
    }
    true
}

/// Whether `cycle` is the same cycle as `target` (both counter-clockwise, any starting vertex).
pub fn same_cycle(cycle: &[usize], target: &[usize]) -> bool {
    if cycle.len() != target.len() {
        return false;
    }
    if target.is_empty() {
        return true;
    }
    match cycle.iter().position(|&i| i == target[0]) {
        Some(k) => (0..cycle.len()).all(|m| cycle[(k + m) % cycle.len()] == target[m]),
        None => false,
    }
}
