//! OFF (Object File Format, as in ModelNet): `OFF`, then `V F E`, `V` lines `x y z`, `F` lines
//! `k i₁ … i_k`. `#` starts a comment. ModelNet's glued header `OFF490 476 0` is accepted.
//! Values after `x y z` on a vertex line and after the `k` indices on a face line (colours)
//! are ignored.

use std::fmt::Write as _;
use std::path::Path;

use super::polygon::add_polygon;
use super::read_bytes;
use super::text::{decode, index, point};
use crate::error::{GeomError, Result};
use crate::mesh::TriangleMesh;

/// Reads an OFF file.
pub fn read(path: impl AsRef<Path>) -> Result<TriangleMesh> {
    let path = path.as_ref();
    parse_bytes(path, &read_bytes(path)?)
}

/// Parses the bytes of an OFF file (a UTF-8 byte-order mark is skipped); `path` names the
/// source in errors.
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> Result<TriangleMesh> {
    parse(path, &decode(bytes))
}

/// Parses OFF text; `path` names the source in errors.
pub fn parse(path: &Path, text: &str) -> Result<TriangleMesh> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bad = |message: String| GeomError::BadHeader { path: path.to_path_buf(), message };
    let mut lines = text.lines().map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty());
    let first = lines.next().ok_or_else(|| bad("empty file".into()))?;
    let rest = first.strip_prefix("OFF").ok_or_else(|| bad(format!("expected `OFF`, found `{first}`")))?;
    let counts_line =
        if rest.trim().is_empty() { lines.next().ok_or_else(|| bad("missing counts".into()))? } else { rest };
    let mut counts = [0usize; 3];
    let mut found = 0;
    for t in counts_line.split_whitespace() {
        let slot = counts.get_mut(found).ok_or_else(|| bad(format!("expected `V F E`, found `{counts_line}`")))?;
        *slot = t.parse().map_err(|_| bad(format!("bad count `{t}`")))?;
        found += 1;
    }
    if found < 2 {
        return Err(bad(format!("expected `V F E`, found `{counts_line}`")));
    }
    let (nv, nf) = (counts[0], counts[1]);
    // Every element is one line: the lines bound both counts before anything is allocated.
    let body_lines = lines.clone().count();
    if body_lines < nv {
        return Err(GeomError::CountMismatch {
            path: path.to_path_buf(),
            element: "vertex",
            declared: nv,
            found: body_lines,
        });
    }
    if body_lines - nv != nf {
        return Err(GeomError::CountMismatch {
            path: path.to_path_buf(),
            element: "face",
            declared: nf,
            found: body_lines - nv,
        });
    }
    let mut vertices = Vec::with_capacity(nv);
    for (i, line) in lines.by_ref().take(nv).enumerate() {
        vertices.push(point(path, i, line, &mut line.split_whitespace())?);
    }
    let mut faces = Vec::with_capacity(nf);
    let mut poly = Vec::new();
    for (f, line) in lines.enumerate() {
        let mut tokens = line.split_whitespace();
        let k = tokens.next().unwrap_or("");
        let k: usize = k.parse().map_err(|_| GeomError::BadListLength {
            path: path.to_path_buf(),
            element: "face",
            index: f,
            value: k.to_string(),
        })?;
        poly.clear();
        for token in tokens.by_ref().take(k) {
            poly.push(index(path, f, token)?);
        }
        if poly.len() < k {
            return Err(GeomError::Parse {
                path: path.to_path_buf(),
                element: "face",
                index: f,
                message: format!("declares {k} corners, has {} in `{line}`", poly.len()),
            });
        }
        add_polygon(path, f, &poly, nv, &mut faces)?;
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
