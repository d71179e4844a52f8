//! IDX reader tests.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use kiln_data::DataError;
use kiln_data::formats::{load_idx, load_idx_dir, read_idx_images, read_idx_labels};

use super::scratch_dir;

/// An IDX file: magic `0 0 0x08 ndims`, big-endian dims, payload.
fn idx_bytes(dims: &[u32], payload: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, 0, 0x08, dims.len() as u8];
    for d in dims {
        bytes.extend_from_slice(&d.to_be_bytes());
    }
    bytes.extend_from_slice(payload);
    bytes
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Two 2×3 images with pixels 0, 51, 102, … and labels 3, 7.
fn sample_images() -> Vec<u8> {
    let pixels: Vec<u8> = (0..12).map(|i| (i * 51 % 256) as u8).collect();
    idx_bytes(&[2, 2, 3], &pixels)
}

fn sample_labels() -> Vec<u8> {
    idx_bytes(&[2], &[3, 7])
}

fn check_sample(examples: &[kiln_data::ImageExample]) {
    assert_eq!(examples.len(), 2);
    assert_eq!(examples[0].label, 3);
    assert_eq!(examples[1].label, 7);
    for (n, example) in examples.iter().enumerate() {
        assert_eq!(example.image.shape(), [1, 2, 3]);
        for (i, &p) in example.image.pixels.iter().enumerate() {
            let raw = ((n * 6 + i) * 51 % 256) as f32;
            assert_eq!(p, raw / 255.0);
        }
    }
    assert_eq!(examples[0].image.at(0, 1, 2), 1.0); // raw byte 255
}

#[test]
fn plain_idx_round_trip() {
    let dir = scratch_dir("idx-plain");
    std::fs::write(dir.join("img"), sample_images()).unwrap();
    std::fs::write(dir.join("lbl"), sample_labels()).unwrap();
    check_sample(&load_idx(dir.join("img"), dir.join("lbl")).unwrap());
    assert_eq!(read_idx_labels(dir.join("lbl")).unwrap(), vec![3, 7]);
}

#[test]
fn gzipped_idx_round_trip_detected_by_magic_not_name() {
    let dir = scratch_dir("idx-gzip");
    // No `.gz` extension: compression must be detected from the content.
    std::fs::write(dir.join("images.bin"), gzip(&sample_images())).unwrap();
    std::fs::write(dir.join("labels.bin"), gzip(&sample_labels())).unwrap();
    check_sample(&load_idx(dir.join("images.bin"), dir.join("labels.bin")).unwrap());
}

#[test]
fn idx_dir_finds_standard_names_plain_or_gzipped() {
    let dir = scratch_dir("idx-dir");
    std::fs::write(dir.join("train-images-idx3-ubyte.gz"), gzip(&sample_images())).unwrap();
    std::fs::write(dir.join("train-labels-idx1-ubyte"), sample_labels()).unwrap();
    check_sample(&load_idx_dir(&dir, "train").unwrap());

    match load_idx_dir(&dir, "t10k").unwrap_err() {
        DataError::MissingFile { dir: d, name } => {
            assert_eq!(d, dir);
            assert_eq!(name, "t10k-images-idx3-ubyte");
        }
        other => panic!("unexpected error: {other}"),
    }
}

#[test]
fn truncated_idx_payload() {
    let dir = scratch_dir("idx-truncated");
    let mut bytes = sample_images();
    bytes.truncate(bytes.len() - 2);
    let path = dir.join("img");
    std::fs::write(&path, &bytes).unwrap();
    match read_idx_images(&path).unwrap_err() {
        DataError::Truncated { path: p, expected, found } => {
            assert_eq!(p, path);
            assert_eq!(expected, 16 + 12);
            assert_eq!(found, 16 + 10);
        }
        other => panic!("unexpected error: {other}"),
    }

    // The same, gzipped.
    std::fs::write(&path, gzip(&bytes)).unwrap();
    assert!(matches!(read_idx_images(&path).unwrap_err(), DataError::Truncated { expected: 28, found: 26, .. }));
}

#[test]
fn truncated_idx_header_and_empty_file() {
    let dir = scratch_dir("idx-header");
    let path = dir.join("img");
    std::fs::write(&path, [0, 0, 8, 3, 0, 0, 0, 2, 0]).unwrap();
    assert!(matches!(read_idx_images(&path).unwrap_err(), DataError::Truncated { expected: 16, found: 9, .. }));
    std::fs::write(&path, []).unwrap();
    assert!(matches!(read_idx_images(&path).unwrap_err(), DataError::Truncated { expected: 4, found: 0, .. }));
}

