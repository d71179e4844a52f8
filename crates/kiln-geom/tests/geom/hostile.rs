//! Hostile files, one class of bad input at a time: each reader returns the typed error that
//! names the file and the element, allocates in proportion to the file, and never panics.

use std::path::Path;

use kiln_geom::io::ply::{self, Encoding};
use kiln_geom::io::{obj, off};
use kiln_geom::{GeomError, TriangleMesh};
use kiln_testkit::{assert_bounded, peak_bytes_during};

fn err_of<T>(r: kiln_geom::Result<T>) -> GeomError {
    match r {
        Ok(_) => panic!("hostile input was accepted"),
        Err(e) => e,
    }
}

/// An ASCII PLY with float `x y z`, a face list of `uchar COUNT_ITEM` (e.g. `uchar int`), and
/// `body`.
fn ascii_ply(vertices: usize, faces: usize, list_types: &str, body: &str) -> Vec<u8> {
    format!(
        "ply\nformat ascii 1.0\nelement vertex {vertices}\nproperty float x\nproperty float y\nproperty float z\nelement face {faces}\nproperty list {list_types} vertex_indices\nend_header\n{body}"
    )
    .into_bytes()
}

/// A binary PLY header like [`ascii_ply`]'s.
fn binary_header(vertices: usize, faces: usize, list_types: &str) -> Vec<u8> {
    format!(
        "ply\nformat binary_little_endian 1.0\nelement vertex {vertices}\nproperty float x\nproperty float y\nproperty float z\nelement face {faces}\nproperty list {list_types} vertex_indices\nend_header\n"
    )
    .into_bytes()
}

/// Three binary vertices of a triangle.
fn triangle_vertices(bytes: &mut Vec<u8>) {
    for v in [[0.0f32, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]] {
        v.iter().for_each(|c| bytes.extend_from_slice(&c.to_le_bytes()));
    }
}

const TRIANGLE: &str = "0 0 0\n1 0 0\n0 1 0\n";

#[test]
fn a_small_ply_claiming_a_trillion_vertices_is_refused_without_allocating() {
    let p = Path::new("huge.ply");
    for format in ["ascii", "binary_little_endian"] {
        let mut bytes =
            format!("ply\nformat {format} 1.0\nelement vertex 1000000000000\nproperty float x\nend_header\n")
                .into_bytes();
        bytes.resize(100, b'\n');
        let (result, peak) = peak_bytes_during(|| ply::parse_mesh(p, &bytes));
        let e = err_of(result);
        let declared = 1_000_000_000_000;
        if format == "ascii" {
            // One line per vertex: the lines are counted first.
            assert!(
                matches!(e, GeomError::CountMismatch { element: "vertex", declared: d, found: 0, .. } if d == declared),
                "{e}"
            );
        } else {
            assert!(
                matches!(e, GeomError::ImplausibleCount { element: "vertex", declared: d, .. } if d == declared),
                "{e}"
            );
        }
        assert!(e.to_string().contains("huge.ply"), "{e}");
        assert!(peak < 10 << 20, "{format}: {peak} bytes allocated");
        assert_bounded(peak, bytes.len(), 64, 64 << 10);
    }
    // Counts that no usize holds, or that overflow when multiplied by the row size.
    let text = "ply\nformat binary_little_endian 1.0\nelement vertex 18446744073709551615\nproperty double x\nproperty double y\nproperty double z\nend_header\n";
    assert!(matches!(err_of(ply::parse_mesh(p, text.as_bytes())), GeomError::ImplausibleCount { .. }));
    let text = "ply\nformat ascii 1.0\nelement vertex 99999999999999999999999\nproperty float x\nend_header\n";
    assert!(matches!(err_of(ply::parse_mesh(p, text.as_bytes())), GeomError::BadHeader { .. }));
}

