//! OFF (Object File Format, as in ModelNet): `OFF`, then `V F E`, `V` lines `x y z`, `F` lines
//! `k i₁ … i_k`. `#` starts a comment. ModelNet's glued header `OFF490 476 0` is accepted.

use std::fmt::Write as _;
use std::path::Path;

use nalgebra::Point3;

use super::{check_face, fan, read_bytes};
use crate::error::{GeomError, Result};
use crate::mesh::TriangleMesh;

/// Reads an OFF file.
pub fn read(path: impl AsRef<Path>) -> Result<TriangleMesh> {
    let path = path.as_ref();
    let bytes = read_bytes(path)?;
    parse(path, &String::from_utf8_lossy(&bytes))
}

/// Parses OFF text; `path` names the source in errors.
pub fn parse(path: &Path, text: &str) -> Result<TriangleMesh> {
    let bad = |message: String| GeomError::BadHeader { path: path.to_path_buf(), message };
    let mut lines = text.lines().map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty());
    let first = lines.next().ok_or_else(|| bad("empty file".into()))?;
    let rest = first.strip_prefix("OFF").ok_or_else(|| bad(format!("expected `OFF`, found `{first}`")))?;
    let counts_line =
        if rest.trim().is_empty() { lines.next().ok_or_else(|| bad("missing counts".into()))? } else { rest };
    let counts: Vec<usize> = counts_line
        .split_whitespace()
        .map(|t| t.parse::<usize>().map_err(|_| bad(format!("bad count `{t}`"))))
        .collect::<Result<_>>()?;
    if counts.len() < 2 {
        return Err(bad(format!("expected `V F E`, found `{counts_line}`")));
    }
    let (nv, nf) = (counts[0], counts[1]);
    let body: Vec<&str> = lines.collect();
    if body.len() < nv {
        return Err(GeomError::CountMismatch {
            path: path.to_path_buf(),
            element: "vertex",
            declared: nv,
            found: body.len(),
        });
    }
    let parse_err =
        |element, index, message: String| GeomError::Parse { path: path.to_path_buf(), element, index, message };
    let mut vertices = Vec::with_capacity(nv);
    for (i, line) in body[..nv].iter().enumerate() {
        let v: Vec<f32> = line
            .split_whitespace()
            .take(3)
            .map(str::parse)
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| parse_err("vertex", i, format!("{e}")))?;
        if v.len() < 3 {
            return Err(parse_err("vertex", i, format!("expected 3 coordinates in `{line}`")));
        }
        vertices.push(Point3::new(v[0], v[1], v[2]));
    }
    let face_lines = &body[nv..];
    if face_lines.len() != nf {
        return Err(GeomError::CountMismatch {
            path: path.to_path_buf(),
            element: "face",
            declared: nf,
            found: face_lines.len(),
        });
    }
    let mut faces = Vec::with_capacity(nf);
    for (f, line) in face_lines.iter().enumerate() {
        let t: Vec<i64> = line
            .split_whitespace()
            .map(str::parse)
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| parse_err("face", f, format!("{e}")))?;
        let k = t.first().copied().unwrap_or(0).max(0) as usize;
        if k < 3 || t.len() < k + 1 {
            return Err(parse_err("face", f, format!("expected a polygon `k i1 .. ik`, found `{line}`")));
        }
        fan(&check_face(path, f, &t[1..=k], nv)?, &mut faces);
    }
    Ok(TriangleMesh { vertices, faces })
}

/// Serialises a mesh as OFF.
pub fn to_string(mesh: &TriangleMesh) -> String {
    let mut s = format!("OFF\n{} {} 0\n", mesh.vertices.len(), mesh.faces.len());
    for v in &mesh.vertices {
        let _ = writeln!(s, "{} {} {}", v.x, v.y, v.z);
    }
    for f in &mesh.faces {
        let _ = writeln!(s, "3 {} {} {}", f[0], f[1], f[2]);
    }
    s
}
