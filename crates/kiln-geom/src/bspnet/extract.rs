//! Mesh extraction from the hard phase (§3.5 and the official `test_bsp`): evaluate the
//! convexes `C` on a grid, keep every convex with a grid point inside (`C_j < 0.01`), drop the
//! redundant ones ([`super::cull`]: every grid point they cover is covered by another kept
//! convex), take each kept convex's planes with `T_ij > 0.01` as half-spaces `D_i(x) ≤ 0`,
//! intersect them with the bounding box, and output the union of the polytopes (no boolean
//! merge). In 2-D the result is polygons. Each shape reports its convex count before and after
//! culling; the paper's compactness claim is about the count after.
//!
//! Deviations from the official code: a convex with no active plane (`T_ij ≤ 0.01` for all `i`)
//! is skipped before culling and counted nowhere (the official code skips it too, but only
//! after culling, where its `C_j ≡ 0` covers every voxel and makes earlier convexes look
//! redundant); the hard-phase implicit value ([`hard_occupancy`]) still includes it, so such a
//! model's mesh and implicit output differ. The 2-D extraction culls as well (the official 2-D
//! code does not).

use burn::prelude::{Device, Tensor, TensorData};
use nalgebra::{Point2, Point3, Vector2, Vector3};

use super::cull::cull_redundant;
use super::data::pixel_points;
use super::model::{BspInput, BspNet};
use crate::aabb::Aabb;
use crate::mesh::TriangleMesh;
use crate::ops::voxel::VoxelGrid;
use crate::polytope::{ConvexPolytope, HalfPlane, HalfSpace, halfplane_polygon, polygon_contains};

/// One shape extracted in 3-D: its convex parts.
#[derive(Debug, Clone, Default)]
pub struct BspShape3d {
    /// The kept convexes as polytopes.
    pub polytopes: Vec<ConvexPolytope>,
    /// The convex index `j` (column of T) of each polytope.
    pub convex_ids: Vec<usize>,
    /// Convexes with an active plane and a grid point inside, before redundancy culling.
    pub convexes_before_culling: usize,
}

impl BspShape3d {
    /// The union of the polytopes' meshes (each closed, overlapping, not merged).
    pub fn mesh(&self) -> TriangleMesh {
        let meshes: Vec<TriangleMesh> = self.polytopes.iter().map(ConvexPolytope::mesh).collect();
        TriangleMesh::concat(&meshes)
    }

    /// `true` when `p` lies in some polytope.
    pub fn contains(&self, p: &Point3<f32>) -> bool {
        self.polytopes.iter().any(|c| c.contains(p, 0.0))
    }

    /// Number of convexes used (after culling).
    pub fn num_convexes(&self) -> usize {
        self.polytopes.len()
    }
}

/// One shape extracted in 2-D: its convex polygons in `[-½, ½]²` (coordinates `(row, col)`).
#[derive(Debug, Clone, Default)]
pub struct BspShape2d {
    /// Counter-clockwise convex polygons (after culling).
    pub polygons: Vec<Vec<Point2<f64>>>,
    /// Convexes with an active plane and a grid point inside, before redundancy culling.
    pub convexes_before_culling: usize,
}

impl BspShape2d {
    /// Rasterises the union at pixel centres of a `size²` image, row-major.
    pub fn rasterize(&self, size: usize) -> Vec<bool> {
        pixel_points(size)
            .iter()
            .map(|p| {
                let q = Point2::new(p[0] as f64, p[1] as f64);
                self.polygons.iter().any(|poly| polygon_contains(poly, &q))
            })
            .collect()
    }
}

fn grid_points(points: &[Vec<f32>], batch: usize, device: &Device) -> Tensor<3> {
    let d = points.first().map_or(0, Vec::len);
    let one: Vec<f32> = points.iter().flat_map(|p| p.iter().copied().chain([1.0])).collect();
    let flat: Vec<f32> = (0..batch).flat_map(|_| one.iter().copied()).collect();
    Tensor::from_data(TensorData::new(flat, [batch, points.len(), d + 1]), device)
}

/// A kept convex: its column `j` of T and its half-spaces `(n, d)` (`n·x + d ≤ 0`).
type KeptConvex = (usize, Vec<(Vec<f64>, f64)>);

/// One shape's convexes after culling, and how many were candidates before.
struct ShapeConvexes {
    kept: Vec<KeptConvex>,
    before_culling: usize,
}

/// For each convex `j`, the planes `i` with `T_ij > threshold` (its active planes).
fn active_planes(model: &BspNet) -> Vec<Vec<usize>> {
    let (p, c) = model.sizes();
    let t = model.t_values();
    (0..c).map(|j| (0..p).filter(|&i| (t[i * c + j] as f64) > model.t_threshold).collect()).collect()
}

