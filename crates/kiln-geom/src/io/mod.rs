//! Mesh and point-cloud files: [`off`], [`obj`] and [`ply`] (ASCII and binary little-endian),
//! with typed errors ([`crate::GeomError`]) that name the file and the element at fault.
//!
//! Polygons with more than three corners are fan-triangulated on reading. Every reader refuses
//! what it cannot represent faithfully rather than dropping it: counts the file cannot hold
//! (before allocating for them), non-finite coordinates, faces with fewer than three corners or
//! non-integer indices, list lengths that are negative or fractional. Text files may start with
//! a UTF-8 byte-order mark and use `\n` or `\r\n` line ends.

pub mod kitti_bin;
pub mod obj;
pub mod off;
pub mod ply;
mod polygon;
pub mod semantic_label;
mod text;

use std::path::Path;

use crate::error::{GeomError, Result};
use crate::mesh::TriangleMesh;

/// Reads a whole file.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| GeomError::io(path, e))
}

/// Writes a whole file, creating its directory.
pub(crate) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| GeomError::io(dir, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| GeomError::io(path, e))
}

/// The mesh formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeshFormat {
    /// Object File Format (ModelNet).
    Off,
    /// Wavefront OBJ.
    Obj,
    /// Stanford PLY, ASCII.
    PlyAscii,
    /// Stanford PLY, binary little-endian.
    PlyBinary,
}

impl MeshFormat {
    /// The format named by a path's extension (`.ply` means binary on writing).
    pub fn from_path(path: &Path) -> Result<Self> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("off") => Ok(Self::Off),
            Some("obj") => Ok(Self::Obj),
            Some("ply") => Ok(Self::PlyBinary),
            _ => Err(GeomError::UnsupportedFormat { path: path.to_path_buf() }),
        }
    }
}

/// Reads a triangle mesh from an `.off`, `.obj` or `.ply` file.
pub fn read_mesh(path: impl AsRef<Path>) -> Result<TriangleMesh> {
    let path = path.as_ref();
    match MeshFormat::from_path(path)? {
        MeshFormat::Off => off::read(path),
        MeshFormat::Obj => obj::read(path),
        MeshFormat::PlyAscii | MeshFormat::PlyBinary => ply::read_mesh(path),
    }
}

/// Writes a triangle mesh in the format of the path's extension (PLY as binary little-endian).
pub fn write_mesh(path: impl AsRef<Path>, mesh: &TriangleMesh) -> Result<()> {
    let path = path.as_ref();
    write_mesh_as(path, mesh, MeshFormat::from_path(path)?)
}

/// Writes a triangle mesh in `format`.
pub fn write_mesh_as(path: impl AsRef<Path>, mesh: &TriangleMesh, format: MeshFormat) -> Result<()> {
    let bytes = match format {
        MeshFormat::Off => off::to_string(mesh).into_bytes(),
        MeshFormat::Obj => obj::to_string(mesh).into_bytes(),
        MeshFormat::PlyAscii => ply::mesh_to_bytes(mesh, ply::Encoding::Ascii),
        MeshFormat::PlyBinary => ply::mesh_to_bytes(mesh, ply::Encoding::BinaryLittleEndian),
    };
    write_bytes(path.as_ref(), &bytes)
}
