//! Writing PLY: meshes (`x y z` and a `vertex_indices` list) and point clouds (with normals,
//! colours, intensities and labels when present), ASCII or binary little-endian.

use std::path::Path;

use super::Encoding;
use crate::cloud::PointCloud;
use crate::error::Result;
use crate::io::write_bytes;
use crate::mesh::TriangleMesh;

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

/// Serialises a point cloud as PLY: `x y z`, then, when present, `nx ny nz` (float),
/// `red green blue` (uchar), `intensity` (float) and `label` (uint).
pub fn cloud_to_bytes(cloud: &PointCloud, encoding: Encoding) -> Vec<u8> {
    let mut extra = Vec::new();
    if cloud.normals.is_some() {
        extra.extend(["property float nx", "property float ny", "property float nz"]);
    }
    if cloud.colors.is_some() {
        extra.extend(["property uchar red", "property uchar green", "property uchar blue"]);
    }
    if cloud.intensities.is_some() {
        extra.push("property float intensity");
    }
    if cloud.labels.is_some() {
        extra.push("property uint label");
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
        let intensity = cloud.intensities.as_ref().map(|v| v[i]);
        let label = cloud.labels.as_ref().map(|l| l[i]);
        match encoding {
            Encoding::Ascii => {
                let mut parts: Vec<String> = floats.iter().map(f32::to_string).collect();
                if let Some(c) = colors {
                    parts.extend(c.iter().map(u8::to_string));
                }
                parts.extend(intensity.map(|v| v.to_string()));
                parts.extend(label.map(|l| l.to_string()));
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
                if let Some(v) = intensity {
                    out.extend_from_slice(&v.to_le_bytes());
                }
                if let Some(l) = label {
                    out.extend_from_slice(&l.to_le_bytes());
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