#[test]
fn huge_counts_in_off_and_obj_are_bounded_by_the_file() {
    let p = Path::new("huge.off");
    let text = "OFF\n1000000000000 1000000000000 0\n0 0 0\n";
    let (result, peak) = peak_bytes_during(|| off::parse(p, text));
    assert!(matches!(err_of(result), GeomError::CountMismatch { element: "vertex", found: 1, .. }));
    assert_bounded(peak, text.len(), 64, 64 << 10);
    // An OBJ face with a huge index: out of range, nothing allocated for it.
    let text = "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 99999999999\n";
    let e = err_of(obj::parse(Path::new("huge.obj"), text));
    assert!(matches!(e, GeomError::FaceIndexOutOfRange { face: 0, index: 99_999_999_998, .. }), "{e}");
}

#[test]
fn an_element_without_properties_cannot_claim_instances() {
    let p = Path::new("empty.ply");
    for format in ["ascii", "binary_little_endian"] {
        let text = format!(
            "ply\nformat {format} 1.0\nelement vertex 0\nproperty float x\nproperty float y\nproperty float z\nelement nothing 1000000000000000000\nend_header\n"
        );
        let e = err_of(ply::parse_mesh(p, text.as_bytes()));
        assert!(matches!(&e, GeomError::BadHeader { message, .. } if message.contains("no properties")), "{e}");
        // With no instances it is harmless.
        let text = text.replace("1000000000000000000", "0");
        assert!(ply::parse_mesh(p, text.as_bytes()).is_ok());
    }
}

#[test]
fn end_header_must_be_a_line_of_its_own() {
    let p = Path::new("header.ply");
    let text = format!(
        "ply\nformat ascii 1.0\ncomment end_header is the last line\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nend_header\n{TRIANGLE}"
    );
    assert_eq!(ply::parse_mesh(p, text.as_bytes()).unwrap().vertices.len(), 3);
    let text = "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nxend_header\n0\n";
    assert!(matches!(err_of(ply::parse_mesh(p, text.as_bytes())), GeomError::BadHeader { .. }));
    let text = "ply\nformat ascii 1.0\nelement vertex 1\nproperty float end_header\n";
    assert!(matches!(err_of(ply::parse_mesh(p, text.as_bytes())), GeomError::BadHeader { .. }));
}

#[test]
fn negative_and_fractional_list_lengths_are_typed_errors() {
    let p = Path::new("lists.ply");
    for (types, face) in
        [("uchar int", "-3 0 1 2"), ("char int", "-3 0 1 2"), ("uchar int", "2.5 0 1 2"), ("uchar int", "nan 0 1")]
    {
        let e = err_of(ply::parse_mesh(p, &ascii_ply(3, 1, types, &format!("{TRIANGLE}{face}\n"))));
        assert!(matches!(e, GeomError::BadListLength { element: "face", index: 0, .. }), "{types} {face}: {e}");
    }
    let mut bytes = binary_header(3, 1, "char int");
    triangle_vertices(&mut bytes);
    bytes.push((-3i8) as u8);
    bytes.extend_from_slice(&[0; 12]);
    let e = err_of(ply::parse_mesh(p, &bytes));
    assert!(matches!(&e, GeomError::BadListLength { element: "face", index: 0, value, .. } if value == "-3"), "{e}");
    // A list longer than what is left of the file: refused before reading its items.
    let mut bytes = binary_header(3, 1, "uint int");
    triangle_vertices(&mut bytes);
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    bytes.extend_from_slice(&[0; 12]);
    let (result, peak) = peak_bytes_during(|| ply::parse_mesh(p, &bytes));
    assert!(matches!(err_of(result), GeomError::Truncated { element: "face", index: 0, .. }));
    assert_bounded(peak, bytes.len(), 64, 64 << 10);
}

