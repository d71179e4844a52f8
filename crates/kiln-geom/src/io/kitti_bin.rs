//! KITTI Velodyne `.bin` scans and nuScenes `.pcd.bin` sweeps: a headerless array of
//! little-endian `f32` records, one per point: `x y z intensity` (KITTI, 16 bytes) or
//! `x y z intensity ring` (nuScenes, 20 bytes) (Geiger et al., "Vision meets Robotics: The KITTI
//! Dataset", IJRR 2013; the nuScenes devkit's `LidarPointCloud.from_file`).
//!
//! Refused with a typed error: a length that is not a multiple of the record
//! ([`GeomError::Misaligned`]), an empty file ([`GeomError::EmptyScan`]), a NaN or infinite value
//! ([`GeomError::NonFinite`], naming the point). Reading allocates in proportion to the file.
//! Writing refuses what reading would (an empty scan, a non-finite value), so every written
//! file reads back.

use std::path::Path;

use nalgebra::Point3;

use super::{read_bytes, write_bytes};
use crate::error::{GeomError, Result};
use crate::lidar::scan::LidarScan;

/// The record layout of a `.bin` scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BinLayout {
    /// KITTI: `x y z intensity`, 4 × f32 = 16 bytes per point.
    #[default]
    Kitti,
    /// nuScenes: `x y z intensity ring`, 5 × f32 = 20 bytes per point.
    NuScenes,
}

impl BinLayout {
    /// `f32` values per point.
    pub fn floats(self) -> usize {
        match self {
            Self::Kitti => 4,
            Self::NuScenes => 5,
        }
    }

    /// Bytes per point.
    pub fn stride(self) -> usize {
        4 * self.floats()
    }

    /// The layout a path suggests: nuScenes for names ending in `.pcd.bin`, KITTI otherwise.
    pub fn from_path(path: &Path) -> Self {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.to_ascii_lowercase().ends_with(".pcd.bin") { Self::NuScenes } else { Self::Kitti }
    }
}

/// Reads a `.bin` scan in `layout` (rings are filled for [`BinLayout::NuScenes`]).
pub fn read_bin(path: impl AsRef<Path>, layout: BinLayout) -> Result<LidarScan> {
    let path = path.as_ref();
    parse_bin(path, &read_bytes(path)?, layout)
}

/// Parses `.bin` bytes in `layout`; `path` names the source in errors.
pub fn parse_bin(path: &Path, bytes: &[u8], layout: BinLayout) -> Result<LidarScan> {
    let stride = layout.stride();
    if bytes.is_empty() {
        return Err(GeomError::EmptyScan { path: path.to_path_buf() });
    }
    if !bytes.len().is_multiple_of(stride) {
        return Err(GeomError::Misaligned { path: path.to_path_buf(), len: bytes.len(), stride });
    }
    let n = bytes.len() / stride;
    let mut positions = Vec::with_capacity(n);
    let mut intensities = Vec::with_capacity(n);
    let mut rings = (layout == BinLayout::NuScenes).then(|| Vec::with_capacity(n));
    let mut values = [0.0f32; 5];
    for (i, record) in bytes.chunks_exact(stride).enumerate() {
        for (slot, word) in values.iter_mut().zip(record.chunks_exact(4)) {
            let v = f32::from_le_bytes([word[0], word[1], word[2], word[3]]);
            if !v.is_finite() {
                return Err(GeomError::NonFinite {
                    path: path.to_path_buf(),
                    element: "point",
                    index: i,
                    value: v.to_string(),
                });
            }
            *slot = v;
        }
        positions.push(Point3::new(values[0], values[1], values[2]));
        intensities.push(values[3]);
        if let Some(r) = rings.as_mut() {
            r.push(values[4]);
        }
    }
    Ok(LidarScan { positions, intensities, rings, labels: None })
}

/// The `.bin` bytes of `scan` in `layout`. [`BinLayout::NuScenes`] needs the scan's rings.
/// What [`parse_bin`] would refuse is refused here too ([`GeomError::Invalid`]): a scan with
/// inconsistent columns, no points, or a non-finite value among those written.
pub fn bin_to_bytes(scan: &LidarScan, layout: BinLayout) -> Result<Vec<u8>> {
    scan.validate()?;
    if scan.is_empty() {
        return Err(GeomError::Invalid("an empty scan cannot be written: `.bin` readers refuse empty files".into()));
    }
    let rings = match (layout, &scan.rings) {
        (BinLayout::Kitti, _) => None,
        (BinLayout::NuScenes, Some(r)) => Some(r),
        (BinLayout::NuScenes, None) => {
            return Err(GeomError::Invalid("the nuScenes layout needs ring indices".into()));
        }
    };
    let mut out = Vec::with_capacity(scan.len() * layout.stride());
    for (i, (p, &intensity)) in scan.positions.iter().zip(&scan.intensities).enumerate() {
        let ring = rings.and_then(|r| r.get(i).copied());
        for v in [p.x, p.y, p.z, intensity].into_iter().chain(ring) {
            if !v.is_finite() {
                return Err(GeomError::Invalid(format!("point {i} has the non-finite value {v}")));
            }
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    Ok(out)
}

/// Writes `scan` as a `.bin` file in `layout` (creating the directory).
pub fn write_bin(path: impl AsRef<Path>, scan: &LidarScan, layout: BinLayout) -> Result<()> {
    write_bytes(path.as_ref(), &bin_to_bytes(scan, layout)?)
}
