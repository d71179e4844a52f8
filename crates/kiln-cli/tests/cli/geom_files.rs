//! Hostile mesh files through `kiln geom reconstruct`: exit status 1 and one `error:` line that
//! names the file, no panic, nothing written, and the shipped model when no checkpoint is given.
//! Also `kiln geom bev` and `kiln geom segment` (an untrained APEN saved by the test).

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln};

/// Runs `kiln geom reconstruct --input INPUT --out x.obj` (the shipped model) and checks the
/// clean failure: exit status 1, a single line naming the file and containing `expected`.
fn fails_cleanly(scratch: &Scratch, name: &str, contents: &[u8], expected: &str) {
    let input = scratch.path().join(name);
    std::fs::write(&input, contents).unwrap();
    let out = scratch.path().join("x.obj");
    let err =
        assert_fails(&kiln(&["geom", "reconstruct", "--input", arg(&input), "--out", arg(&out), "--device", "flex"]));
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line:\n{err}");
    assert!(lines[0].contains(&input.display().to_string()), "the file is not named:\n{err}");
    assert!(lines[0].contains(expected), "`{expected}` missing:\n{err}");
    assert!(!out.exists(), "an output was written for a bad input");
}

#[test]
fn a_ply_claiming_a_trillion_vertices_fails_with_one_line() {
    let scratch = Scratch::new("geom-huge-ply");
    let mut bytes =
        b"ply\nformat binary_little_endian 1.0\nelement vertex 1000000000000\nproperty float x\nend_header\n".to_vec();
    bytes.resize(100, 0);
    fails_cleanly(&scratch, "hostile.ply", &bytes, "header declares 1000000000000 vertex elements");
}

#[test]
fn an_off_with_a_nan_vertex_fails_with_one_line() {
    let scratch = Scratch::new("geom-nan-off");
    let text = "OFF\n4 4 0\n0 0 0\n1 0 0\nnan 1 0\n0 0 1\n3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n";
    fails_cleanly(&scratch, "hostile.off", text.as_bytes(), "vertex 2 has the non-finite value `nan`");
}

#[test]
fn reconstruct_works_without_a_checkpoint_and_names_a_missing_one() {
    let scratch = Scratch::new("geom-shipped");
    let input = scratch.path().join("cube.off");
    kiln_geom::io::write_mesh(&input, &kiln_geom::TriangleMesh::cuboid(&kiln_geom::Aabb::cube(0.4))).unwrap();
    let out = scratch.path().join("mesh.obj");
    let stdout = assert_succeeds(&kiln(&[
        "geom",
        "reconstruct",
        "--input",
        arg(&input),
        "--out",
        arg(&out),
        "--device",
        "flex",
    ]));
    assert!(stdout.contains("convexes"), "{stdout}");
    let mesh = kiln_geom::io::read_mesh(&out).unwrap();
    assert!(!mesh.faces.is_empty(), "the shipped model reconstructed nothing");
    let missing = scratch.path().join("no-such-run");
    let err = assert_fails(&kiln(&[
        "geom",
        "reconstruct",
        "--input",
        arg(&input),
        "--checkpoint",
        arg(&missing),
        "--out",
        arg(&out),
        "--device",
        "flex",
    ]));
    assert!(err.contains("no-such-run") && err.contains("cargo xtask reproduce geom"), "{err}");
}

#[test]
fn bev_rasterises_a_kitti_scan_and_names_a_truncated_one() {
    let scratch = Scratch::new("geom-bev");
    let input = scratch.path().join("000000.bin");
    // KITTI: x y z intensity, little-endian f32.
    let points = [[1.0f32, 0.0, -1.5, 0.2], [10.0, 5.0, 0.5, 0.8], [80.0, 0.0, 0.0, 0.5]];
    let bytes: Vec<u8> = points.iter().flatten().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(&input, &bytes).unwrap();
    let out = scratch.path().join("bev.png");
    let stdout = assert_succeeds(&kiln(&["geom", "bev", "--input", arg(&input), "--out", arg(&out)]));
    // Two points fall inside ±51.2 m, one 80 m out does not.
    assert!(stdout.contains("512×512 cells, 2 occupied"), "{stdout}");
    // The PNG header's IHDR: width and height, big-endian, at bytes 16 and 20.
    let png = std::fs::read(&out).unwrap();
    let be = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    assert_eq!((be(16), be(20)), (512, 512));
    let truncated = scratch.path().join("cut.bin");
    std::fs::write(&truncated, &bytes[..20]).unwrap();
    let err = assert_fails(&kiln(&["geom", "bev", "--input", arg(&truncated), "--out", arg(&out)]));
    assert!(err.contains("cut.bin"), "{err}");
}

#[test]
fn segment_writes_one_label_per_point_and_names_a_missing_checkpoint() {
    let scratch = Scratch::new("geom-segment");
    // An untrained small APEN, saved through the library.
    let device = burn::prelude::Device::flex();
    let config = kiln_geom::apen::ApenConfig::small();
    let checkpoint = scratch.path().join("apen");
    config.init(&device).unwrap().save(&checkpoint, &config).unwrap();
    // 96 points on a box's surface, with intensities that must survive.
    let mesh = kiln_geom::TriangleMesh::cuboid(&kiln_geom::Aabb::cube(0.3));
    let cloud = kiln_geom::ops::sample::sample_surface(&mesh, 96, 7).unwrap();
    let intensities: Vec<f32> = (0..cloud.len()).map(|i| i as f32 / 96.0).collect();
    let cloud = cloud.with_intensities(intensities).unwrap();
    let input = scratch.path().join("cloud.ply");
    kiln_geom::io::ply::write_cloud(&input, &cloud, kiln_geom::io::ply::Encoding::Ascii).unwrap();
    let out = scratch.path().join("labelled.ply");
    let stdout = assert_succeeds(&kiln(&[
        "geom",
        "segment",
        "--input",
        arg(&input),
        "--checkpoint",
        arg(&checkpoint),
        "--out",
        arg(&out),
        "--device",
        "flex",
    ]));
    assert!(stdout.contains("96 points in 4 parts") && stdout.contains("part 3:"), "{stdout}");
    let back = kiln_geom::io::ply::read_cloud(&out).unwrap();
    let labels = back.labels.as_ref().expect("the output has labels");
    assert_eq!(labels.len(), cloud.len());
    assert!(labels.iter().all(|&k| (k as usize) < config.parts), "{labels:?}");
    assert_eq!(back.positions, cloud.positions);
    assert_eq!(back.intensities, cloud.intensities);
    let missing = scratch.path().join("no-such-apen");
    let out2 = scratch.path().join("x.ply");
    let err = assert_fails(&kiln(&[
        "geom",
        "segment",
        "--input",
        arg(&input),
        "--checkpoint",
        arg(&missing),
        "--out",
        arg(&out2),
        "--device",
        "flex",
    ]));
    assert!(err.contains("no-such-apen") && err.contains("apen.json"), "{err}");
    assert!(!out2.exists(), "an output was written without a model");
}
