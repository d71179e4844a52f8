//! 3-D procedural shapes: unions of convex primitives (box, cylinder, sphere, wedge), each an
//! exact occupancy function and a closed triangle mesh.

use nalgebra::{Point3, Vector3};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::aabb::Aabb;
use crate::cloud::PointCloud;
use crate::error::Result;
use crate::mesh::TriangleMesh;
use crate::ops::normalize::Normalization;
use crate::ops::sample::sample_surface;
use crate::ops::voxel::VoxelGrid;

/// A convex solid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Primitive {
    /// Axis-aligned box `|x − c| ≤ h` per axis.
    Box {
        /// Centre.
        center: Point3<f32>,
        /// Half extents.
        half: Vector3<f32>,
    },
    /// Sphere `‖x − c‖ ≤ r`.
    Sphere {
        /// Centre.
        center: Point3<f32>,
        /// Radius.
        radius: f32,
    },
    /// Cylinder along z: `(x−cx)² + (y−cy)² ≤ r²`, `|z − cz| ≤ h`.
    Cylinder {
        /// Centre.
        center: Point3<f32>,
        /// Radius.
        radius: f32,
        /// Half height.
        half_height: f32,
    },
    /// Wedge: the box's half below the diagonal plane through its top-left and bottom-right
    /// edges, i.e. `u + v ≤ 1` with `u = (x − x₀)/(2hₓ)`, `v = (y − y₀)/(2h_y)`; a triangular
    /// prism along z.
    Wedge {
        /// Centre of the bounding box.
        center: Point3<f32>,
        /// Half extents of the bounding box.
        half: Vector3<f32>,
    },
}

impl Primitive {
    /// The solid mapped by the similarity `n` (centre moved, sizes scaled).
    pub fn mapped(&self, n: &Normalization) -> Self {
        let s = n.scale;
        match *self {
            Self::Box { center, half } => Self::Box { center: n.apply(&center), half: half * s },
            Self::Sphere { center, radius } => Self::Sphere { center: n.apply(&center), radius: radius * s },
            Self::Cylinder { center, radius, half_height } => {
                Self::Cylinder { center: n.apply(&center), radius: radius * s, half_height: half_height * s }
            }
            Self::Wedge { center, half } => Self::Wedge { center: n.apply(&center), half: half * s },
        }
    }

    /// `true` when `p` is inside or on the solid.
    pub fn contains(&self, p: &Point3<f32>) -> bool {
        match *self {
            Self::Box { center, half } => (p - center).abs().iter().zip(half.iter()).all(|(d, h)| d <= h),
            Self::Sphere { center, radius } => (p - center).norm_squared() <= radius * radius,
            Self::Cylinder { center, radius, half_height } => {
                let d = p - center;
                d.x * d.x + d.y * d.y <= radius * radius && d.z.abs() <= half_height
            }
            Self::Wedge { center, half } => {
                let d = p - center;
                let inside_box = d.abs().iter().zip(half.iter()).all(|(d, h)| d <= h);
                let (u, v) = ((d.x + half.x) / (2.0 * half.x), (d.y + half.y) / (2.0 * half.y));
                inside_box && u + v <= 1.0
            }
        }
    }

    /// A closed, outward-oriented mesh (`segments` around curved surfaces).
    pub fn mesh(&self, segments: usize) -> TriangleMesh {
        let segments = segments.max(3);
        match *self {
            Self::Box { center, half } => TriangleMesh::cuboid(&Aabb::new(center - half, center + half)),
            Self::Sphere { center, radius } => uv_sphere(center, radius, segments),
            Self::Cylinder { center, radius, half_height } => cylinder(center, radius, half_height, segments),
            Self::Wedge { center, half } => {
                let corner = |x: f32, y: f32, z: f32| center + Vector3::new(x * half.x, y * half.y, z * half.z);
                let vertices = vec![
                    corner(-1.0, -1.0, -1.0),
                    corner(1.0, -1.0, -1.0),
                    corner(-1.0, 1.0, -1.0),
                    corner(-1.0, -1.0, 1.0),
                    corner(1.0, -1.0, 1.0),
                    corner(-1.0, 1.0, 1.0),
                ];
                let faces =
                    vec![[0, 2, 1], [3, 4, 5], [0, 1, 4], [0, 4, 3], [0, 3, 5], [0, 5, 2], [1, 2, 5], [1, 5, 4]];
                TriangleMesh { vertices, faces }
            }
        }
    }
}

