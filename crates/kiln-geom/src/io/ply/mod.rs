//! Stanford PLY, ASCII and binary little-endian: a header of `element` / `property` lines,
//! then the body. Reads any element layout; the `vertex` element gives positions (`x y z`),
//! normals (`nx ny nz`) and colours (`red green blue`: 0–255 for integer types, 0–1 for
//! floating ones), intensities (`intensity`, any scalar type, kept as written) and labels
//! (`label`: a non-negative integer within `u32`, of any type), the `face` element a `vertex_indices`
//! (or `vertex_index`) list. Other elements and properties are read (and checked) but not used.
//!
//! Refused with a typed error: a header that does not end in an `end_header` line, counts the
//! body cannot hold (checked before anything is allocated), elements with instances but no
//! properties, negative or fractional list lengths, ASCII values outside their declared type,
//! bytes or lines after the last element, non-finite positions, normals and colours, faces with
//! fewer than three corners or non-integer indices.

mod body;
mod header;
mod write;

use std::path::Path;

use nalgebra::{Point3, Vector3};

use self::body::{Column, ElementData, read_body};
use self::header::{Scalar, parse_header};
pub use self::write::{cloud_to_bytes, mesh_to_bytes, write_cloud};
use super::polygon::add_polygon;
use super::read_bytes;
use super::text::finite_f32;
use crate::cloud::PointCloud;
use crate::error::{GeomError, Result};
use crate::mesh::TriangleMesh;

/// How the body is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// One element per text line.
    Ascii,
    /// Packed little-endian values.
    BinaryLittleEndian,
}

/// A parsed PLY file: every element with its columns.
struct PlyData<'p> {
    path: &'p Path,
    elements: Vec<ElementData>,
}

impl<'p> PlyData<'p> {
    /// Parses header and body of `bytes`.
    fn parse(path: &'p Path, bytes: &[u8]) -> Result<Self> {
        let header = parse_header(path, bytes)?;
        Ok(Self { path, elements: read_body(path, bytes, header)? })
    }

    fn element(&self, name: &str) -> Option<&ElementData> {
        self.elements.iter().find(|e| e.element.name == name)
    }

    /// The vertex scalar property `name` and its type (`None` when there is none).
    fn vertex_column(&self, name: &str) -> Option<(&[f64], Scalar)> {
        match self.element("vertex")?.column(name)? {
            Column::Scalar { values, ty } => Some((values, *ty)),
            Column::List { .. } => None,
        }
    }

    /// Three vertex properties as finite `f32` triples, each value divided by `integer_scale` when its
    /// type is an integer type (`Ok(None)` unless all three are present).
    fn vertex_triples(&self, names: [&str; 3], integer_scale: f64) -> Result<Option<Vec<[f32; 3]>>> {
        let (Some(a), Some(b), Some(c)) =
            (self.vertex_column(names[0]), self.vertex_column(names[1]), self.vertex_column(names[2]))
        else {
            return Ok(None);
        };
        let columns = [a, b, c];
        let count = columns.iter().map(|(values, _)| values.len()).min().unwrap_or(0);
        let mut out = Vec::with_capacity(count);
        for i in 0..count {
            let mut triple = [0.0f32; 3];
            for (slot, (values, ty)) in triple.iter_mut().zip(columns) {
                let scale = if ty.is_integer() { integer_scale } else { 1.0 };
                *slot = finite_f32(self.path, "vertex", i, values[i] / scale)?;
            }
            out.push(triple);
        }
        Ok(Some(out))
    }

    /// The vertex property `name` as finite `f32`s (`Ok(None)` when there is none).
    fn vertex_floats(&self, name: &str) -> Result<Option<Vec<f32>>> {
        let Some((values, _)) = self.vertex_column(name) else {
            return Ok(None);
        };
        values.iter().enumerate().map(|(i, &v)| finite_f32(self.path, "vertex", i, v)).collect::<Result<_>>().map(Some)
    }

