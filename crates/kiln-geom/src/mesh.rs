//! [`TriangleMesh`]: indexed triangles.

use nalgebra::{Point3, Vector3};

use crate::aabb::Aabb;
use crate::error::{GeomError, Result};

/// An indexed triangle mesh; faces are counter-clockwise seen from outside.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TriangleMesh {
    /// Vertex positions.
    pub vertices: Vec<Point3<f32>>,
    /// Triangles as indices into `vertices`.
    pub faces: Vec<[u32; 3]>,
}

impl TriangleMesh {
    /// A mesh from vertices and faces; fails when a face refers to a missing vertex.
    pub fn new(vertices: Vec<Point3<f32>>, faces: Vec<[u32; 3]>) -> Result<Self> {
        let n = vertices.len();
        if let Some((f, &i)) =
            faces.iter().enumerate().find_map(|(f, tri)| tri.iter().find(|&&i| i as usize >= n).map(|i| (f, i)))
        {
            return Err(GeomError::Invalid(format!("face {f} refers to vertex {i} of {n}")));
        }
        Ok(Self { vertices, faces })
    }

    /// The three corners of face `f`.
    pub fn triangle(&self, f: usize) -> [Point3<f32>; 3] {
        let [a, b, c] = self.faces[f];
        [self.vertices[a as usize], self.vertices[b as usize], self.vertices[c as usize]]
    }

    /// Unnormalised normal `(b − a) × (c − a)` of face `f` (length = twice the area).
    pub fn face_cross(&self, f: usize) -> Vector3<f32> {
        let [a, b, c] = self.triangle(f);
        (b - a).cross(&(c - a))
    }

    /// Unit normal of face `f` (zero for a degenerate face).
    pub fn face_normal(&self, f: usize) -> Vector3<f32> {
        self.face_cross(f).try_normalize(0.0).unwrap_or_else(Vector3::zeros)
    }

    /// Area of face `f`.
    pub fn face_area(&self, f: usize) -> f32 {
        0.5 * self.face_cross(f).norm()
    }

    /// Total surface area.
    pub fn area(&self) -> f32 {
        (0..self.faces.len()).map(|f| self.face_area(f)).sum()
    }

    /// Signed volume (divergence theorem; positive for an outward-oriented closed mesh).
    pub fn signed_volume(&self) -> f32 {
        (0..self.faces.len())
            .map(|f| {
                let [a, b, c] = self.triangle(f);
                a.coords.dot(&b.coords.cross(&c.coords)) / 6.0
            })
            .sum()
    }

    /// Bounding box (`None` when there are no vertices).
    pub fn bounds(&self) -> Option<Aabb> {
        Aabb::from_points(&self.vertices)
    }

    /// Appends `other`'s vertices and faces (a union without boolean merging).
    pub fn append(&mut self, other: &TriangleMesh) {
        let offset = self.vertices.len() as u32;
        self.vertices.extend_from_slice(&other.vertices);
        self.faces.extend(other.faces.iter().map(|f| [f[0] + offset, f[1] + offset, f[2] + offset]));
    }

    /// Concatenation of several meshes.
    pub fn concat<'a>(meshes: impl IntoIterator<Item = &'a TriangleMesh>) -> Self {
        let mut out = Self::default();
        for m in meshes {
            out.append(m);
        }
        out
    }

    /// `true` when every undirected edge is shared by exactly two faces (closed 2-manifold
    /// without boundary, the precondition of inside/outside tests).
    pub fn is_closed(&self) -> bool {
        let mut edges = std::collections::HashMap::new();
        for f in &self.faces {
            for k in 0..3 {
                let (a, b) = (f[k], f[(k + 1) % 3]);
                *edges.entry((a.min(b), a.max(b))).or_insert(0usize) += 1;
            }
        }
        !edges.is_empty() && edges.values().all(|&c| c == 2)
    }

    /// An axis-aligned box mesh (12 triangles, outward).
    pub fn cuboid(b: &Aabb) -> Self {
        let (lo, hi) = (b.min, b.max);
        let vertices = (0..8)
            .map(|i| {
                Point3::new(
                    if i & 1 == 0 { lo.x } else { hi.x },
                    if i & 2 == 0 { lo.y } else { hi.y },
                    if i & 4 == 0 { lo.z } else { hi.z },
                )
            })
            .collect();
        let faces = vec![
            [0, 2, 3],
            [0, 3, 1],
            [4, 5, 7],
            [4, 7, 6],
            [0, 1, 5],
            [0, 5, 4],
            [2, 6, 7],
            [2, 7, 3],
            [0, 4, 6],
            [0, 6, 2],
            [1, 3, 7],
            [1, 7, 5],
        ];
        Self { vertices, faces }
    }
}
