//! KITTI / nuScenes `.bin` scans and SemanticKITTI `.label` files: round trips through a temp
//! directory, exact byte layouts and typed errors.

use std::path::Path;

use kiln_geom::GeomError;
use kiln_geom::io::kitti_bin::{BinLayout, bin_to_bytes, parse_bin, read_bin, write_bin};
use kiln_geom::io::semantic_label::{
    LABEL_STRIDE, labels_to_bytes, parse_labels, read_labels, read_labels_into, write_labels,
};
use kiln_geom::lidar::{LidarClass, LidarScan, SemanticLabel};
use nalgebra::Point3;

use super::tmp;

fn sample() -> LidarScan {
    LidarScan::new(
        vec![Point3::new(1.5, -2.25, 0.125), Point3::new(-40.0, 3.0e-3, -1.73), Point3::new(0.0, 0.0, 0.0)],
        vec![0.25, 1.0, 0.0],
    )
    .expect("scan")
    .with_rings(vec![0.0, 31.0, 7.0])
    .expect("rings")
}

#[test]
fn kitti_round_trip_and_byte_layout() {
    let scan = sample();
    let path = tmp("kitti", "000000.bin");
    write_bin(&path, &scan, BinLayout::Kitti).expect("write");
    let bytes = std::fs::read(&path).expect("bytes");
    assert_eq!(bytes.len(), 3 * 16);
    // The first record: x y z intensity, little-endian f32.
    let first: Vec<u8> = [1.5f32, -2.25, 0.125, 0.25].iter().flat_map(|v| v.to_le_bytes()).collect();
    assert_eq!(&bytes[..16], &first[..]);
    let back = read_bin(&path, BinLayout::Kitti).expect("read");
    assert_eq!(back.positions, scan.positions);
    assert_eq!(back.intensities, scan.intensities);
    assert_eq!((back.rings, back.labels), (None, None));
}

#[test]
fn nuscenes_round_trip_keeps_rings() {
    let scan = sample();
    let path = tmp("nuscenes", "sweep.pcd.bin");
    write_bin(&path, &scan, BinLayout::NuScenes).expect("write");
    assert_eq!(std::fs::metadata(&path).expect("meta").len(), 3 * 20);
    let back = read_bin(&path, BinLayout::from_path(&path)).expect("read");
    assert_eq!(back, scan);
    // Without rings the nuScenes layout cannot be written.
    let plain = LidarScan::new(scan.positions.clone(), scan.intensities.clone()).expect("scan");
    assert!(matches!(bin_to_bytes(&plain, BinLayout::NuScenes), Err(GeomError::Invalid(_))));
    // The same bytes read as KITTI are misaligned (60 is not a multiple of 16).
    let err = read_bin(&path, BinLayout::Kitti).expect_err("misaligned");
    assert!(matches!(err, GeomError::Misaligned { len: 60, stride: 16, .. }), "{err}");
}

#[test]
fn layout_from_path() {
    assert_eq!(BinLayout::from_path(Path::new("a/b/n008.pcd.bin")), BinLayout::NuScenes);
    assert_eq!(BinLayout::from_path(Path::new("SWEEP.PCD.BIN")), BinLayout::NuScenes);
    assert_eq!(BinLayout::from_path(Path::new("velodyne/000123.bin")), BinLayout::Kitti);
    assert_eq!(BinLayout::from_path(Path::new("")), BinLayout::Kitti);
    assert_eq!((BinLayout::Kitti.stride(), BinLayout::NuScenes.stride()), (16, 20));
}

#[test]
fn truncated_empty_and_non_finite_bins_are_refused() {
    let bytes = bin_to_bytes(&sample(), BinLayout::Kitti).expect("bytes");
    let path = tmp("bad-bin", "truncated.bin");
    std::fs::write(&path, &bytes[..bytes.len() - 3]).expect("write");
    let err = read_bin(&path, BinLayout::Kitti).expect_err("truncated");
    assert!(matches!(&err, GeomError::Misaligned { len: 45, stride: 16, .. }), "{err}");
    assert!(err.to_string().contains("truncated.bin") && err.to_string().contains("45 bytes"), "{err}");
    let err = parse_bin(Path::new("e.bin"), &[], BinLayout::Kitti).expect_err("empty");
    assert!(matches!(err, GeomError::EmptyScan { .. }), "{err}");
    let mut nan = bytes.clone();
    nan[16 + 8..16 + 12].copy_from_slice(&f32::NAN.to_le_bytes());
    let err = parse_bin(Path::new("n.bin"), &nan, BinLayout::Kitti).expect_err("nan");
    assert!(matches!(err, GeomError::NonFinite { index: 1, .. }), "{err}");
    let err = read_bin(tmp("bad-bin", "missing.bin"), BinLayout::Kitti).expect_err("missing");
    assert!(matches!(err, GeomError::Io { .. }), "{err}");
}

