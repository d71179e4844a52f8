//! The IDX reader on damaged image and label files, plain and gzipped, and on headers that
//! claim far more than the file holds.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use kiln_data::DataError;
use kiln_data::formats::{load_idx, read_idx_images, read_idx_labels};
use kiln_testkit::{assert_bounded, config, mutated, peak_bytes_during};
use proptest::prelude::*;

use super::assert_typed;
use crate::formats::scratch_dir;

/// Bytes per byte of (decompressed) file: the payload, an `f32` and an `Image` header per pixel
/// of 1×1 images, the vectors' growth.
const FACTOR: usize = 64;

/// Fixed overhead: buffered reader, gzip state.
const SLACK: usize = 256 << 10;

/// Deflate's largest expansion: a gzipped file decompresses to at most about this many bytes
/// per byte.
const MAX_DEFLATE_RATIO: usize = 1032;

fn idx_bytes(magic_dims: u8, dims: &[u32], payload: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, 0, 0x08, magic_dims];
    for d in dims {
        bytes.extend_from_slice(&d.to_be_bytes());
    }
    bytes.extend_from_slice(payload);
    bytes
}

/// Six 4×3 images.
fn valid_images() -> Vec<u8> {
    let pixels: Vec<u8> = (0..72).map(|i| (i * 37 % 256) as u8).collect();
    idx_bytes(3, &[6, 4, 3], &pixels)
}

/// Six labels.
fn valid_labels() -> Vec<u8> {
    idx_bytes(1, &[6], &[0, 1, 2, 0, 1, 2])
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Writes `images` and `labels`, reads them, and checks the outcome and the allocation against
/// `bound_len` bytes of input.
fn check(test: &str, images: &[u8], labels: &[u8], bound_len: usize, factor: usize) {
    let dir = scratch_dir(test);
    let (images_path, labels_path) = (dir.join("train-images-idx3-ubyte"), dir.join("train-labels-idx1-ubyte"));
    std::fs::write(&images_path, images).unwrap();
    std::fs::write(&labels_path, labels).unwrap();
    let (result, peak) = peak_bytes_during(|| read_idx_images(&images_path));
    assert_typed(&result, &images_path);
    assert_bounded(peak, bound_len, factor, SLACK);
    let (result, peak) = peak_bytes_during(|| read_idx_labels(&labels_path));
    assert_typed(&result, &labels_path);
    assert_bounded(peak, bound_len, factor, SLACK);
    let (result, peak) = peak_bytes_during(|| load_idx(&images_path, &labels_path));
    if let Err(err) = &result {
        let message = err.to_string();
        assert!(message.contains("-ubyte"), "no file named: {message}");
    }
    assert_bounded(peak, bound_len, factor, SLACK);
}

#[test]
fn a_100_byte_file_claiming_a_billion_images_is_refused_without_allocating_them() {
    let path = scratch_dir("robust-idx-claim").join("images");
    let mut bytes = idx_bytes(3, &[1_000_000_000, 28, 28], &[]);
    bytes.resize(100, 7);
    std::fs::write(&path, &bytes).unwrap();
    let start = std::time::Instant::now();
    let (result, peak) = peak_bytes_during(|| read_idx_images(&path));
    assert!(matches!(result, Err(DataError::Truncated { found: 100, .. })), "{result:?}");
    assert!(start.elapsed().as_millis() < 100, "took {:?}", start.elapsed());
    assert_bounded(peak, bytes.len(), FACTOR, SLACK);
    // The same claim gzipped: read until the stream ends, then refused.
    std::fs::write(&path, gzip(&bytes)).unwrap();
    let (result, peak) = peak_bytes_during(|| read_idx_images(&path));
    assert!(matches!(result, Err(DataError::Truncated { found: 100, .. })), "{result:?}");
    assert_bounded(peak, bytes.len(), FACTOR, SLACK);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn damaged_plain_files_fail_cleanly(images in mutated(valid_images()), labels in mutated(valid_labels())) {
        let len = images.len().max(labels.len());
        check("robust-idx-plain", &images, &labels, len, FACTOR);
    }

    #[test]
    fn damaged_contents_gzipped_fail_cleanly(images in mutated(valid_images()), labels in mutated(valid_labels())) {
        // Bounded by the decompressed size, which is what the mutation controls.
        let len = images.len().max(labels.len());
        check("robust-idx-gzip-content", &gzip(&images), &gzip(&labels), len, FACTOR);
    }

    #[test]
    fn damaged_gzip_streams_fail_cleanly(images in mutated(gzip(&valid_images())), labels in mutated(gzip(&valid_labels()))) {
        // A damaged stream may decompress to more than it holds, by deflate's ratio at most.
        let len = images.len().max(labels.len());
        check("robust-idx-gzip-stream", &images, &labels, len, FACTOR * MAX_DEFLATE_RATIO);
    }
}

/// A label file is read whole: its bound is the file, however many labels the header claims.
#[test]
fn label_claims_are_bounded_by_the_file() {
    let dir = scratch_dir("robust-idx-labels");
    let path = dir.join("labels");
    std::fs::write(&path, idx_bytes(1, &[u32::MAX], &[1, 2, 3])).unwrap();
    let (result, peak) = peak_bytes_during(|| read_idx_labels(&path));
    assert!(matches!(result, Err(DataError::Truncated { .. })), "{result:?}");
    assert_bounded(peak, 11, FACTOR, SLACK);
}