/// For each shape, the convexes with active planes and a grid point inside, culled.
fn kept_convexes(model: &BspNet, input: BspInput, points: &[Vec<f32>], device: &Device) -> Vec<ShapeConvexes> {
    let planes = model.planes(input);
    let [b, k, p] = planes.dims();
    let hard = model.hard(grid_points(points, b, device), planes.clone());
    let [_, n, c] = hard.convexes.dims();
    let conv = kiln_core::tensor::to_vec(hard.convexes);
    let planes = kiln_core::tensor::to_vec(planes);
    let active = active_planes(model);
    (0..b)
        .map(|s| {
            let mut candidates = Vec::new();
            let mut inside = Vec::new();
            for (j, rows) in active.iter().enumerate().filter(|(_, rows)| !rows.is_empty()) {
                let mask: Vec<bool> =
                    (0..n).map(|i| (conv[(s * n + i) * c + j] as f64) < model.inside_threshold).collect();
                if mask.contains(&true) {
                    candidates.push((j, rows));
                    inside.push(mask);
                }
            }
            let before_culling = candidates.len();
            let kept = candidates
                .into_iter()
                .zip(cull_redundant(&inside))
                .filter(|(_, keep)| *keep)
                .map(|((j, rows), _)| {
                    let halfspaces = rows
                        .iter()
                        .map(|&i| {
                            let col = |r: usize| planes[(s * k + r) * p + i] as f64;
                            ((0..k - 1).map(col).collect(), col(k - 1))
                        })
                        .collect();
                    (j, halfspaces)
                })
                .collect();
            ShapeConvexes { kept, before_culling }
        })
        .collect()
}

/// Extracts the polytopes of every voxel shape in `voxels` (`[b, 1, r, r, r]`), testing the
/// convexes on the cell centres of a `grid³` grid over `[-½, ½]³` and clipping to that box.
pub fn extract_3d(model: &BspNet, voxels: Tensor<5>, grid: usize, device: &Device) -> Vec<BspShape3d> {
    let bounds = Aabb::cube(0.5);
    let centres: Vec<Vec<f32>> = VoxelGrid::new(grid, bounds).centers().iter().map(|c| vec![c.x, c.y, c.z]).collect();
    kept_convexes(model, BspInput::Voxels(voxels), &centres, device)
        .into_iter()
        .map(|shape| {
            let mut out = BspShape3d { convexes_before_culling: shape.before_culling, ..Default::default() };
            for (j, hs) in shape.kept {
                let hs: Vec<HalfSpace> = hs.into_iter().map(|(n, d)| (Vector3::new(n[0], n[1], n[2]), d)).collect();
                if let Some(poly) = ConvexPolytope::from_halfspaces(&hs, &bounds) {
                    out.polytopes.push(poly);
                    out.convex_ids.push(j);
                }
            }
            out
        })
        .collect()
}

/// Extracts the polygons of every image in `images` (`[b, 1, s, s]`), testing the convexes on
/// the pixel centres and clipping to `[-½, ½]²`.
pub fn extract_2d(model: &BspNet, images: Tensor<4>, device: &Device) -> Vec<BspShape2d> {
    let [_, _, s, _] = images.dims();
    kept_convexes(model, BspInput::Image(images), &pixel_points(s), device)
        .into_iter()
        .map(|shape| BspShape2d {
            convexes_before_culling: shape.before_culling,
            polygons: shape
                .kept
                .into_iter()
                .filter_map(|(_, hs)| {
                    let hp: Vec<HalfPlane> = hs.into_iter().map(|(n, d)| (Vector2::new(n[0], n[1]), d)).collect();
                    halfplane_polygon(&hp, -0.5, 0.5)
                })
                .collect(),
        })
        .collect()
}

/// Hard-phase occupancy (`S* < inside_threshold`) of `points` (rows of `d` values) for each
/// shape of `input`.
pub fn hard_occupancy(model: &BspNet, input: BspInput, points: &[Vec<f32>], device: &Device) -> Vec<Vec<bool>> {
    let planes = model.planes(input);
    let [b, _, _] = planes.dims();
    let s = kiln_core::tensor::to_vec(model.hard(grid_points(points, b, device), planes).shape);
    s.chunks(points.len().max(1)).map(|c| c.iter().map(|&v| (v as f64) < model.inside_threshold).collect()).collect()
}

/// Continuous-phase occupancy (`S⁺ > ½`) of `points` for each shape of `input`.
pub fn continuous_occupancy(model: &BspNet, input: BspInput, points: &[Vec<f32>], device: &Device) -> Vec<Vec<bool>> {
    let planes = model.planes(input);
    let [b, _, _] = planes.dims();
    let s = kiln_core::tensor::to_vec(model.continuous(grid_points(points, b, device), planes).shape);
    s.chunks(points.len().max(1)).map(|c| c.iter().map(|&v| v > 0.5).collect()).collect()
}
