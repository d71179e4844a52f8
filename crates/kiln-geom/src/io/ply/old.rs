//! Stanford PLY, ASCII and binary little-endian: a header of `element` / `property` lines,
//! then the body. Reads any element layout (unknown elements are skipped); the `vertex`
//! element gives positions (`x y z`), normals (`nx ny nz`) and colours (`red green blue`),
//! the `face` element a `vertex_indices` (or `vertex_index`) list.

use std::path::Path;

use nalgebra::{Point3, Vector3};

use super::{check_face, fan, read_bytes, write_bytes};
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

#[derive(Debug, Clone, Copy)]
enum Scalar {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    F32,
    F64,
}

impl Scalar {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "char" | "int8" => Self::I8,
            "uchar" | "uint8" => Self::U8,
            "short" | "int16" => Self::I16,
            "ushort" | "uint16" => Self::U16,
            "int" | "int32" => Self::I32,
            "uint" | "uint32" => Self::U32,
            "float" | "float32" => Self::F32,
            "double" | "float64" => Self::F64,
            _ => return None,
        })
    }

    fn size(self) -> usize {
        match self {
            Self::I8 | Self::U8 => 1,
            Self::I16 | Self::U16 => 2,
            Self::I32 | Self::U32 | Self::F32 => 4,
            Self::F64 => 8,
        }
    }

    fn read_le(self, b: &[u8]) -> f64 {
        match self {
            Self::I8 => b[0] as i8 as f64,
            Self::U8 => b[0] as f64,
            Self::I16 => i16::from_le_bytes([b[0], b[1]]) as f64,
            Self::U16 => u16::from_le_bytes([b[0], b[1]]) as f64,
            Self::I32 => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            Self::U32 => u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            Self::F32 => f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            Self::F64 => f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        }
    }
}

#[derive(Debug, Clone)]
enum Property {
    Scalar(String, Scalar),
    List(String, Scalar, Scalar),
}

#[derive(Debug, Clone)]
struct Element {
    name: String,
    count: usize,
    properties: Vec<Property>,
}

/// Values of one element instance: scalars by property, lists by property.
type Row = Vec<Vec<f64>>;

/// A parsed PLY file: each element's name, property names and rows.
struct PlyData {
    elements: Vec<(Element, Vec<Row>)>,
}

fn element_label(name: &str) -> &'static str {
    match name {
        "vertex" => "vertex",
        "face" => "face",
        _ => "element",
    }
}

fn parse_header(path: &Path, bytes: &[u8]) -> Result<(Encoding, Vec<Element>, usize)> {
    let bad = |message: String| GeomError::BadHeader { path: path.to_path_buf(), message };
    let end = bytes.windows(10).position(|w| w == b"end_header").ok_or_else(|| bad("no `end_header` line".into()))?;
    let mut body_start = end + 10;
    while body_start < bytes.len() && bytes[body_start] != b'\n' {
        body_start += 1;
    }
    body_start = (body_start + 1).min(bytes.len());
    let header = String::from_utf8_lossy(&bytes[..end]);
    let mut lines = header.lines().map(str::trim);
    if lines.next() != Some("ply") {
        return Err(bad("first line must be `ply`".into()));
    }
    let mut encoding = None;
    let mut elements: Vec<Element> = Vec::new();
    for line in lines {
        let t: Vec<&str> = line.split_whitespace().collect();
        match t.as_slice() {
            ["format", "ascii", _] => encoding = Some(Encoding::Ascii),
            ["format", "binary_little_endian", _] => encoding = Some(Encoding::BinaryLittleEndian),
            ["format", other, ..] => return Err(bad(format!("unsupported format `{other}`"))),
            ["element", name, count] => elements.push(Element {
                name: (*name).to_string(),
                count: count.parse().map_err(|_| bad(format!("bad element count `{count}`")))?,
                properties: Vec::new(),
            }),
            ["property", "list", ct, it, name] => {
                let (Some(c), Some(i)) = (Scalar::parse(ct), Scalar::parse(it)) else {
                    return Err(bad(format!("unknown list types in `{line}`")));
                };
                let el = elements.last_mut().ok_or_else(|| bad("property before element".into()))?;
                el.properties.push(Property::List((*name).to_string(), c, i));
            }
            ["property", ty, name] => {
                let s = Scalar::parse(ty).ok_or_else(|| bad(format!("unknown type `{ty}`")))?;
                let el = elements.last_mut().ok_or_else(|| bad("property before element".into()))?;
                el.properties.push(Property::Scalar((*name).to_string(), s));
            }
            ["comment", ..] | ["obj_info", ..] | [] => {}
            _ => return Err(bad(format!("unexpected header line `{line}`"))),
        }
    }
    let encoding = encoding.ok_or_else(|| bad("missing `format` line".into()))?;
    Ok((encoding, elements, body_start))
}

