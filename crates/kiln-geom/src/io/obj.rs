//! Wavefront OBJ: `v x y z` and `f a b c …` lines (1-based, negative = relative, `a/t/n`
//! forms accepted); other statements are ignored.

use std::fmt::Write as _;
use std::path::Path;

use nalgebra::Point3;

use super::{check_face, fan, read_bytes};
use crate::error::{GeomError, Result};
use crate::mesh::TriangleMesh;

/// Reads an OBJ file.
pub fn read(path: impl AsRef<Path>) -> Result<TriangleMesh> {
    let path = path.as_ref();
    let bytes = read_bytes(path)?;
    parse(path, &String::from_utf8_lossy(&bytes))
}

/// Parses OBJ text; `path` names the source in errors.
pub fn parse(path: &Path, text: &str) -> Result<TriangleMesh> {
    let parse_err =
        |element, index, message: String| GeomError::Parse { path: path.to_path_buf(), element, index, message };
    let mut vertices = Vec::new();
    let mut polys: Vec<Vec<i64>> = Vec::new();
    for line in text.lines() {
        let mut t = line.split_whitespace();
        match t.next() {
            Some("v") => {
                let i = vertices.len();
                let c: Vec<f32> = t
                    .take(3)
                    .map(str::parse)
                    .collect::<std::result::Result<_, _>>()
                    .map_err(|e| parse_err("vertex", i, format!("{e}")))?;
                if c.len() < 3 {
                    return Err(parse_err("vertex", i, format!("expected 3 coordinates in `{line}`")));
                }
                vertices.push(Point3::new(c[0], c[1], c[2]));
            }
            Some("f") => {
                let f = polys.len();
                let n = vertices.len() as i64;
                let poly: Vec<i64> = t
                    .map(|tok| {
                        let idx = tok.split('/').next().unwrap_or("");
                        let i: i64 = idx.parse().map_err(|_| parse_err("face", f, format!("bad index `{tok}`")))?;
                        Ok(if i < 0 { n + i } else { i - 1 })
                    })
                    .collect::<Result<_>>()?;
                if poly.len() < 3 {
                    return Err(parse_err("face", f, format!("fewer than 3 corners in `{line}`")));
                }
                polys.push(poly);
            }
            _ => {}
        }
    }
    let mut faces = Vec::with_capacity(polys.len());
    for (f, poly) in polys.iter().enumerate() {
        fan(&check_face(path, f, poly, vertices.len())?, &mut faces);
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
