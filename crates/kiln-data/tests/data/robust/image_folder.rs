//! The ImageFolder reader on damaged PNG and JPEG files, including headers that claim huge
//! images.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{ImageFormat, Rgb, RgbImage};
use kiln_data::formats::decode::{DECODED_BYTES_PER_FILE_BYTE, MIN_DECODE_BYTES};
use kiln_data::formats::{ImageFolderOptions, load_image_folder};
use kiln_testkit::{assert_bounded, config, mutated, peak_bytes_during};
use proptest::prelude::*;

use super::{assert_typed, write_damaged};

/// Copies of the decoded image a reader makes: the decoder's buffer, `f32` conversion (×4),
/// the channels-first copy (×4), a resize.
const COPIES: usize = 12;

/// Bytes per byte of file: what a decoder may expand to, times its copies.
pub const FACTOR: usize = DECODED_BYTES_PER_FILE_BYTE as usize * COPIES;

/// Fixed overhead: the smallest decode always allowed, times its copies, and the walk.
pub const SLACK: usize = MIN_DECODE_BYTES as usize * COPIES + (1 << 20);

/// A 6×4 image as PNG or JPEG bytes.
pub fn encoded(format: ImageFormat, seed: u8) -> Vec<u8> {
    let picture = RgbImage::from_fn(6, 4, |x, y| Rgb([(40 * x) as u8, (60 * y) as u8, seed]));
    let mut bytes = Cursor::new(Vec::new());
    picture.write_to(&mut bytes, format).unwrap();
    bytes.into_inner()
}

/// `root/cat/a.png`, `root/cat/b.jpg`, `root/dog/c.png`, the file that is damaged being one of
/// them; returns the root and the total size of the files.
fn write_folder(test: &str, damaged: usize, bytes: &[u8]) -> (PathBuf, usize) {
    let files = [
        ("cat/a.png", encoded(ImageFormat::Png, 1)),
        ("cat/b.jpg", encoded(ImageFormat::Jpeg, 2)),
        ("dog/c.png", encoded(ImageFormat::Png, 3)),
    ];
    write_damaged(test, &files, damaged, bytes)
}

fn check(root: &Path, total: usize) {
    for opts in [ImageFolderOptions::default(), ImageFolderOptions { size: Some((5, 7)), grayscale: true }] {
        let (result, peak) = peak_bytes_during(|| load_image_folder(root, &opts));
        assert_typed(&result, root);
        assert_bounded(peak, total, FACTOR, SLACK);
    }
}

#[test]
fn the_valid_folder_is_read() {
    let (root, _) = write_folder("robust-folder-valid", usize::MAX, &[]);
    let (examples, classes) = load_image_folder(&root, &ImageFolderOptions::default()).unwrap();
    assert_eq!((examples.len(), classes.len()), (3, 2));
}

#[test]
fn a_png_header_claiming_a_huge_image_is_refused_within_the_bound() {
    let mut png = encoded(ImageFormat::Png, 1);
    // IHDR's width and height (bytes 16..24) set to 30000 × 30000.
    png[16..20].copy_from_slice(&30_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&30_000u32.to_be_bytes());
    let (root, total) = write_folder("robust-folder-huge-png", 0, &png);
    let (result, peak) = peak_bytes_during(|| load_image_folder(&root, &ImageFolderOptions::default()));
    assert!(result.is_err());
    assert_typed(&result, &root);
    assert_bounded(peak, total, FACTOR, SLACK);
    assert!(peak < 16 << 20, "peak {peak}");
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn damaged_images_fail_cleanly(
        (damaged, bytes) in prop_oneof![
            mutated(encoded(ImageFormat::Png, 1)).prop_map(|b| (0usize, b)),
            mutated(encoded(ImageFormat::Jpeg, 2)).prop_map(|b| (1usize, b)),
        ]
    ) {
        let (root, total) = write_folder("robust-folder", damaged, &bytes);
        check(&root, total);
    }
}