fn parse(path: &Path, bytes: &[u8]) -> Result<PlyData> {
    let (encoding, elements, start) = parse_header(path, bytes)?;
    let body = &bytes[start..];
    let mut out = Vec::with_capacity(elements.len());
    match encoding {
        Encoding::Ascii => {
            let text = String::from_utf8_lossy(body);
            let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
            for el in elements {
                let label = element_label(&el.name);
                let mut rows = Vec::with_capacity(el.count);
                for i in 0..el.count {
                    let Some(line) = lines.next() else {
                        return Err(GeomError::CountMismatch {
                            path: path.to_path_buf(),
                            element: label,
                            declared: el.count,
                            found: i,
                        });
                    };
                    let perr =
                        |m: String| GeomError::Parse { path: path.to_path_buf(), element: label, index: i, message: m };
                    let vals: Vec<f64> = line
                        .split_whitespace()
                        .map(str::parse)
                        .collect::<std::result::Result<_, _>>()
                        .map_err(|e| perr(format!("{e}")))?;
                    let mut it = vals.into_iter();
                    let mut row = Vec::with_capacity(el.properties.len());
                    for p in &el.properties {
                        match p {
                            Property::Scalar(..) => {
                                row.push(vec![it.next().ok_or_else(|| perr("too few values".into()))?])
                            }
                            Property::List(..) => {
                                let n = it.next().ok_or_else(|| perr("missing list length".into()))? as usize;
                                let list: Vec<f64> = it.by_ref().take(n).collect();
                                if list.len() != n {
                                    return Err(perr(format!("list declares {n} values, has {}", list.len())));
                                }
                                row.push(list);
                            }
                        }
                    }
                    rows.push(row);
                }
                out.push((el, rows));
            }
            let extra = lines.count();
            if extra > 0
                && let Some((el, _)) = out.last()
            {
                let label = element_label(&el.name);
                return Err(GeomError::CountMismatch {
                    path: path.to_path_buf(),
                    element: label,
                    declared: el.count,
                    found: el.count + extra,
                });
            }
        }
        Encoding::BinaryLittleEndian => {
            let mut pos = 0usize;
            for el in elements {
                let label = element_label(&el.name);
                let mut rows = Vec::with_capacity(el.count);
                for i in 0..el.count {
                    let trunc = || GeomError::Truncated { path: path.to_path_buf(), element: label, index: i };
                    let mut take = |s: Scalar| -> Result<f64> {
                        let b = body.get(pos..pos + s.size()).ok_or_else(trunc)?;
                        pos += s.size();
                        Ok(s.read_le(b))
                    };
                    let mut row = Vec::with_capacity(el.properties.len());
                    for p in &el.properties {
                        match p {
                            Property::Scalar(_, s) => row.push(vec![take(*s)?]),
                            Property::List(_, c, s) => {
                                let n = take(*c)? as usize;
                                row.push((0..n).map(|_| take(*s)).collect::<Result<_>>()?);
                            }
                        }
                    }
                    rows.push(row);
                }
                out.push((el, rows));
            }
        }
    }
    Ok(PlyData { elements: out })
}

impl PlyData {
    fn element(&self, name: &str) -> Option<&(Element, Vec<Row>)> {
        self.elements.iter().find(|(e, _)| e.name == name)
    }

    fn column(&self, element: &str, prop: &str) -> Option<Vec<f64>> {
        let (el, rows) = self.element(element)?;
        let k = el.properties.iter().position(|p| matches!(p, Property::Scalar(n, _) if n == prop))?;
        Some(rows.iter().map(|r| r[k][0]).collect())
    }

    fn positions(&self, path: &Path) -> Result<Vec<Point3<f32>>> {
        let bad = |m: &str| GeomError::BadHeader { path: path.to_path_buf(), message: m.to_string() };
        let (Some(x), Some(y), Some(z)) =
            (self.column("vertex", "x"), self.column("vertex", "y"), self.column("vertex", "z"))
        else {
            return Err(bad("element `vertex` needs properties x, y, z"));
        };
        Ok((0..x.len()).map(|i| Point3::new(x[i] as f32, y[i] as f32, z[i] as f32)).collect())
    }
}

/// Reads a triangle mesh from a PLY file (ASCII or binary little-endian).
pub fn read_mesh(path: impl AsRef<Path>) -> Result<TriangleMesh> {
    let path = path.as_ref();
    parse_mesh(path, &read_bytes(path)?)
}

/// Parses PLY bytes as a mesh; `path` names the source in errors.
pub fn parse_mesh(path: &Path, bytes: &[u8]) -> Result<TriangleMesh> {
    let data = parse(path, bytes)?;
    let vertices = data.positions(path)?;
    let mut faces = Vec::new();
    if let Some((el, rows)) = data.element("face") {
        let k = el
            .properties
            .iter()
            .position(|p| matches!(p, Property::List(n, ..) if n == "vertex_indices" || n == "vertex_index"))
            .ok_or_else(|| GeomError::BadHeader {
                path: path.to_path_buf(),
                message: "face element has no vertex_indices list".into(),
            })?;
        for (f, row) in rows.iter().enumerate() {
            let poly: Vec<i64> = row[k].iter().map(|&v| v as i64).collect();
            fan(&check_face(path, f, &poly, vertices.len())?, &mut faces);
        }
    }
    Ok(TriangleMesh { vertices, faces })
}