#[test]
fn what_cannot_be_read_back_is_not_written() {
    let empty = LidarScan::default();
    assert!(matches!(bin_to_bytes(&empty, BinLayout::Kitti), Err(GeomError::Invalid(_))));
    let mut scan = sample();
    scan.intensities[2] = f32::INFINITY;
    assert!(matches!(bin_to_bytes(&scan, BinLayout::Kitti), Err(GeomError::Invalid(_))));
    let mut scan = sample();
    scan.rings = Some(vec![0.0, f32::NAN, 1.0]);
    // KITTI drops the rings; nuScenes would write the NaN.
    assert!(bin_to_bytes(&scan, BinLayout::Kitti).is_ok());
    assert!(matches!(bin_to_bytes(&scan, BinLayout::NuScenes), Err(GeomError::Invalid(_))));
    let mut scan = sample();
    scan.intensities.pop();
    assert!(matches!(bin_to_bytes(&scan, BinLayout::Kitti), Err(GeomError::Invalid(_))));
}

#[test]
fn label_words_split_into_class_and_instance() {
    let l = SemanticLabel::from_raw(0x0003_000A);
    assert_eq!(l, LidarClass::Car.label(3));
    assert_eq!(l.to_raw(), 0x0003_000A);
    assert_eq!(SemanticLabel::from_raw(u32::MAX), SemanticLabel::new(0xFFFF, 0xFFFF));
    assert_eq!(labels_to_bytes(&[l, LidarClass::Fence.label(0)]), vec![0x0A, 0, 3, 0, 51, 0, 0, 0]);
    for c in [LidarClass::Unlabeled, LidarClass::Car, LidarClass::Road, LidarClass::Fence] {
        assert_eq!(LidarClass::from_id(c.id()), Some(c));
    }
    assert_eq!(LidarClass::from_id(11), None);
}

#[test]
fn labels_round_trip_and_attach_to_their_scan() {
    let scan = sample();
    let labels = vec![LidarClass::Road.label(0), LidarClass::Car.label(2), SemanticLabel::new(252, 65535)];
    let path = tmp("labels", "000000.label");
    write_labels(&path, &labels).expect("write");
    assert_eq!(std::fs::metadata(&path).expect("meta").len(), 3 * LABEL_STRIDE as u64);
    assert_eq!(read_labels(&path, None).expect("read"), labels);
    assert_eq!(read_labels(&path, Some(3)).expect("read"), labels);
    let labelled = read_labels_into(&path, scan.clone()).expect("attach");
    assert_eq!(labelled.labels.as_ref(), Some(&labels));
    assert_eq!(labelled.positions, scan.positions);
    let cloud = labelled.to_cloud();
    assert_eq!(cloud.labels, Some(vec![40, 10, 252]));
}

#[test]
fn bad_label_files_are_refused() {
    let bytes = labels_to_bytes(&[LidarClass::Road.label(0); 4]);
    let err = parse_labels(Path::new("t.label"), &bytes[..14], None).expect_err("misaligned");
    assert!(matches!(err, GeomError::Misaligned { len: 14, stride: 4, .. }), "{err}");
    let err = parse_labels(Path::new("t.label"), &bytes, Some(3)).expect_err("count");
    assert!(matches!(err, GeomError::LabelCountMismatch { labels: 4, points: 3, .. }), "{err}");
    assert!(err.to_string().contains("4 labels for a scan of 3 points"), "{err}");
    let path = tmp("bad-labels", "short.label");
    std::fs::write(&path, &bytes[..8]).expect("write");
    let err = read_labels_into(&path, sample()).expect_err("two labels for three points");
    assert!(matches!(err, GeomError::LabelCountMismatch { labels: 2, points: 3, .. }), "{err}");
    // In memory, a mismatched column is refused too.
    assert!(matches!(sample().with_labels(vec![SemanticLabel::default()]), Err(GeomError::Invalid(_))));
    assert!(matches!(sample().with_rings(vec![]), Err(GeomError::Invalid(_))));
    assert!(LidarScan::new(vec![Point3::origin()], vec![]).is_err());
}
