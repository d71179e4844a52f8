//! `kiln geom train-apen` on a user's labelled PLY clouds, then `kiln geom segment` with the
//! checkpoint it wrote; an unlabelled cloud is an error naming the file.

use crate::common::{Scratch, arg, assert_fails, assert_succeeds, kiln};

/// Two boxes of different extents side by side: the flat one labelled 0, the tall one 1.
fn two_boxes(seed: u64) -> kiln_geom::PointCloud {
    use kiln_geom::{Aabb, TriangleMesh};
    let flat = Aabb::new([-0.9, -0.3, -0.05].into(), [-0.1, 0.3, 0.05].into());
    let tall = Aabb::new([0.1, -0.1, -0.4].into(), [0.3, 0.1, 0.4].into());
    let a = kiln_geom::ops::sample::sample_surface(&TriangleMesh::cuboid(&flat), 48, seed).unwrap();
    let b = kiln_geom::ops::sample::sample_surface(&TriangleMesh::cuboid(&tall), 48, seed + 1).unwrap();
    let points = a.positions.iter().chain(&b.positions).copied().collect();
    let labels = (0..96).map(|i| u32::from(i >= 48)).collect();
    kiln_geom::PointCloud::new(points).with_labels(labels).unwrap()
}

#[test]
fn train_apen_writes_a_checkpoint_that_segment_uses() {
    let scratch = Scratch::new("geom-train-apen");
    let data = scratch.path().join("clouds");
    std::fs::create_dir_all(&data).unwrap();
    for i in 0..4 {
        let path = data.join(format!("pair-{i}.ply"));
        kiln_geom::io::ply::write_cloud(&path, &two_boxes(10 * i), kiln_geom::io::ply::Encoding::Ascii).unwrap();
    }
    let out = scratch.path().join("apen");
    let stdout = assert_succeeds(&kiln(&[
        "geom",
        "train-apen",
        "--data",
        arg(&data),
        "--parts",
        "2",
        "--points",
        "64",
        "--fine-parts",
        "4",
        "--width",
        "16",
        "--epochs",
        "40",
        "--batch",
        "4",
        "--out",
        arg(&out),
        "--device",
        "flex",
    ]));
    assert!(stdout.contains("trained APEN on 4 clouds of 64 points"), "{stdout}");
    let miou: f64 = stdout
        .split("training part mIoU ")
        .nth(1)
        .and_then(|s| s.split('%').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no mIoU in:\n{stdout}"));
    assert!(miou > 70.0, "the two box types were not learned: mIoU {miou}%\n{stdout}");
    assert!(out.join("apen.json").is_file() && out.join("model.bpk").is_file());
    let input = data.join("pair-0.ply");
    let labelled = scratch.path().join("labelled.ply");
    let stdout = assert_succeeds(&kiln(&[
        "geom",
        "segment",
        "--input",
        arg(&input),
        "--checkpoint",
        arg(&out),
        "--out",
        arg(&labelled),
        "--device",
        "flex",
    ]));
    assert!(stdout.contains("96 points in 2 parts"), "{stdout}");
    let back = kiln_geom::io::ply::read_cloud(&labelled).unwrap();
    let labels = back.labels.unwrap();
    let agree = labels.iter().enumerate().filter(|&(i, &l)| l == u32::from(i >= 48)).count();
    assert!(agree >= 70, "segment disagrees with the labels on {} of 96 points", 96 - agree);
}

#[test]
fn train_apen_names_an_unlabelled_cloud() {
    let scratch = Scratch::new("geom-train-apen-bad");
    let data = scratch.path().join("clouds");
    std::fs::create_dir_all(&data).unwrap();
    let cloud = kiln_geom::PointCloud::new(two_boxes(0).positions);
    kiln_geom::io::ply::write_cloud(data.join("bare.ply"), &cloud, kiln_geom::io::ply::Encoding::Ascii).unwrap();
    let out = scratch.path().join("apen");
    let err = assert_fails(&kiln(&[
        "geom",
        "train-apen",
        "--data",
        arg(&data),
        "--parts",
        "2",
        "--points",
        "64",
        "--out",
        arg(&out),
        "--device",
        "flex",
    ]));
    assert!(err.contains("bare.ply") && err.contains("`label`"), "{err}");
    assert!(!out.exists(), "a checkpoint was written for bad data");
}