/// Reads a point cloud (positions, and normals and colours when present) from a PLY file.
pub fn read_cloud(path: impl AsRef<Path>) -> Result<PointCloud> {
    let path = path.as_ref();
    let data = parse(path, &read_bytes(path)?)?;
    let mut cloud = PointCloud::new(data.positions(path)?);
    if let (Some(x), Some(y), Some(z)) =
        (data.column("vertex", "nx"), data.column("vertex", "ny"), data.column("vertex", "nz"))
    {
        cloud =
            cloud.with_normals((0..x.len()).map(|i| Vector3::new(x[i] as f32, y[i] as f32, z[i] as f32)).collect())?;
    }
    if let (Some(r), Some(g), Some(b)) =
        (data.column("vertex", "red"), data.column("vertex", "green"), data.column("vertex", "blue"))
    {
        cloud = cloud.with_colors(
            (0..r.len()).map(|i| [r[i] as f32 / 255.0, g[i] as f32 / 255.0, b[i] as f32 / 255.0]).collect(),
        )?;
    }
    Ok(cloud)
}

fn header(encoding: Encoding, vertices: usize, extra: &[&str], faces: Option<usize>) -> String {
    let format = match encoding {
        Encoding::Ascii => "ascii",
        Encoding::BinaryLittleEndian => "binary_little_endian",
    };
    let mut h = format!(
        "ply\nformat {format} 1.0\ncomment kiln-geom\nelement vertex {vertices}\nproperty float x\nproperty float y\nproperty float z\n"
    );
    for line in extra {
        h.push_str(line);
        h.push('\n');
    }
    if let Some(f) = faces {
        h.push_str(&format!("element face {f}\nproperty list uchar int vertex_indices\n"));
    }
    h.push_str("end_header\n");
    h
}

/// Serialises a mesh as PLY.
pub fn mesh_to_bytes(mesh: &TriangleMesh, encoding: Encoding) -> Vec<u8> {
    let mut out = header(encoding, mesh.vertices.len(), &[], Some(mesh.faces.len())).into_bytes();
    match encoding {
        Encoding::Ascii => {
            let mut s = String::new();
            for v in &mesh.vertices {
                s.push_str(&format!("{} {} {}\n", v.x, v.y, v.z));
            }
            for f in &mesh.faces {
                s.push_str(&format!("3 {} {} {}\n", f[0], f[1], f[2]));
            }
            out.extend_from_slice(s.as_bytes());
        }
        Encoding::BinaryLittleEndian => {
            for v in &mesh.vertices {
                for c in [v.x, v.y, v.z] {
                    out.extend_from_slice(&c.to_le_bytes());
                }
            }
            for f in &mesh.faces {
                out.push(3);
                for i in f {
                    out.extend_from_slice(&(*i as i32).to_le_bytes());
                }
            }
        }
    }
    out
}

/// Serialises a point cloud (with normals and colours when present) as PLY.
pub fn cloud_to_bytes(cloud: &PointCloud, encoding: Encoding) -> Vec<u8> {
    let mut extra = Vec::new();
    if cloud.normals.is_some() {
        extra.extend(["property float nx", "property float ny", "property float nz"]);
    }
    if cloud.colors.is_some() {
        extra.extend(["property uchar red", "property uchar green", "property uchar blue"]);
    }
    let mut out = header(encoding, cloud.len(), &extra, None).into_bytes();
    let to_u8 = |c: f32| (c.clamp(0.0, 1.0) * 255.0).round() as u8;
    for i in 0..cloud.len() {
        let p = cloud.positions[i];
        let mut floats = vec![p.x, p.y, p.z];
        if let Some(n) = &cloud.normals {
            floats.extend([n[i].x, n[i].y, n[i].z]);
        }
        let colors = cloud.colors.as_ref().map(|c| c[i].map(to_u8));
        match encoding {
            Encoding::Ascii => {
                let mut parts: Vec<String> = floats.iter().map(f32::to_string).collect();
                if let Some(c) = colors {
                    parts.extend(c.iter().map(u8::to_string));
                }
                out.extend_from_slice(parts.join(" ").as_bytes());
                out.push(b'\n');
            }
            Encoding::BinaryLittleEndian => {
                for f in floats {
                    out.extend_from_slice(&f.to_le_bytes());
                }
                if let Some(c) = colors {
                    out.extend_from_slice(&c);
                }
            }
        }
    }
    out
}

/// Writes a point cloud as PLY.
pub fn write_cloud(path: impl AsRef<Path>, cloud: &PointCloud, encoding: Encoding) -> Result<()> {
    write_bytes(path.as_ref(), &cloud_to_bytes(cloud, encoding))
}
