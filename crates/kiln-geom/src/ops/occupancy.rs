//! Inside/outside for closed meshes by the generalised winding number (Jacobson et al.,
//! SIGGRAPH 2013): `w(p) = Σ_f Ω_f(p) / 4π`, with each triangle's signed solid angle from
//! Van Oosterom & Strackee: `tan(Ω/2) = a·(b×c) / (|a||b||c| + (a·b)|c| + (b·c)|a| + (c·a)|b|)`
//! where `a, b, c` are the corners relative to `p`. `w ≈ 1` inside, `≈ 0` outside, robust to
//! rays grazing edges (unlike ray parity).

use nalgebra::Point3;

use crate::mesh::TriangleMesh;

/// The winding number of `mesh` around `p`.
pub fn winding_number(mesh: &TriangleMesh, p: &Point3<f32>) -> f64 {
    let p = p.cast::<f64>();
    let mut total = 0.0;
    for f in &mesh.faces {
        let a = mesh.vertices[f[0] as usize].cast::<f64>() - p;
        let b = mesh.vertices[f[1] as usize].cast::<f64>() - p;
        let c = mesh.vertices[f[2] as usize].cast::<f64>() - p;
        let (la, lb, lc) = (a.norm(), b.norm(), c.norm());
        let num = a.dot(&b.cross(&c));
        let den = la * lb * lc + a.dot(&b) * lc + b.dot(&c) * la + c.dot(&a) * lb;
        total += 2.0 * num.atan2(den);
    }
    total / (4.0 * std::f64::consts::PI)
}

/// `true` when `p` is inside the closed, outward-oriented `mesh` (winding number > ½).
pub fn is_inside(mesh: &TriangleMesh, p: &Point3<f32>) -> bool {
    winding_number(mesh, p) > 0.5
}
