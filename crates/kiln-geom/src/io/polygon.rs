//! Faces: checking a polygon's corners against the vertices and fan-triangulating it.

use std::path::Path;

use crate::error::{GeomError, Result};

/// Checks polygon `poly` (0-based corner indices) of face `face`: at least three corners
/// ([`GeomError::TooFewCorners`]), every index a vertex ([`GeomError::FaceIndexOutOfRange`]);
/// then fan-triangulates it into `faces`.
pub(crate) fn add_polygon(
    path: &Path,
    face: usize,
    poly: &[i64],
    vertices: usize,
    faces: &mut Vec<[u32; 3]>,
) -> Result<()> {
    if poly.len() < 3 {
        return Err(GeomError::TooFewCorners { path: path.to_path_buf(), face, corners: poly.len() });
    }
    let corner = |i: i64| -> Result<u32> {
        usize::try_from(i)
            .ok()
            .filter(|&u| u < vertices)
            .and_then(|u| u32::try_from(u).ok())
            .ok_or_else(|| GeomError::FaceIndexOutOfRange { path: path.to_path_buf(), face, index: i, vertices })
    };
    let first = corner(poly[0])?;
    let mut previous = corner(poly[1])?;
    for &i in &poly[2..] {
        let next = corner(i)?;
        faces.push([first, previous, next]);
        previous = next;
    }
    Ok(())
}
