//! [`PointCloud`]: positions with optional per-point normals, colours, intensities and labels.

use nalgebra::{Point3, Vector3};

use crate::aabb::Aabb;
use crate::error::{GeomError, Result};

/// A set of 3-D points with optional attributes; every present attribute has one entry per point.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PointCloud {
    /// Positions.
    pub positions: Vec<Point3<f32>>,
    /// Unit normals, one per point, if known.
    pub normals: Option<Vec<Vector3<f32>>>,
    /// RGB colours in `[0, 1]`, one per point, if known.
    pub colors: Option<Vec<[f32; 3]>>,
    /// Return intensities (LiDAR reflectance, PLY `intensity`), one per point, if known.
    pub intensities: Option<Vec<f32>>,
    /// Integer labels (part or class), one per point, if known.
    pub labels: Option<Vec<u32>>,
}

impl PointCloud {
    /// A cloud of positions only.
    pub fn new(positions: Vec<Point3<f32>>) -> Self {
        Self { positions, ..Self::default() }
    }

    /// Adds normals (must have one per point).
    pub fn with_normals(mut self, normals: Vec<Vector3<f32>>) -> Result<Self> {
        self.check_len("normals", normals.len())?;
        self.normals = Some(normals);
        Ok(self)
    }

    /// Adds colours (must have one per point).
    pub fn with_colors(mut self, colors: Vec<[f32; 3]>) -> Result<Self> {
        self.check_len("colors", colors.len())?;
        self.colors = Some(colors);
        Ok(self)
    }

    /// Adds intensities (must have one per point).
    pub fn with_intensities(mut self, intensities: Vec<f32>) -> Result<Self> {
        self.check_len("intensities", intensities.len())?;
        self.intensities = Some(intensities);
        Ok(self)
    }

    /// Adds labels (must have one per point).
    pub fn with_labels(mut self, labels: Vec<u32>) -> Result<Self> {
        self.check_len("labels", labels.len())?;
        self.labels = Some(labels);
        Ok(self)
    }

    fn check_len(&self, what: &str, n: usize) -> Result<()> {
        if n == self.positions.len() {
            Ok(())
        } else {
            Err(GeomError::Invalid(format!("{n} {what} for {} points", self.positions.len())))
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// `true` when the cloud has no points.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// The smallest box holding every point (`None` for an empty cloud).
    pub fn bounds(&self) -> Option<Aabb> {
        Aabb::from_points(&self.positions)
    }

    /// The points at `indices`, with their attributes.
    pub fn select(&self, indices: &[usize]) -> Self {
        let pick = |i: &usize| self.positions[*i];
        Self {
            positions: indices.iter().map(pick).collect(),
            normals: self.normals.as_ref().map(|n| indices.iter().map(|&i| n[i]).collect()),
            colors: self.colors.as_ref().map(|c| indices.iter().map(|&i| c[i]).collect()),
            intensities: self.intensities.as_ref().map(|v| indices.iter().map(|&i| v[i]).collect()),
            labels: self.labels.as_ref().map(|l| indices.iter().map(|&i| l[i]).collect()),
        }
    }
}
