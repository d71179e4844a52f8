//! PLY point clouds with per-vertex `intensity` and `label`: round trips in ASCII and binary,
//! the integer types a header may give labels, and typed errors for bad labels and a vertex
//! element without `x y z`.

use std::path::{Path, PathBuf};

use kiln_geom::io::ply::{self, Encoding};
use kiln_geom::{GeomError, PointCloud};
use nalgebra::Point3;

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-geom-ply-labels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn labelled_cloud() -> PointCloud {
    PointCloud::new(vec![Point3::new(0.0, 1.0, 2.0), Point3::new(-1.5, 0.25, 3.0), Point3::new(0.1, 0.2, 0.3)])
        .with_colors(vec![[1.0, 0.0, 0.0], [0.0, 0.2, 1.0], [0.5, 0.5, 0.5]])
        .unwrap()
        .with_intensities(vec![0.125, 0.7, 13.5])
        .unwrap()
        .with_labels(vec![0, 7, u32::MAX])
        .unwrap()
}

#[test]
fn intensity_and_label_round_trip_in_ascii_and_binary() {
    let cloud = labelled_cloud();
    for enc in [Encoding::Ascii, Encoding::BinaryLittleEndian] {
        let path = tmp(&format!("labelled-{enc:?}.ply"));
        ply::write_cloud(&path, &cloud, enc).unwrap();
        let back = ply::read_cloud(&path).unwrap();
        assert_eq!(back.positions, cloud.positions, "{enc:?}");
        assert_eq!(back.intensities, cloud.intensities, "{enc:?}");
        assert_eq!(back.labels, cloud.labels, "{enc:?}");
        assert!(back.colors.is_some() && back.normals.is_none(), "{enc:?}");
    }
}

#[test]
fn a_cloud_without_intensity_or_label_reads_back_without_them() {
    let cloud = PointCloud::new(vec![Point3::new(1.0, 2.0, 3.0)]);
    let bytes = ply::cloud_to_bytes(&cloud, Encoding::BinaryLittleEndian);
    let back = ply::parse_cloud(Path::new("plain.ply"), &bytes).unwrap();
    assert_eq!((back.intensities, back.labels), (None, None));
}

#[test]
fn labels_of_any_integer_type_are_read() {
    for ty in ["uchar", "ushort", "int", "uint", "uint8", "short"] {
        let ascii = format!(
            "ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nproperty {ty} label\nproperty uchar intensity\nend_header\n0 0 0 3 200\n1 1 1 12 7\n"
        );
        let back = ply::parse_cloud(Path::new("typed.ply"), ascii.as_bytes()).unwrap();
        assert_eq!(back.labels, Some(vec![3, 12]), "{ty}");
        assert_eq!(back.intensities, Some(vec![200.0, 7.0]), "{ty}");
    }
    // Binary: a ushort label after the coordinates.
    let mut bytes = b"ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nproperty ushort label\nend_header\n".to_vec();
    for c in [1.0f32, 2.0, 3.0] {
        bytes.extend_from_slice(&c.to_le_bytes());
    }
    bytes.extend_from_slice(&513u16.to_le_bytes());
    let back = ply::parse_cloud(Path::new("ushort.ply"), &bytes).unwrap();
    assert_eq!(back.labels, Some(vec![513]));
}

#[test]
fn negative_or_fractional_labels_name_the_vertex() {
    let p = Path::new("bad-label.ply");
    for (ty, value) in [("int", "-1"), ("float", "2.5")] {
        let ascii = format!(
            "ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nproperty {ty} label\nend_header\n0 0 0 1\n1 1 1 {value}\n"
        );
        let e = ply::parse_cloud(p, ascii.as_bytes()).unwrap_err();
        assert!(matches!(e, GeomError::Parse { element: "vertex", index: 1, .. }), "{e}");
        assert!(e.to_string().contains("bad-label.ply"), "{e}");
    }
    let ascii = "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nproperty float intensity\nend_header\n0 0 0 nan\n";
    let e = ply::parse_cloud(p, ascii.as_bytes()).unwrap_err();
    assert!(matches!(e, GeomError::NonFinite { element: "vertex", index: 0, .. }), "{e}");
}

#[test]
fn a_cloud_without_xyz_is_a_bad_header_naming_the_file() {
    let path = tmp("no-z.ply");
    let ascii = "ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float intensity\nproperty uint label\nend_header\n0 0 0.5 1\n1 1 0.25 2\n";
    std::fs::write(&path, ascii).unwrap();
    let e = ply::read_cloud(&path).unwrap_err();
    assert!(matches!(e, GeomError::BadHeader { .. }), "{e}");
    assert!(e.to_string().contains("no-z.ply") && e.to_string().contains("x, y, z"), "{e}");
}
