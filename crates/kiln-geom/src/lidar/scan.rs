//! [`LidarScan`]: one LiDAR sweep as columns (positions, intensities, optional ring indices and
//! labels), and [`SemanticLabel`] / [`LidarClass`], SemanticKITTI's per-point labels.

use nalgebra::Point3;

use crate::cloud::PointCloud;
use crate::error::{GeomError, Result};

/// A SemanticKITTI point label: one `u32` with the semantic class in the low 16 bits and the
/// instance id in the high 16 bits, `raw = instance << 16 | class`
/// (Behley et al., "SemanticKITTI", ICCV 2019, devkit `README`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SemanticLabel {
    /// Semantic class id (SemanticKITTI's raw ids: 0 unlabeled, 10 car, 40 road, 51 fence, …).
    pub class: u16,
    /// Instance id (0 for "stuff" such as road and fence).
    pub instance: u16,
}

impl SemanticLabel {
    /// A label of `class` and `instance`.
    pub fn new(class: u16, instance: u16) -> Self {
        Self { class, instance }
    }

    /// Splits a raw `.label` word: class = `raw & 0xFFFF`, instance = `raw >> 16`.
    pub fn from_raw(raw: u32) -> Self {
        Self { class: (raw & 0xFFFF) as u16, instance: (raw >> 16) as u16 }
    }

    /// The raw `.label` word `instance << 16 | class`.
    pub fn to_raw(self) -> u32 {
        (u32::from(self.instance) << 16) | u32::from(self.class)
    }
}

/// The classes the scan simulator produces, with SemanticKITTI's raw class ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LidarClass {
    /// No return or unknown (id 0).
    Unlabeled,
    /// A car (id 10): the opponents.
    Car,
    /// Drivable ground (id 40, "road").
    Road,
    /// Track walls and barriers (id 51, "fence").
    Fence,
}

impl LidarClass {
    /// The SemanticKITTI raw class id.
    pub fn id(self) -> u16 {
        match self {
            Self::Unlabeled => 0,
            Self::Car => 10,
            Self::Road => 40,
            Self::Fence => 51,
        }
    }

    /// The class of a raw id, if it is one of these four.
    pub fn from_id(id: u16) -> Option<Self> {
        match id {
            0 => Some(Self::Unlabeled),
            10 => Some(Self::Car),
            40 => Some(Self::Road),
            51 => Some(Self::Fence),
            _ => None,
        }
    }

    /// A label of this class and `instance`.
    pub fn label(self, instance: u16) -> SemanticLabel {
        SemanticLabel::new(self.id(), instance)
    }
}

/// One LiDAR sweep, column-wise; every present column has one entry per point.
///
/// Positions are in the sensor frame as in KITTI: `x` forward, `y` left, `z` up, metres.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LidarScan {
    /// Point positions.
    pub positions: Vec<Point3<f32>>,
    /// Return intensities (KITTI: reflectance in `[0, 1]`).
    pub intensities: Vec<f32>,
    /// Ring (laser beam) index per point, stored as `f32` as nuScenes does, if known.
    pub rings: Option<Vec<f32>>,
    /// Per-point labels, if known.
    pub labels: Option<Vec<SemanticLabel>>,
}

impl LidarScan {
    /// A scan of positions and intensities (one each per point).
    pub fn new(positions: Vec<Point3<f32>>, intensities: Vec<f32>) -> Result<Self> {
        let scan = Self { positions, intensities, rings: None, labels: None };
        scan.validate()?;
        Ok(scan)
    }

    /// Adds ring indices (one per point).
    pub fn with_rings(mut self, rings: Vec<f32>) -> Result<Self> {
        self.check_len("rings", rings.len())?;
        self.rings = Some(rings);
        Ok(self)
    }

    /// Adds labels (one per point).
    pub fn with_labels(mut self, labels: Vec<SemanticLabel>) -> Result<Self> {
        self.check_len("labels", labels.len())?;
        self.labels = Some(labels);
        Ok(self)
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// `true` when the scan has no points.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// Checks that every present column has one entry per point.
    pub fn validate(&self) -> Result<()> {
        self.check_len("intensities", self.intensities.len())?;
        if let Some(r) = &self.rings {
            self.check_len("rings", r.len())?;
        }
        if let Some(l) = &self.labels {
            self.check_len("labels", l.len())?;
        }
        Ok(())
    }

    fn check_len(&self, what: &str, n: usize) -> Result<()> {
        if n == self.positions.len() {
            Ok(())
        } else {
            Err(GeomError::Invalid(format!("{n} {what} for {} points", self.positions.len())))
        }
    }

    /// The scan as a [`PointCloud`]: positions, and the semantic class of each label as the
    /// cloud's label (intensities and rings are dropped).
    pub fn to_cloud(&self) -> PointCloud {
        PointCloud {
            positions: self.positions.clone(),
            labels: self.labels.as_ref().map(|l| l.iter().map(|x| u32::from(x.class)).collect()),
            ..PointCloud::default()
        }
    }
}
