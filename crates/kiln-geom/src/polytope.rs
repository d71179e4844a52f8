//! Convex polytopes and polygons as half-space intersections (BSP-Net §3.5, mesh extraction),
//! computed with nalgebra by vertex enumeration: every triple (pair in 2-D) of bounding planes
//! is solved, the solutions satisfying all half-spaces are the vertices, and each plane's
//! vertices, ordered by angle, form a face. A half-space is `n·x + d ≤ 0`.

use std::collections::HashSet;

use nalgebra::{Matrix2, Matrix3, Point2, Point3, Vector2, Vector3};

use crate::aabb::Aabb;
use crate::mesh::TriangleMesh;

/// A half-space `n·x + d ≤ 0` in 3-D.
pub type HalfSpace = (Vector3<f64>, f64);
/// A half-plane `n·x + d ≤ 0` in 2-D.
pub type HalfPlane = (Vector2<f64>, f64);

const EPS: f64 = 1e-7;

/// Normalises `n` to unit length; `None` for a degenerate plane, which is dropped when it holds
/// everywhere (`d ≤ 0`) and makes the set empty otherwise (`Some(None)`).
fn normalise<const D: usize>(
    n: &nalgebra::SVector<f64, D>,
    d: f64,
) -> Result<Option<(nalgebra::SVector<f64, D>, f64)>, ()> {
    let len = n.norm();
    if len < 1e-12 {
        return if d <= 0.0 { Ok(None) } else { Err(()) };
    }
    Ok(Some((n / len, d / len)))
}

/// A bounded convex polytope.
#[derive(Debug, Clone)]
pub struct ConvexPolytope {
    /// The (unit-normal) half-spaces that bound it, box planes included.
    pub planes: Vec<HalfSpace>,
    /// Its vertices.
    pub vertices: Vec<Point3<f64>>,
    /// Its faces, each a convex polygon of vertex indices, counter-clockwise seen from outside.
    pub faces: Vec<Vec<usize>>,
}

impl ConvexPolytope {
    /// The intersection of `halfspaces` with the box `bounds`; `None` when it has no volume.
    pub fn from_halfspaces(halfspaces: &[HalfSpace], bounds: &Aabb) -> Option<Self> {
        let mut planes = Vec::new();
        for (n, d) in halfspaces.iter().chain(bounds.planes().iter()) {
            match normalise(n, *d) {
                Ok(Some(p)) => planes.push(p),
                Ok(None) => {}
                Err(()) => return None,
            }
        }
        let m = planes.len();
        let scale = 1.0 + bounds.extent().max() as f64;
        let tol = EPS * scale;
        let mut vertices: Vec<Point3<f64>> = Vec::new();
        for a in 0..m {
            for b in a + 1..m {
                for c in b + 1..m {
                    let mat = Matrix3::from_rows(&[
                        planes[a].0.transpose(),
                        planes[b].0.transpose(),
                        planes[c].0.transpose(),
                    ]);
                    if mat.determinant().abs() < 1e-9 {
                        continue;
                    }
                    let Some(inv) = mat.try_inverse() else { continue };
                    let x = Point3::from(inv * Vector3::new(-planes[a].1, -planes[b].1, -planes[c].1));
                    if planes.iter().all(|(n, d)| n.dot(&x.coords) + d <= tol * 10.0)
                        && !vertices.iter().any(|v| (v - x).norm() < tol * 100.0)
                    {
                        vertices.push(x);
                    }
                }
            }
        }
        if vertices.len() < 4 {
            return None;
        }
        let mut faces = Vec::new();
        let mut seen: HashSet<Vec<usize>> = HashSet::new();
        for (n, d) in &planes {
            let mut on: Vec<usize> =
                (0..vertices.len()).filter(|&i| (n.dot(&vertices[i].coords) + d).abs() < tol * 100.0).collect();
            if on.len() < 3 || !seen.insert(on.clone()) {
                continue;
            }
            let centroid = on.iter().fold(Vector3::zeros(), |s, &i| s + vertices[i].coords) / on.len() as f64;
            let u = (vertices[on[0]].coords - centroid).normalize();
            let v = n.cross(&u);
            on.sort_by(|&i, &j| {
                let angle = |k: usize| {
                    let r = vertices[k].coords - centroid;
                    r.dot(&v).atan2(r.dot(&u))
                };
                angle(i).total_cmp(&angle(j))
            });
            faces.push(on);
        }
        if faces.len() < 4 {
            return None;
        }
        Some(Self { planes, vertices, faces })
    }

