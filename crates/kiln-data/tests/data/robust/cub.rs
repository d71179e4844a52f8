//! The CUB-200-2011 reader on a small layout with one damaged file: an annotation file or an
//! image.

use std::path::{Path, PathBuf};

use image::ImageFormat;
use kiln_data::formats::{CubOptions, CubSplit, load_cub};
use kiln_testkit::{assert_bounded, config, mutated, peak_bytes_during};
use proptest::prelude::*;

use super::image_folder::{FACTOR, SLACK, encoded};
use super::{assert_typed, write_damaged};

/// The layout's files: path under the root and contents. Images 1 and 3 are class 1, 2 and 4
/// class 2; 1 and 2 train, 3 and 4 test.
fn layout() -> Vec<(&'static str, Vec<u8>)> {
    let mut files: Vec<(&'static str, Vec<u8>)> = vec![
        ("images.txt", b"1 a/1.png\n2 b/2.png\n3 a/3.png\n4 b/4.png\n".to_vec()),
        ("image_class_labels.txt", b"1 1\n2 2\n3 1\n4 2\n".to_vec()),
        ("train_test_split.txt", b"1 1\n2 1\n3 0\n4 0\n".to_vec()),
        ("bounding_boxes.txt", b"1 0.5 0.5 4.0 3.0\n2 1 1 5 3\n3 0 0 6 4\n4 1.5 0.5 3 2\n".to_vec()),
        ("classes.txt", b"1 001.Albatross\n2 002.Auklet\n".to_vec()),
        ("parts/parts.txt", b"1 beak\n2 left eye\n".to_vec()),
        ("parts/part_locs.txt", b"1 1 2.0 1.0 1\n1 2 3.5 2.5 1\n2 1 0 0 0\n3 2 5.9 3.9 1\n4 1 2 1 1\n".to_vec()),
    ];
    for (name, seed) in [("images/a/1.png", 1), ("images/b/2.png", 2), ("images/a/3.png", 3), ("images/b/4.png", 4)] {
        files.push((name, encoded(ImageFormat::Png, seed)));
    }
    files
}

/// Writes the layout with file `damaged` replaced by `bytes`; returns the root and the total
/// size of the files.
fn write_layout(test: &str, damaged: usize, bytes: &[u8]) -> (PathBuf, usize) {
    write_damaged(test, &layout(), damaged, bytes)
}

fn check(root: &Path, total: usize) {
    for split in [CubSplit::Train, CubSplit::All] {
        let opts = CubOptions { split, size: (4, 6), ..CubOptions::default() };
        let (result, peak) = peak_bytes_during(|| load_cub(root, &opts));
        assert_typed(&result, root);
        assert_bounded(peak, total, FACTOR, SLACK);
    }
}

/// One damaged file of the layout: its index and its bytes.
fn damaged_file() -> impl Strategy<Value = (usize, Vec<u8>)> {
    let files = layout();
    let choices: Vec<_> =
        files.into_iter().enumerate().map(|(i, (_, valid))| mutated(valid).prop_map(move |b| (i, b)).boxed()).collect();
    proptest::strategy::Union::new(choices)
}

#[test]
fn the_valid_layout_is_read() {
    let (root, _) = write_layout("robust-cub-valid", usize::MAX, &[]);
    let opts = CubOptions { split: CubSplit::All, size: (4, 6), ..CubOptions::default() };
    let (items, classes) = load_cub(&root, &opts).unwrap();
    assert_eq!((items.len(), classes.len()), (4, 2));
}

#[test]
fn annotation_files_with_a_bom_and_crlf_line_ends_are_read() {
    let (root, _) = write_layout("robust-cub-bom", usize::MAX, &[]);
    for (name, valid) in layout().into_iter().take(7) {
        let text = String::from_utf8(valid).unwrap().replace('\n', "\r\n");
        std::fs::write(root.join(name), format!("\u{feff}{text}")).unwrap();
    }
    let opts = CubOptions { split: CubSplit::All, size: (4, 6), ..CubOptions::default() };
    let (items, classes) = load_cub(&root, &opts).unwrap();
    assert_eq!((items.len(), classes), (4, vec!["001.Albatross".to_string(), "002.Auklet".to_string()]));
}

#[test]
fn a_huge_class_id_without_class_names_is_refused() {
    let (root, _) = write_layout("robust-cub-class-id", 1, b"1 1\n2 1000000000000\n3 1\n4 2\n");
    std::fs::remove_file(root.join("classes.txt")).unwrap();
    let opts = CubOptions { split: CubSplit::All, size: (4, 6), ..CubOptions::default() };
    let (result, peak) = peak_bytes_during(|| load_cub(&root, &opts));
    let message = result.unwrap_err().to_string();
    assert!(message.contains("image_class_labels.txt:2") && message.contains("1000000000000"), "{message}");
    assert!(peak < 1 << 20, "peak {peak}");
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_damaged_file_fails_cleanly((damaged, bytes) in damaged_file()) {
        let (root, total) = write_layout("robust-cub", damaged, &bytes);
        check(&root, total);
    }
}
