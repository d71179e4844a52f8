//! Clipping data to the axis ranges before plotters sees it (plotters would squash points
//! outside the plot area onto its border).

use super::AxisRange;

/// The part of segment `p`–`q` inside the ranges (Liang–Barsky), `None` when none is.
fn clip_segment(p: (f64, f64), q: (f64, f64), x: AxisRange, y: AxisRange) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (step, room) in [(-dx, p.0 - x.min), (dx, x.max - p.0), (-dy, p.1 - y.min), (dy, y.max - p.1)] {
        if step == 0.0 {
            if room < 0.0 {
                return None;
            }
        } else {
            let t = room / step;
            if step < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            p
        } else if t == 1.0 {
            q
        } else {
            (p.0 + t * dx, p.1 + t * dy)
        }
    };
    Some((at(t0), at(t1)))
}

/// `points` joined in order, cut to the ranges: the visible runs, each of at least two points.
/// A non-finite point ends a run.
pub(crate) fn clip_polyline(points: &[(f64, f64)], x: AxisRange, y: AxisRange) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
    for pair in points.windows(2) {
        let (p, q) = (pair[0], pair[1]);
        let clipped = if finite(&p) && finite(&q) { clip_segment(p, q, x, y) } else { None };
        match clipped {
            Some((a, b)) if current.last() == Some(&a) => current.push(b),
            Some((a, b)) => {
                runs.push(std::mem::take(&mut current));
                current = vec![a, b];
            }
            None => runs.push(std::mem::take(&mut current)),
        }
    }
    runs.push(current);
    runs.retain(|r| r.len() >= 2);
    runs
}

/// The finite points inside the ranges.
pub(crate) fn inside(points: &[(f64, f64)], x: AxisRange, y: AxisRange) -> Vec<(f64, f64)> {
    points.iter().copied().filter(|&(px, py)| x.contains(px) && y.contains(py)).collect()
}