#[test]
fn float_valued_indices_are_typed_errors() {
    let p = Path::new("indices.ply");
    for face in ["3 0 1 2.7", "3 0 1 nan", "3 0 inf 1"] {
        let e = err_of(ply::parse_mesh(p, &ascii_ply(3, 1, "uchar float", &format!("{TRIANGLE}{face}\n"))));
        assert!(matches!(e, GeomError::BadIndex { face: 0, .. }), "{face}: {e}");
        // An integer list type refuses the value while reading.
        let e = err_of(ply::parse_mesh(p, &ascii_ply(3, 1, "uchar int", &format!("{TRIANGLE}{face}\n"))));
        assert!(matches!(e, GeomError::Parse { element: "face", index: 0, .. }), "{face}: {e}");
    }
    let mut bytes = binary_header(3, 1, "uchar float");
    triangle_vertices(&mut bytes);
    bytes.push(3);
    [0.0f32, 1.0, 2.7].iter().for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
    let e = err_of(ply::parse_mesh(p, &bytes));
    assert!(matches!(e, GeomError::BadIndex { face: 0, .. }), "{e}");
    let e = err_of(off::parse(Path::new("i.off"), &format!("OFF\n3 1 0\n{TRIANGLE}3 0 1 2.7\n")));
    assert!(matches!(&e, GeomError::BadIndex { face: 0, value, .. } if value == "2.7"), "{e}");
    let e = err_of(obj::parse(Path::new("i.obj"), "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 nan\n"));
    assert!(matches!(&e, GeomError::BadIndex { face: 0, value, .. } if value == "nan"), "{e}");
}

#[test]
fn faces_with_fewer_than_three_corners_are_typed_errors() {
    let two = |e: GeomError| matches!(e, GeomError::TooFewCorners { face: 0, corners: 2, .. });
    let e = err_of(ply::parse_mesh(Path::new("f.ply"), &ascii_ply(3, 1, "uchar int", &format!("{TRIANGLE}2 0 1\n"))));
    assert!(two(e));
    let mut bytes = binary_header(3, 1, "uchar int");
    triangle_vertices(&mut bytes);
    bytes.push(2);
    [0i32, 1].iter().for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
    assert!(two(err_of(ply::parse_mesh(Path::new("f.ply"), &bytes))));
    assert!(two(err_of(off::parse(Path::new("f.off"), &format!("OFF\n3 1 0\n{TRIANGLE}2 0 1\n")))));
    assert!(two(err_of(obj::parse(Path::new("f.obj"), "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2\n"))));
    let e = err_of(off::parse(Path::new("f.off"), &format!("OFF\n3 1 0\n{TRIANGLE}-3 0 1 2\n")));
    assert!(matches!(e, GeomError::BadListLength { element: "face", index: 0, .. }), "{e}");
}

