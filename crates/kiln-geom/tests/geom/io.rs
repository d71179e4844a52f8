//! OFF / OBJ / PLY round trips and typed errors for malformed files.

use std::path::{Path, PathBuf};

use kiln_geom::io::ply::{self, Encoding};
use kiln_geom::io::{MeshFormat, obj, off, read_mesh, write_mesh_as};
use kiln_geom::shapes::Primitive;
use kiln_geom::{GeomError, PointCloud, TriangleMesh};
use nalgebra::{Point3, Vector3};

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-geom-io-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn sample_mesh() -> TriangleMesh {
    Primitive::Sphere { center: Point3::new(0.1, -0.2, 0.3), radius: 0.4 }.mesh(8)
}

fn assert_same(a: &TriangleMesh, b: &TriangleMesh) {
    assert_eq!(a.faces, b.faces);
    assert_eq!(a.vertices.len(), b.vertices.len());
    for (p, q) in a.vertices.iter().zip(&b.vertices) {
        assert!((p - q).norm() < 1e-6, "{p} vs {q}");
    }
}

#[test]
fn mesh_round_trips_in_every_format() {
    let mesh = sample_mesh();
    for (name, format) in [
        ("m.off", MeshFormat::Off),
        ("m.obj", MeshFormat::Obj),
        ("ascii.ply", MeshFormat::PlyAscii),
        ("binary.ply", MeshFormat::PlyBinary),
    ] {
        let path = tmp(name);
        write_mesh_as(&path, &mesh, format).unwrap();
        let back = read_mesh(&path).unwrap();
        assert_same(&mesh, &back);
    }
    let binary = std::fs::read(tmp("binary.ply")).unwrap();
    assert!(binary.windows(20).any(|w| w == b"binary_little_endian"));
}

#[test]
fn point_cloud_ply_round_trips_with_normals_and_colors() {
    let cloud = PointCloud::new(vec![Point3::new(0.0, 1.0, 2.0), Point3::new(-1.5, 0.25, 3.0)])
        .with_normals(vec![Vector3::x(), Vector3::z()])
        .unwrap()
        .with_colors(vec![[1.0, 0.0, 0.0], [0.0, 0.2, 1.0]])
        .unwrap();
    for enc in [Encoding::Ascii, Encoding::BinaryLittleEndian] {
        let path = tmp(&format!("cloud-{enc:?}.ply"));
        ply::write_cloud(&path, &cloud, enc).unwrap();
        let back = ply::read_cloud(&path).unwrap();
        assert_eq!(back.positions, cloud.positions);
        assert_eq!(back.normals, cloud.normals);
        let colors = back.colors.unwrap();
        assert!((colors[1][1] - 51.0 / 255.0).abs() < 1e-6);
    }
}

#[test]
fn quads_are_fan_triangulated_and_obj_negative_indices_work() {
    let text = "OFF\n4 1 0\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n4 0 1 2 3\n";
    let m = off::parse(Path::new("quad.off"), text).unwrap();
    assert_eq!(m.faces, vec![[0, 1, 2], [0, 2, 3]]);
    let m = obj::parse(Path::new("q.obj"), "v 0 0 0\nv 1 0 0\nv 1 1 0\nf -3/1 -2/2 -1/3\n").unwrap();
    assert_eq!(m.faces, vec![[0, 1, 2]]);
}

fn err_of(r: kiln_geom::Result<TriangleMesh>) -> GeomError {
    match r {
        Ok(_) => panic!("malformed input was accepted"),
        Err(e) => e,
    }
}

#[test]
fn malformed_off_gives_typed_errors() {
    let p = Path::new("bad.off");
    let e = err_of(off::parse(p, "COFF\n3 1 0\n"));
    assert!(matches!(e, GeomError::BadHeader { .. }), "{e}");
    assert!(e.to_string().contains("bad.off"));
    let e = err_of(off::parse(p, "OFF\n3 1 0\n0 0 0\n1 0 0\n"));
    assert!(matches!(e, GeomError::CountMismatch { element: "vertex", declared: 3, found: 2, .. }), "{e}");
    let e = err_of(off::parse(p, "OFF\n3 2 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n"));
    assert!(matches!(e, GeomError::CountMismatch { element: "face", declared: 2, found: 1, .. }), "{e}");
    let e = err_of(off::parse(p, "OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 7\n"));
    assert!(matches!(e, GeomError::FaceIndexOutOfRange { face: 0, index: 7, vertices: 3, .. }), "{e}");
}

#[test]
fn malformed_obj_gives_typed_errors() {
    let p = Path::new("bad.obj");
    let e = err_of(obj::parse(p, "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\nf 1 2 9\n"));
    assert!(matches!(e, GeomError::FaceIndexOutOfRange { face: 1, index: 8, vertices: 3, .. }), "{e}");
    let e = err_of(obj::parse(p, "v 0 zero 0\n"));
    assert!(matches!(e, GeomError::Parse { element: "vertex", index: 0, .. }), "{e}");
}

#[test]
fn malformed_ply_gives_typed_errors() {
    let p = Path::new("bad.ply");
    let good = ply::mesh_to_bytes(&TriangleMesh::cuboid(&kiln_geom::Aabb::cube(1.0)), Encoding::BinaryLittleEndian);
    // Wrong magic.
    let mut wrong = good.clone();
    wrong[..3].copy_from_slice(b"plx");
    assert!(matches!(err_of(ply::parse_mesh(p, &wrong)), GeomError::BadHeader { .. }));
    // Truncated binary body: cut inside the faces.
    let e = err_of(ply::parse_mesh(p, &good[..good.len() - 7]));
    assert!(matches!(e, GeomError::Truncated { element: "face", index: 11, .. }), "{e}");
    // Cut inside the vertices: the header's counts no longer fit, refused before reading.
    let e = err_of(ply::parse_mesh(p, &good[..good.len() - 12 * 13 - 5]));
    assert!(matches!(e, GeomError::ImplausibleCount { element: "vertex", declared: 8, .. }), "{e}");
    // ASCII with fewer vertices than declared.
    let ascii = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n";
    let e = err_of(ply::parse_mesh(p, ascii.as_bytes()));
    assert!(matches!(e, GeomError::CountMismatch { element: "vertex", declared: 3, found: 2, .. }), "{e}");
    let ascii = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nend_header\n0 0 0\n1 0 0\n";
    let e = err_of(ply::parse_mesh(p, ascii.as_bytes()));
    assert!(matches!(e, GeomError::CountMismatch { element: "vertex", declared: 3, found: 2, .. }), "{e}");
    // Face index out of range.
    let ascii = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 3\n";
    let e = err_of(ply::parse_mesh(p, ascii.as_bytes()));
    assert!(matches!(e, GeomError::FaceIndexOutOfRange { face: 0, index: 3, vertices: 3, .. }), "{e}");
}

#[test]
fn unknown_extension_is_rejected() {
    assert!(matches!(read_mesh("shape.stl"), Err(GeomError::UnsupportedFormat { .. })));
}