fn uv_sphere(c: Point3<f32>, r: f32, seg: usize) -> TriangleMesh {
    let rings = seg / 2 + 1;
    let mut vertices = vec![c + Vector3::new(0.0, 0.0, r)];
    for i in 1..rings {
        let theta = std::f32::consts::PI * i as f32 / rings as f32;
        for j in 0..seg {
            let phi = std::f32::consts::TAU * j as f32 / seg as f32;
            vertices.push(c + r * Vector3::new(theta.sin() * phi.cos(), theta.sin() * phi.sin(), theta.cos()));
        }
    }
    let bottom = vertices.len() as u32;
    vertices.push(c + Vector3::new(0.0, 0.0, -r));
    let ring = |i: usize, j: usize| (1 + (i - 1) * seg + j % seg) as u32;
    let mut faces = Vec::new();
    for j in 0..seg {
        faces.push([0, ring(1, j), ring(1, j + 1)]);
        faces.push([bottom, ring(rings - 1, j + 1), ring(rings - 1, j)]);
    }
    for i in 1..rings - 1 {
        for j in 0..seg {
            faces.push([ring(i, j), ring(i + 1, j), ring(i + 1, j + 1)]);
            faces.push([ring(i, j), ring(i + 1, j + 1), ring(i, j + 1)]);
        }
    }
    TriangleMesh { vertices, faces }
}

fn cylinder(c: Point3<f32>, r: f32, h: f32, seg: usize) -> TriangleMesh {
    let mut vertices = vec![c + Vector3::new(0.0, 0.0, -h), c + Vector3::new(0.0, 0.0, h)];
    for z in [-h, h] {
        for j in 0..seg {
            let phi = std::f32::consts::TAU * j as f32 / seg as f32;
            vertices.push(c + Vector3::new(r * phi.cos(), r * phi.sin(), z));
        }
    }
    let lo = |j: usize| (2 + j % seg) as u32;
    let hi = |j: usize| (2 + seg + j % seg) as u32;
    let mut faces = Vec::new();
    for j in 0..seg {
        faces.push([0, lo(j + 1), lo(j)]);
        faces.push([1, hi(j), hi(j + 1)]);
        faces.push([lo(j), lo(j + 1), hi(j + 1)]);
        faces.push([lo(j), hi(j + 1), hi(j)]);
    }
    TriangleMesh { vertices, faces }
}

/// A union of primitives.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PrimitiveUnion {
    /// The parts.
    pub parts: Vec<Primitive>,
}

impl PrimitiveUnion {
    /// A random union of 2–4 primitives inside `[-0.45, 0.45]³`, deterministic by `seed`.
    pub fn random(seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let n = rng.random_range(2..=4);
        let mut parts = Vec::with_capacity(n);
        for _ in 0..n {
            let size = |rng: &mut StdRng| rng.random_range(0.08f32..0.22);
            let half = Vector3::new(size(&mut rng), size(&mut rng), size(&mut rng));
            let reach = 0.45 - half.max();
            let center = Point3::new(
                rng.random_range(-reach..reach),
                rng.random_range(-reach..reach),
                rng.random_range(-reach..reach),
            );
            parts.push(match rng.random_range(0..4) {
                0 => Primitive::Box { center, half },
                1 => Primitive::Sphere { center, radius: half.max() },
                2 => Primitive::Cylinder { center, radius: half.x.max(half.y), half_height: half.z },
                _ => Primitive::Wedge { center, half },
            });
        }
        Self { parts }
    }

    /// The union mapped by the similarity `n`.
    pub fn mapped(&self, n: &Normalization) -> Self {
        Self { parts: self.parts.iter().map(|p| p.mapped(n)).collect() }
    }

    /// `true` when `p` lies in any part.
    pub fn contains(&self, p: &Point3<f32>) -> bool {
        self.parts.iter().any(|s| s.contains(p))
    }

    /// Occupancy of the cell centres of an `r³` grid over `[-½, ½]³`.
    pub fn voxelize(&self, resolution: usize) -> VoxelGrid {
        VoxelGrid::from_fn(resolution, Aabb::cube(0.5), |p| self.contains(p))
    }

    /// The parts' meshes concatenated (overlapping, not boolean-merged).
    pub fn mesh(&self, segments: usize) -> TriangleMesh {
        let meshes: Vec<TriangleMesh> = self.parts.iter().map(|p| p.mesh(segments)).collect();
        TriangleMesh::concat(&meshes)
    }

    /// About `n` points on the union's outer surface: points sampled on each part (by area)
    /// that lie strictly inside another part are dropped.
    pub fn sample_surface(&self, n: usize, seed: u64) -> Result<PointCloud> {
        let cloud = sample_surface(&self.mesh(24), n, seed)?;
        let keep: Vec<usize> = (0..cloud.len())
            .filter(|&i| {
                let p = cloud.positions[i];
                let inner = p - cloud.normals.as_ref().map_or(Vector3::zeros(), |n| n[i] * 1e-4);
                let outer = p + cloud.normals.as_ref().map_or(Vector3::zeros(), |n| n[i] * 1e-4);
                self.contains(&inner) && !self.contains(&outer)
            })
            .collect();
        Ok(cloud.select(&keep))
    }
}
