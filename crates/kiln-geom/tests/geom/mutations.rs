//! Property tests of every reader on damaged copies of valid files (kiln-testkit's mutations:
//! truncation, flipped bytes, huge counts, NaN/inf, duplicated or deleted lines, a BOM, CRLF):
//! no panic, `Ok` or a [`GeomError`] that names the file, and peak allocation proportional to the
//! file's size. `KILN_PROPTEST_CASES` sets the number of cases.

use std::path::Path;

use kiln_geom::io::ply::{self, Encoding};
use kiln_geom::io::{obj, off};
use kiln_geom::shapes::Primitive;
use kiln_geom::{GeomError, PointCloud, TriangleMesh};
use kiln_testkit::{assert_bounded, config, mutated, peak_bytes_during};
use nalgebra::{Point3, Vector3};
use proptest::prelude::*;

/// Peak heap bytes a reader may use per byte of input (columns of `f64`, the triangles of a
/// fan, amortised growth; about 5 at most in a long run).
const FACTOR: usize = 16;
/// Fixed allowance: paths in errors, the header's elements, small vectors.
const SLACK: usize = 32 << 10;

/// A valid mesh with quads and triangles to damage.
fn mesh() -> TriangleMesh {
    Primitive::Sphere { center: Point3::new(0.1, -0.2, 0.3), radius: 0.4 }.mesh(8)
}

/// A valid cloud with normals and colours to damage.
fn cloud() -> PointCloud {
    let positions: Vec<Point3<f32>> = (0..6).map(|i| Point3::new(i as f32, 0.5 * i as f32, -1.0)).collect();
    PointCloud::new(positions)
        .with_normals(vec![Vector3::z(); 6])
        .and_then(|c| c.with_colors(vec![[0.2, 0.4, 1.0]; 6]))
        .unwrap_or_else(|e| panic!("test cloud: {e}"))
}

/// Runs `read` on `bytes`: the result is `Ok` or an error naming `file`, within the bound.
fn check<T>(file: &str, bytes: &[u8], read: impl FnOnce(&Path, &[u8]) -> kiln_geom::Result<T>) {
    let (result, peak) = peak_bytes_during(|| read(Path::new(file), bytes));
    if let Err(e) = result {
        let e: GeomError = e;
        assert!(e.to_string().contains(file), "the error does not name the file: {e}");
    }
    assert_bounded(peak, bytes.len(), FACTOR, SLACK);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn off_survives_damage(bytes in mutated(off::to_string(&mesh()).into_bytes())) {
        check("m.off", &bytes, off::parse_bytes);
    }

    #[test]
    fn obj_survives_damage(bytes in mutated(obj::to_string(&mesh()).into_bytes())) {
        check("m.obj", &bytes, obj::parse_bytes);
    }

    #[test]
    fn ascii_ply_survives_damage(bytes in mutated(ply::mesh_to_bytes(&mesh(), Encoding::Ascii))) {
        check("m.ply", &bytes, ply::parse_mesh);
    }

    #[test]
    fn binary_ply_survives_damage(bytes in mutated(ply::mesh_to_bytes(&mesh(), Encoding::BinaryLittleEndian))) {
        check("m.ply", &bytes, ply::parse_mesh);
    }

    #[test]
    fn ply_clouds_survive_damage(
        ascii in mutated(ply::cloud_to_bytes(&cloud(), Encoding::Ascii)),
        binary in mutated(ply::cloud_to_bytes(&cloud(), Encoding::BinaryLittleEndian)),
    ) {
        check("c.ply", &ascii, ply::parse_cloud);
        check("c.ply", &binary, ply::parse_cloud);
    }
}
