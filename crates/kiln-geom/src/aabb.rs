//! [`Aabb`]: axis-aligned bounding boxes.

use nalgebra::{Point3, Vector3};

/// An axis-aligned box `[min, max]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Aabb {
    /// Lower corner.
    pub min: Point3<f32>,
    /// Upper corner.
    pub max: Point3<f32>,
}

impl Aabb {
    /// A box from its corners.
    pub fn new(min: Point3<f32>, max: Point3<f32>) -> Self {
        Self { min, max }
    }

    /// The cube `[-h, h]³`.
    pub fn cube(half: f32) -> Self {
        Self::new(Point3::new(-half, -half, -half), Point3::new(half, half, half))
    }

    /// The smallest box containing `points` (`None` when empty).
    pub fn from_points(points: &[Point3<f32>]) -> Option<Self> {
        let first = points.first()?;
        let mut b = Self::new(*first, *first);
        for p in points {
            b.min = b.min.inf(p);
            b.max = b.max.sup(p);
        }
        Some(b)
    }

    /// Edge lengths.
    pub fn extent(&self) -> Vector3<f32> {
        self.max - self.min
    }

    /// Centre point.
    pub fn center(&self) -> Point3<f32> {
        nalgebra::center(&self.min, &self.max)
    }

    /// `true` when `p` lies inside or on the box.
    pub fn contains(&self, p: &Point3<f32>) -> bool {
        (0..3).all(|i| p[i] >= self.min[i] && p[i] <= self.max[i])
    }

    /// The smallest box containing both.
    pub fn union(&self, other: &Self) -> Self {
        Self::new(self.min.inf(&other.min), self.max.sup(&other.max))
    }

    /// The six half-spaces `n·x + d ≤ 0` whose intersection is the box (outward normals).
    pub fn planes(&self) -> [(Vector3<f64>, f64); 6] {
        let (lo, hi) = (self.min.cast::<f64>(), self.max.cast::<f64>());
        [
            (Vector3::new(1.0, 0.0, 0.0), -hi.x),
            (Vector3::new(-1.0, 0.0, 0.0), lo.x),
            (Vector3::new(0.0, 1.0, 0.0), -hi.y),
            (Vector3::new(0.0, -1.0, 0.0), lo.y),
            (Vector3::new(0.0, 0.0, 1.0), -hi.z),
            (Vector3::new(0.0, 0.0, -1.0), lo.z),
        ]
    }
}
