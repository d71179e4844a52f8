//! Normalisation to the unit cube (`[-½, ½]³`, BSP-Net's frame) or the unit sphere.

use nalgebra::{Point3, Vector3};

use crate::aabb::Aabb;

/// The similarity applied by a normalisation: `x ↦ (x − center) · scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Normalization {
    /// Subtracted first.
    pub center: Vector3<f32>,
    /// Multiplied after.
    pub scale: f32,
}

impl Normalization {
    /// Applies the map to one point.
    pub fn apply(&self, p: &Point3<f32>) -> Point3<f32> {
        Point3::from((p.coords - self.center) * self.scale)
    }

    /// The inverse map.
    pub fn invert(&self, p: &Point3<f32>) -> Point3<f32> {
        Point3::from(p.coords / self.scale + self.center)
    }
}

/// Centres the bounding box at the origin and scales its longest edge to 1, so the points fit
/// `[-½, ½]³`. Returns the map applied (identity for an empty or degenerate input).
pub fn normalize_unit_cube(points: &mut [Point3<f32>]) -> Normalization {
    let n = cube_fit(points, 1.0);
    points.iter_mut().for_each(|p| *p = n.apply(p));
    n
}

/// The map that centres the bounding box of `points` at the origin and scales its longest edge
/// to `side` (identity for an empty or degenerate input); the points are not changed.
pub fn cube_fit(points: &[Point3<f32>], side: f32) -> Normalization {
    let Some(b) = Aabb::from_points(points) else { return Normalization { center: Vector3::zeros(), scale: 1.0 } };
    let longest = b.extent().max();
    Normalization { center: b.center().coords, scale: if longest > 0.0 { side / longest } else { 1.0 } }
}

/// Centres the bounding box at the origin and scales so the farthest point is at distance 1.
pub fn normalize_unit_sphere(points: &mut [Point3<f32>]) -> Normalization {
    let Some(b) = Aabb::from_points(points) else { return Normalization { center: Vector3::zeros(), scale: 1.0 } };
    let c = b.center().coords;
    let r = points.iter().map(|p| (p.coords - c).norm()).fold(0.0f32, f32::max);
    let n = Normalization { center: c, scale: if r > 0.0 { 1.0 / r } else { 1.0 } };
    points.iter_mut().for_each(|p| *p = n.apply(p));
    n
}
