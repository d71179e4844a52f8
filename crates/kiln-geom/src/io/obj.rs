//! Wavefront OBJ: `v x y z` and `f a b c …` lines (1-based, negative = relative, `a/t/n`
//! forms accepted); other statements (`vt`, `vn`, `o`, `g`, `usemtl`, …) and values after
//! `x y z` on a `v` line (`w`, colours) are ignored.

use std::fmt::Write as _;
use std::path::Path;

use super::polygon::add_polygon;
use super::read_bytes;
use super::text::{decode, index, point};
use crate::error::{GeomError, Result};
use crate::mesh::TriangleMesh;

/// Reads an OBJ file.
pub fn read(path: impl AsRef<Path>) -> Result<TriangleMesh> {
    let path = path.as_ref();
    parse_bytes(path, &read_bytes(path)?)
}

/// Parses the bytes of an OBJ file (a UTF-8 byte-order mark is skipped); `path` names the
/// source in errors.
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> Result<TriangleMesh> {
    parse(path, &decode(bytes))
}

/// Parses OBJ text; `path` names the source in errors.
pub fn parse(path: &Path, text: &str) -> Result<TriangleMesh> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut vertices = Vec::new();
    // Every face's 0-based corners, one after another; `ends[f]` is where face `f` stops.
    // Indices are checked once all vertices are known.
    let mut corners: Vec<i64> = Vec::new();
    let mut ends: Vec<usize> = Vec::new();
    for line in text.lines() {
        let mut t = line.split_whitespace();
        match t.next() {
            Some("v") => vertices.push(point(path, vertices.len(), line, &mut t)?),
            Some("f") => {
                let f = ends.len();
                let n = vertices.len() as i64;
                let start = corners.len();
                for token in t {
                    let i = index(path, f, token.split('/').next().unwrap_or(""))?;
                    corners.push(if i < 0 { n + i } else { i - 1 });
                }
                if corners.len() - start < 3 {
                    return Err(GeomError::TooFewCorners {
                        path: path.to_path_buf(),
                        face: f,
                        corners: corners.len() - start,
                    });
                }
                ends.push(corners.len());
            }
            _ => {}
        }
    }
    // A polygon of k corners gives k - 2 triangles.
    let mut faces = Vec::with_capacity(corners.len() - 2 * ends.len());
    let mut start = 0;
    for (f, &end) in ends.iter().enumerate() {
        add_polygon(path, f, &corners[start..end], vertices.len(), &mut faces)?;
        start = end;
    }
    Ok(TriangleMesh { vertices, faces })
}

/// Serialises a mesh as OBJ.
pub fn to_string(mesh: &TriangleMesh) -> String {
    let mut s = String::from("# kiln-geom\n");
    for v in &mesh.vertices {
        let _ = writeln!(s, "v {} {} {}", v.x, v.y, v.z);
    }
    for f in &mesh.faces {
        let _ = writeln!(s, "f {} {} {}", f[0] + 1, f[1] + 1, f[2] + 1);
    }
    s
}
