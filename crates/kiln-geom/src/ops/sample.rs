//! Area-weighted surface sampling: a face is chosen with probability proportional to its area,
//! then a point uniformly inside it by the square-root barycentric map
//! `p = (1 − √u) a + √u (1 − v) b + √u v c` (Osada et al. 2002, §4.2).

use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::cloud::PointCloud;
use crate::error::{GeomError, Result};
use crate::mesh::TriangleMesh;

/// `n` points on the surface of `mesh`, each with its face's unit normal; deterministic by `seed`.
pub fn sample_surface(mesh: &TriangleMesh, n: usize, seed: u64) -> Result<PointCloud> {
    let mut cumulative = Vec::with_capacity(mesh.faces.len());
    let mut total = 0.0f64;
    for f in 0..mesh.faces.len() {
        total += mesh.face_area(f) as f64;
        cumulative.push(total);
    }
    if total <= 0.0 {
        return Err(GeomError::Invalid("cannot sample a mesh of zero area".into()));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut positions = Vec::with_capacity(n);
    let mut normals = Vec::with_capacity(n);
    for _ in 0..n {
        let t = rng.random::<f64>() * total;
        let f = cumulative.partition_point(|&c| c < t).min(mesh.faces.len() - 1);
        let [a, b, c] = mesh.triangle(f);
        let (u, v): (f32, f32) = (rng.random(), rng.random());
        let su = u.sqrt();
        let p = a.coords * (1.0 - su) + b.coords * (su * (1.0 - v)) + c.coords * (su * v);
        positions.push(p.into());
        normals.push(mesh.face_normal(f));
    }
    PointCloud::new(positions).with_normals(normals)
}