    /// `true` when `p` satisfies every half-space (within `tol`).
    pub fn contains(&self, p: &Point3<f32>, tol: f64) -> bool {
        let p = p.cast::<f64>();
        self.planes.iter().all(|(n, d)| n.dot(&p.coords) + d <= tol)
    }

    /// The polytope as a closed triangle mesh (faces fan-triangulated, outward).
    pub fn mesh(&self) -> TriangleMesh {
        let vertices = self.vertices.iter().map(|v| v.cast::<f32>()).collect();
        let mut faces = Vec::new();
        for f in &self.faces {
            for k in 1..f.len() - 1 {
                faces.push([f[0] as u32, f[k] as u32, f[k + 1] as u32]);
            }
        }
        TriangleMesh { vertices, faces }
    }
}

/// The intersection of half-planes with the square `[lo, hi]²`, as a counter-clockwise
/// polygon; `None` when it has no area.
pub fn halfplane_polygon(halfplanes: &[HalfPlane], lo: f64, hi: f64) -> Option<Vec<Point2<f64>>> {
    let bounds = [
        (Vector2::new(1.0, 0.0), -hi),
        (Vector2::new(-1.0, 0.0), lo),
        (Vector2::new(0.0, 1.0), -hi),
        (Vector2::new(0.0, -1.0), lo),
    ];
    let mut lines = Vec::new();
    for (n, d) in halfplanes.iter().chain(bounds.iter()) {
        match normalise(n, *d) {
            Ok(Some(p)) => lines.push(p),
            Ok(None) => {}
            Err(()) => return None,
        }
    }
    let tol = EPS * (1.0 + hi - lo);
    let mut pts: Vec<Point2<f64>> = Vec::new();
    for a in 0..lines.len() {
        for b in a + 1..lines.len() {
            let mat = Matrix2::from_rows(&[lines[a].0.transpose(), lines[b].0.transpose()]);
            let Some(inv) = mat.try_inverse().filter(|_| mat.determinant().abs() > 1e-9) else { continue };
            let x = Point2::from(inv * Vector2::new(-lines[a].1, -lines[b].1));
            if lines.iter().all(|(n, d)| n.dot(&x.coords) + d <= tol * 10.0)
                && !pts.iter().any(|p| (p - x).norm() < tol * 100.0)
            {
                pts.push(x);
            }
        }
    }
    if pts.len() < 3 {
        return None;
    }
    let c = pts.iter().fold(Vector2::zeros(), |s, p| s + p.coords) / pts.len() as f64;
    pts.sort_by(|p, q| (p.y - c.y).atan2(p.x - c.x).total_cmp(&(q.y - c.y).atan2(q.x - c.x)));
    let area: f64 = (0..pts.len())
        .map(|i| {
            let (p, q) = (pts[i], pts[(i + 1) % pts.len()]);
            p.x * q.y - q.x * p.y
        })
        .sum::<f64>()
        * 0.5;
    (area > 1e-12).then_some(pts)
}

/// `true` when `p` lies inside the convex counter-clockwise polygon `poly`.
pub fn polygon_contains(poly: &[Point2<f64>], p: &Point2<f64>) -> bool {
    (0..poly.len()).all(|i| {
        let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
        (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x) >= -1e-12
    })
}
