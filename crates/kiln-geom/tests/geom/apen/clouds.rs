//! A user's labelled PLY clouds as APEN samples: subsampling, labels as parts, and the errors
//! naming the file.

use kiln_geom::apen::{read_labelled_dir, sample_from_cloud};
use kiln_geom::io::ply::{Encoding, write_cloud};
use kiln_geom::{GeomError, PointCloud};
use nalgebra::Point3;

/// A line of `n` points along x at height `y`, labelled 0 left of the middle and 1 right of it.
fn line_at(n: usize, y: f32) -> PointCloud {
    let points: Vec<Point3<f32>> = (0..n).map(|i| Point3::new(i as f32, y, 0.0)).collect();
    let labels = (0..n).map(|i| u32::from(i >= n / 2)).collect();
    PointCloud::new(points).with_labels(labels).unwrap()
}

fn labelled_line(n: usize) -> PointCloud {
    line_at(n, 0.0)
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kiln-geom-apen-clouds-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn subsampling_keeps_each_point_with_its_label_and_is_seeded() {
    let cloud = labelled_line(40);
    let path = std::path::Path::new("line.ply");
    let a = sample_from_cloud(&cloud, path, 12, 2, 5).unwrap();
    let b = sample_from_cloud(&cloud, path, 12, 2, 5).unwrap();
    assert_eq!(a, b, "same seed, same sample");
    assert_eq!(a.points.len(), 12);
    for (p, &l) in a.points.iter().zip(&a.labels) {
        assert_eq!(l, usize::from(p.x >= 20.0), "point {p:?} lost its label");
    }
    assert_eq!(a.parts, a.labels, "a PLY has no instances: the parts are the labels");
    assert_eq!(a.class, 0);
    let mut xs: Vec<f32> = a.points.iter().map(|p| p.x).collect();
    xs.dedup();
    assert_eq!(xs.len(), 12, "drawn without replacement, in order: {xs:?}");
    assert_ne!(a, sample_from_cloud(&cloud, path, 12, 2, 6).unwrap(), "another seed, another sample");
}

#[test]
fn unusable_clouds_are_errors_naming_the_file() {
    let path = std::path::Path::new("chair.ply");
    let message = |e: GeomError| e.to_string();
    let unlabelled = PointCloud::new(vec![Point3::origin(); 10]);
    let e = message(sample_from_cloud(&unlabelled, path, 4, 2, 0).unwrap_err());
    assert!(e.contains("chair.ply") && e.contains("`label`"), "{e}");
    let e = message(sample_from_cloud(&labelled_line(8), path, 16, 2, 0).unwrap_err());
    assert!(e.contains("chair.ply") && e.contains("8 points") && e.contains("16"), "{e}");
    let e = message(sample_from_cloud(&labelled_line(8), path, 4, 1, 0).unwrap_err());
    assert!(e.contains("chair.ply") && e.contains("vertex 4 has label 1"), "{e}");
}

#[test]
fn a_directory_reads_its_ply_files_in_name_order() {
    let dir = scratch("dir");
    let empty = read_labelled_dir(&dir, 4, 2, 0).unwrap_err().to_string();
    assert!(empty.contains("no .ply files"), "{empty}");
    write_cloud(dir.join("b.ply"), &line_at(10, 2.0), Encoding::Ascii).unwrap();
    write_cloud(dir.join("a.ply"), &line_at(20, 1.0), Encoding::BinaryLittleEndian).unwrap();
    std::fs::write(dir.join("notes.txt"), "not a cloud").unwrap();
    let samples = read_labelled_dir(&dir, 6, 2, 1).unwrap();
    assert_eq!(samples.len(), 2);
    // a.ply (at y = 1) first, then b.ply (at y = 2).
    assert!(samples[0].points.iter().all(|p| p.y == 1.0) && samples[1].points.iter().all(|p| p.y == 2.0));
    write_cloud(dir.join("c.ply"), &PointCloud::new(vec![Point3::origin(); 10]), Encoding::Ascii).unwrap();
    let e = read_labelled_dir(&dir, 6, 2, 1).unwrap_err().to_string();
    assert!(e.contains("c.ply") && e.contains("`label`"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}
