//! SemanticKITTI `.label` files: a headerless array of little-endian `u32`, one per point of
//! the matching `.bin` scan, each `instance << 16 | class` ([`SemanticLabel`]; Behley et al.,
//! "SemanticKITTI: A Dataset for Semantic Scene Understanding of LiDAR Sequences", ICCV 2019).
//!
//! Refused with a typed error: a length that is not a multiple of 4 bytes
//! ([`GeomError::Misaligned`]) and, when the scan's point count is given, a different number of
//! labels ([`GeomError::LabelCountMismatch`]).

use std::path::Path;

use super::{read_bytes, write_bytes};
use crate::error::{GeomError, Result};
use crate::lidar::scan::{LidarScan, SemanticLabel};

/// Bytes per label.
pub const LABEL_STRIDE: usize = 4;

/// Reads a `.label` file; with `points`, the label count must equal it.
pub fn read_labels(path: impl AsRef<Path>, points: Option<usize>) -> Result<Vec<SemanticLabel>> {
    let path = path.as_ref();
    parse_labels(path, &read_bytes(path)?, points)
}

/// Parses `.label` bytes; with `points`, the label count must equal it. `path` names the source
/// in errors.
pub fn parse_labels(path: &Path, bytes: &[u8], points: Option<usize>) -> Result<Vec<SemanticLabel>> {
    if !bytes.len().is_multiple_of(LABEL_STRIDE) {
        return Err(GeomError::Misaligned { path: path.to_path_buf(), len: bytes.len(), stride: LABEL_STRIDE });
    }
    let labels = bytes.len() / LABEL_STRIDE;
    if let Some(points) = points.filter(|&p| p != labels) {
        return Err(GeomError::LabelCountMismatch { path: path.to_path_buf(), labels, points });
    }
    Ok(bytes
        .chunks_exact(LABEL_STRIDE)
        .map(|w| SemanticLabel::from_raw(u32::from_le_bytes([w[0], w[1], w[2], w[3]])))
        .collect())
}

/// Reads the `.label` file of `scan` and attaches its labels (the count must match).
pub fn read_labels_into(path: impl AsRef<Path>, scan: LidarScan) -> Result<LidarScan> {
    let labels = read_labels(path, Some(scan.len()))?;
    scan.with_labels(labels)
}

/// The `.label` bytes of `labels`.
pub fn labels_to_bytes(labels: &[SemanticLabel]) -> Vec<u8> {
    labels.iter().flat_map(|l| l.to_raw().to_le_bytes()).collect()
}

/// Writes `labels` as a `.label` file (creating the directory).
pub fn write_labels(path: impl AsRef<Path>, labels: &[SemanticLabel]) -> Result<()> {
    write_bytes(path.as_ref(), &labels_to_bytes(labels))
}