#[test]
fn non_finite_coordinates_are_rejected_in_every_format() {
    for bad in ["nan", "inf", "-inf", "1e40", "NaN"] {
        let vertices = format!("0 0 0\n1 0 0\n0 {bad} 0\n");
        let faces = "3 0 1 2\n";
        let check = |e: GeomError, file: &str| {
            assert!(matches!(&e, GeomError::NonFinite { element: "vertex", index: 2, .. }), "{file} with {bad}: {e}");
            assert!(e.to_string().contains(file), "{e}");
        };
        check(err_of(off::parse(Path::new("n.off"), &format!("OFF\n3 1 0\n{vertices}{faces}"))), "n.off");
        let obj_text: String = vertices.lines().map(|l| format!("v {l}\n")).collect();
        check(err_of(obj::parse(Path::new("n.obj"), &format!("{obj_text}f 1 2 3\n"))), "n.obj");
        check(
            err_of(ply::parse_mesh(Path::new("n.ply"), &ascii_ply(3, 1, "uchar int", &format!("{vertices}{faces}")))),
            "n.ply",
        );
    }
    // Binary: a NaN float, and a double beyond f32.
    let mut bytes = binary_header(3, 0, "uchar int");
    triangle_vertices(&mut bytes);
    let y = bytes.len() - 8;
    bytes[y..y + 4].copy_from_slice(&f32::NAN.to_le_bytes());
    let e = err_of(ply::parse_mesh(Path::new("n.ply"), &bytes));
    assert!(matches!(e, GeomError::NonFinite { element: "vertex", index: 2, .. }), "{e}");
    let mut bytes = b"ply\nformat binary_little_endian 1.0\nelement vertex 1\nproperty double x\nproperty double y\nproperty double z\nend_header\n".to_vec();
    [0.0f64, 1e300, 0.0].iter().for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
    let e = err_of(ply::parse_mesh(Path::new("n.ply"), &bytes));
    assert!(matches!(e, GeomError::NonFinite { element: "vertex", index: 0, .. }), "{e}");
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_read() {
    let mesh = TriangleMesh {
        vertices: vec![[0.0, 0.0, 0.0].into(), [1.0, 0.0, 0.0].into(), [0.0, 1.0, 0.0].into()],
        faces: vec![[0, 1, 2]],
    };
    let dressed = |text: &[u8]| {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        out.extend(String::from_utf8_lossy(text).replace('\n', "\r\n").into_bytes());
        out
    };
    let p = Path::new("bom");
    let off_bytes = dressed(off::to_string(&mesh).as_bytes());
    assert_eq!(off::parse_bytes(p, &off_bytes).unwrap(), mesh);
    let obj_bytes = dressed(obj::to_string(&mesh).as_bytes());
    assert_eq!(obj::parse_bytes(p, &obj_bytes).unwrap(), mesh);
    let ply_bytes = dressed(&ply::mesh_to_bytes(&mesh, Encoding::Ascii));
    assert_eq!(ply::parse_mesh(p, &ply_bytes).unwrap(), mesh);
    // A binary body after a CRLF header, behind a BOM.
    let binary = ply::mesh_to_bytes(&mesh, Encoding::BinaryLittleEndian);
    let split = binary.windows(11).position(|w| w == b"end_header\n").unwrap() + 11;
    let mut bytes = dressed(&binary[..split]);
    bytes.extend_from_slice(&binary[split..]);
    assert_eq!(ply::parse_mesh(p, &bytes).unwrap(), mesh);
}

#[test]
fn leftovers_and_duplicate_declarations_are_typed_errors() {
    let p = Path::new("extra.ply");
    let mesh = TriangleMesh {
        vertices: vec![[0.0, 0.0, 0.0].into(), [1.0, 0.0, 0.0].into(), [0.0, 1.0, 0.0].into()],
        faces: vec![[0, 1, 2]],
    };
    let mut bytes = ply::mesh_to_bytes(&mesh, Encoding::BinaryLittleEndian);
    bytes.extend_from_slice(b"junk");
    assert!(matches!(err_of(ply::parse_mesh(p, &bytes)), GeomError::TrailingBytes { count: 4, .. }));
    let e = err_of(ply::parse_mesh(p, &ascii_ply(3, 1, "uchar int", &format!("{TRIANGLE}3 0 1 2 7\n"))));
    assert!(matches!(e, GeomError::Parse { element: "face", index: 0, .. }), "{e}");
    let e = err_of(ply::parse_mesh(p, &ascii_ply(3, 0, "uchar int", "0 0 0 0\n1 0 0\n0 1 0\n")));
    assert!(matches!(e, GeomError::Parse { element: "vertex", index: 0, .. }), "{e}");
    let twice = "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float x\nend_header\n0 0\n";
    assert!(matches!(err_of(ply::parse_mesh(p, twice.as_bytes())), GeomError::BadHeader { .. }));
    let twice =
        "ply\nformat ascii 1.0\nelement vertex 0\nproperty float x\nelement vertex 0\nproperty float y\nend_header\n";
    assert!(matches!(err_of(ply::parse_mesh(p, twice.as_bytes())), GeomError::BadHeader { .. }));
    let twice =
        "ply\nformat ascii 1.0\nformat binary_little_endian 1.0\nelement vertex 0\nproperty float x\nend_header\n";
    assert!(matches!(err_of(ply::parse_mesh(p, twice.as_bytes())), GeomError::BadHeader { .. }));
    let e = err_of(ply::parse_mesh(p, &ascii_ply(3, 1, "float int", &format!("{TRIANGLE}3 0 1 2\n"))));
    assert!(matches!(e, GeomError::BadHeader { .. }), "a float list count type: {e}");
    // An ASCII value outside its declared integer type.
    let text = "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n0 0 0 300 0 0\n";
    assert!(matches!(
        err_of(ply::parse_cloud(p, text.as_bytes())),
        GeomError::Parse { element: "vertex", index: 0, .. }
    ));
}