    /// The vertex property `name` as `u32`s (`Ok(None)` when there is none): every value must be
    /// a non-negative integer no larger than `u32::MAX` ([`GeomError::Parse`] naming the vertex
    /// otherwise, e.g. `-1` or `2.5` in a float column).
    fn vertex_labels(&self, name: &str) -> Result<Option<Vec<u32>>> {
        let Some((values, _)) = self.vertex_column(name) else {
            return Ok(None);
        };
        let label = |(index, &v): (usize, &f64)| {
            if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) {
                Ok(v as u32)
            } else {
                Err(GeomError::Parse {
                    path: self.path.to_path_buf(),
                    element: "vertex",
                    index,
                    message: format!("{name} `{v}` is not a non-negative integer within u32"),
                })
            }
        };
        values.iter().enumerate().map(label).collect::<Result<_>>().map(Some)
    }

    /// The vertex positions.
    fn positions(&self) -> Result<Vec<Point3<f32>>> {
        let xyz = self.vertex_triples(["x", "y", "z"], 1.0)?.ok_or_else(|| GeomError::BadHeader {
            path: self.path.to_path_buf(),
            message: "element `vertex` needs properties x, y, z".into(),
        })?;
        Ok(xyz.into_iter().map(Point3::from).collect())
    }

    /// The faces, fan-triangulated, checked against `vertices`.
    fn faces(&self, vertices: usize) -> Result<Vec<[u32; 3]>> {
        let Some(face) = self.element("face") else {
            return Ok(Vec::new());
        };
        let column = face.column("vertex_indices").or_else(|| face.column("vertex_index"));
        let Some(column @ Column::List { items, .. }) = column else {
            return Err(GeomError::BadHeader {
                path: self.path.to_path_buf(),
                message: "face element has no vertex_indices list".into(),
            });
        };
        // A polygon of k corners gives k - 2 triangles.
        let mut faces = Vec::with_capacity(items.len().saturating_sub(2 * face.element.count));
        let mut poly = Vec::new();
        for (f, list) in column.lists().enumerate() {
            poly.clear();
            for &v in list {
                poly.push(integer(v).ok_or_else(|| GeomError::BadIndex {
                    path: self.path.to_path_buf(),
                    face: f,
                    value: v.to_string(),
                })?);
            }
            add_polygon(self.path, f, &poly, vertices, &mut faces)?;
        }
        Ok(faces)
    }
}

/// `v` as an integer, if it is one (a float-typed index list can hold `2.7` or NaN).
fn integer(v: f64) -> Option<i64> {
    (v.fract() == 0.0 && v.abs() < 9.0e18).then_some(v as i64)
}

/// Reads a triangle mesh from a PLY file (ASCII or binary little-endian).
pub fn read_mesh(path: impl AsRef<Path>) -> Result<TriangleMesh> {
    let path = path.as_ref();
    parse_mesh(path, &read_bytes(path)?)
}

/// Parses PLY bytes as a mesh; `path` names the source in errors.
pub fn parse_mesh(path: &Path, bytes: &[u8]) -> Result<TriangleMesh> {
    let data = PlyData::parse(path, bytes)?;
    let vertices = data.positions()?;
    let faces = data.faces(vertices.len())?;
    Ok(TriangleMesh { vertices, faces })
}

/// Reads a point cloud (positions, and normals, colours, intensities and labels when present)
/// from a PLY file. A vertex element without `x`, `y` and `z` is [`GeomError::BadHeader`]
/// naming the file.
pub fn read_cloud(path: impl AsRef<Path>) -> Result<PointCloud> {
    let path = path.as_ref();
    parse_cloud(path, &read_bytes(path)?)
}

/// Parses PLY bytes as a point cloud (positions, and normals, colours, intensities and labels
/// when present); `path` names the source in errors.
pub fn parse_cloud(path: &Path, bytes: &[u8]) -> Result<PointCloud> {
    let data = PlyData::parse(path, bytes)?;
    let mut cloud = PointCloud::new(data.positions()?);
    if let Some(normals) = data.vertex_triples(["nx", "ny", "nz"], 1.0)? {
        cloud = cloud.with_normals(normals.into_iter().map(Vector3::from).collect())?;
    }
    // Integer colours are 0..=255, floating ones 0..=1.
    if let Some(colors) = data.vertex_triples(["red", "green", "blue"], 255.0)? {
        cloud = cloud.with_colors(colors)?;
    }
    if let Some(intensities) = data.vertex_floats("intensity")? {
        cloud = cloud.with_intensities(intensities)?;
    }
    if let Some(labels) = data.vertex_labels("label")? {
        cloud = cloud.with_labels(labels)?;
    }
    Ok(cloud)
}