#[test]
fn cut_gzip_stream_is_truncated_or_corrupt_never_a_panic() {
    let dir = scratch_dir("idx-gzip-cut");
    let path = dir.join("img.gz");
    let compressed = gzip(&sample_images());
    for cut in 3..compressed.len() {
        std::fs::write(&path, &compressed[..cut]).unwrap();
        let err = read_idx_images(&path).unwrap_err();
        assert!(
            matches!(&err, DataError::Truncated { path: p, .. } | DataError::CorruptGzip { path: p, .. } if *p == path),
            "cut at {cut}: unexpected error: {err}"
        );
    }
    // Garbage after a gzip magic.
    std::fs::write(&path, [0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]).unwrap();
    assert!(matches!(read_idx_images(&path).unwrap_err(), DataError::CorruptGzip { .. }));
}

#[test]
fn wrong_magic_names_what_was_found() {
    let dir = scratch_dir("idx-magic");
    let path = dir.join("labels-as-images");
    std::fs::write(&path, sample_labels()).unwrap();
    match read_idx_images(&path).unwrap_err() {
        DataError::BadMagic { path: p, found, .. } => {
            assert_eq!(p, path);
            assert!(found.contains("0x00000801"), "{found}");
        }
        other => panic!("unexpected error: {other}"),
    }

    // Right dimension count, wrong value type (i32).
    std::fs::write(&path, [0, 0, 0x0C, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]).unwrap();
    match read_idx_images(&path).unwrap_err() {
        DataError::BadMagic { found, .. } => assert!(found.contains("i32"), "{found}"),
        other => panic!("unexpected error: {other}"),
    }

    // Not IDX at all (a PNG signature).
    std::fs::write(&path, [0x89, b'P', b'N', b'G', 0, 0, 0, 0]).unwrap();
    let err = read_idx_labels(&path).unwrap_err();
    assert!(matches!(err, DataError::BadMagic { .. }), "{err}");
    assert!(err.to_string().contains("not an IDX file"), "{err}");
}

#[test]
fn huge_or_zero_dimensions_fail_cleanly() {
    let dir = scratch_dir("idx-dims");
    let path = dir.join("img");

    // Dimensions whose product overflows 64 bits.
    std::fs::write(&path, idx_bytes(&[u32::MAX, u32::MAX, u32::MAX], &[1, 2, 3])).unwrap();
    let err = read_idx_images(&path).unwrap_err();
    assert!(matches!(err, DataError::BadIdxHeader { .. }), "{err}");

    // A billion 1000×1000 images promised, three bytes present: no huge allocation, just truncation.
    std::fs::write(&path, idx_bytes(&[1_000_000_000, 1000, 1000], &[1, 2, 3])).unwrap();
    match read_idx_images(&path).unwrap_err() {
        DataError::Truncated { expected, found, .. } => {
            assert_eq!(expected, 16 + 1_000_000_000_000_000);
            assert_eq!(found, 19);
        }
        other => panic!("unexpected error: {other}"),
    }

    // Zero-sized images.
    std::fs::write(&path, idx_bytes(&[5, 0, 28], &[])).unwrap();
    let err = read_idx_images(&path).unwrap_err();
    assert!(matches!(err, DataError::BadIdxHeader { ref dims, .. } if *dims == [5, 0, 28]), "{err}");
}

#[test]
fn trailing_data_is_rejected() {
    let dir = scratch_dir("idx-trailing");
    let path = dir.join("lbl");
    let mut bytes = sample_labels();
    bytes.extend_from_slice(&[9, 9, 9]);
    std::fs::write(&path, bytes).unwrap();
    assert!(matches!(read_idx_labels(&path).unwrap_err(), DataError::TrailingData { expected: 10, found: 13, .. }));
}

#[test]
fn label_count_mismatch_names_both_files() {
    let dir = scratch_dir("idx-mismatch");
    let (images, labels) = (dir.join("img"), dir.join("lbl"));
    std::fs::write(&images, sample_images()).unwrap();
    std::fs::write(&labels, idx_bytes(&[3], &[1, 2, 3])).unwrap();
    match load_idx(&images, &labels).unwrap_err() {
        DataError::LabelCountMismatch { images_path, images: n_images, labels_path, labels: n_labels } => {
            assert_eq!((images_path, n_images), (images, 2));
            assert_eq!((labels_path, n_labels), (labels, 3));
        }
        other => panic!("unexpected error: {other}"),
    }
}

#[test]
fn missing_file_is_io_error_with_path() {
    let path = Path::new("/nonexistent/kiln-data/train-images-idx3-ubyte");
    assert!(matches!(read_idx_images(path).unwrap_err(), DataError::Io { path: p, .. } if p == path));
}
