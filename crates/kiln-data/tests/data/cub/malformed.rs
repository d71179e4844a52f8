//! Every malformed CUB-200-2011 input is a typed error naming the file and the line.

use std::path::Path;

use image::ImageFormat;
use kiln_data::DataError;
use kiln_data::formats::{CubOptions, CubSplit, load_cub};

use super::write_cub;

/// Replaces 1-based line `line` of `root/file` with `text`.
fn replace_line(root: &Path, file: &str, line: usize, text: &str) {
    let path = root.join(file);
    let mut lines: Vec<String> = std::fs::read_to_string(&path).unwrap().lines().map(String::from).collect();
    lines[line - 1] = text.to_string();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// Loads every image of `root` (at the fixture's own size) and returns the error and its text.
fn load_err(root: &Path) -> (DataError, String) {
    let opts = CubOptions { split: CubSplit::All, size: (12, 16), ..CubOptions::default() };
    let err = load_cub(root, &opts).unwrap_err();
    let text = err.to_string();
    (err, text)
}

#[test]
fn missing_required_file() {
    for file in ["images.txt", "image_class_labels.txt", "train_test_split.txt", "bounding_boxes.txt"] {
        let root = write_cub(&format!("missing-{file}"));
        std::fs::remove_file(root.join(file)).unwrap();
        let (err, text) = load_err(&root);
        assert!(matches!(&err, DataError::CubMissingFile { path, .. } if path == &root.join(file)), "{err:?}");
        assert!(text.contains(file), "{text}");
    }
}

#[test]
fn wrong_field_count() {
    let root = write_cub("field-count");
    replace_line(&root, "image_class_labels.txt", 2, "2");
    let (err, text) = load_err(&root);
    assert!(matches!(err, DataError::CubFieldCount { line: 2, found: 1, .. }), "{err:?}");
    assert!(text.contains("image_class_labels.txt:2:"), "{text}");

    let root = write_cub("field-count-parts");
    replace_line(&root, "parts/part_locs.txt", 4, "2 2 14.0 3.0 1 extra");
    let (err, text) = load_err(&root);
    assert!(matches!(err, DataError::CubFieldCount { line: 4, found: 6, .. }), "{err:?}");
    assert!(text.contains("part_locs.txt:4:"), "{text}");
}

#[test]
fn not_a_number() {
    let root = write_cub("nan");
    replace_line(&root, "bounding_boxes.txt", 3, "3 4.0 two 8.0 6.0");
    let (err, text) = load_err(&root);
    assert!(matches!(&err, DataError::CubNotANumber { line: 3, field: "y", value, .. } if value == "two"), "{err:?}");
    assert!(text.contains("bounding_boxes.txt:3:") && text.contains("\"two\""), "{text}");

    let root = write_cub("nan-id");
    replace_line(&root, "images.txt", 2, "one 001.Albatross/bird_1.png");
    let (err, text) = load_err(&root);
    assert!(matches!(err, DataError::CubNotANumber { line: 2, field: "image id", .. }), "{err:?}");
    assert!(text.contains("images.txt:2:"), "{text}");
}

#[test]
fn image_missing_from_an_annotation_file() {
    // Image 5 is on line 5 of images.txt and of each per-image file.
    for file in ["image_class_labels.txt", "train_test_split.txt", "bounding_boxes.txt"] {
        let root = write_cub(&format!("lacks-{file}"));
        replace_line(&root, file, 5, "");
        let (err, text) = load_err(&root);
        let expected = root.join(file);
        assert!(
            matches!(&err, DataError::CubMissingRecord { path, image_id: 5, images_line: 5, .. } if path == &expected),
            "{err:?}"
        );
        assert!(text.contains(file) && text.contains("image id 5") && text.contains("images.txt:5"), "{text}");
    }
}

#[test]
fn class_id_zero() {
    let root = write_cub("class-zero");
    replace_line(&root, "image_class_labels.txt", 4, "4 0");
    let (err, text) = load_err(&root);
    assert!(matches!(err, DataError::CubBadRecord { line: 4, .. }), "{err:?}");
    assert!(text.contains("image_class_labels.txt:4:") && text.contains("class id 0"), "{text}");
}

#[test]
fn class_id_beyond_classes_txt() {
    let root = write_cub("class-unknown");
    replace_line(&root, "image_class_labels.txt", 1, "1 3");
    let (err, text) = load_err(&root);
    assert!(matches!(err, DataError::CubBadRecord { line: 1, .. }), "{err:?}");
    assert!(text.contains("image_class_labels.txt:1:") && text.contains("class id 3"), "{text}");
}

#[test]
fn flag_not_zero_or_one() {
    let root = write_cub("flag");
    replace_line(&root, "train_test_split.txt", 6, "6 2");
    let (err, text) = load_err(&root);
    assert!(matches!(err, DataError::CubBadRecord { line: 6, .. }), "{err:?}");
    assert!(text.contains("train_test_split.txt:6:") && text.contains("is_training"), "{text}");
}

#[test]
fn duplicate_image_id() {
    let root = write_cub("duplicate");
    replace_line(&root, "images.txt", 3, "1 001.Albatross/bird_1.png");
    let (err, text) = load_err(&root);
    assert!(matches!(err, DataError::CubBadRecord { line: 3, .. }), "{err:?}");
    assert!(text.contains("images.txt:3:") && text.contains("duplicate image id 1"), "{text}");
}

#[test]
fn unlisted_image_id_in_part_locs() {
    let root = write_cub("unlisted");
    replace_line(&root, "parts/part_locs.txt", 7, "9 1 6.0 5.0 1");
    let (err, text) = load_err(&root);
    assert!(matches!(err, DataError::CubBadRecord { line: 7, .. }), "{err:?}");
    assert!(text.contains("part_locs.txt:7:") && text.contains("image id 9"), "{text}");
}

#[test]
fn corrupt_image() {
    let root = write_cub("corrupt");
    let image = root.join("images/002.Auklet/bird_4.png");
    std::fs::write(&image, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let (err, text) = load_err(&root);
    assert!(matches!(&err, DataError::UnreadableImage { path, .. } if path == &image), "{err:?}");
    assert!(text.contains("bird_4.png"), "{text}");
    // A valid image in another format is still decoded (format detected from the contents).
    let root = write_cub("other-format");
    let image = root.join("images/002.Auklet/bird_4.png");
    image::open(&image).unwrap().save_with_format(&image, ImageFormat::Jpeg).unwrap();
    assert!(load_cub(&root, &CubOptions::default()).is_ok());
}

#[test]
fn missing_image_file() {
    let root = write_cub("no-image");
    let image = root.join("images/001.Albatross/bird_3.png");
    std::fs::remove_file(&image).unwrap();
    let (err, text) = load_err(&root);
    assert!(matches!(&err, DataError::Io { path, .. } if path == &image), "{err:?}");
    assert!(text.contains("bird_3.png"), "{text}");
}

#[test]
fn bbox_outside_the_image() {
    let root = write_cub("bbox-outside");
    replace_line(&root, "bounding_boxes.txt", 1, "1 10.0 2.0 8.0 6.0");
    let (err, text) = load_err(&root);
    assert!(matches!(err, DataError::CubBadBoundingBox { line: 1, image_id: 1, .. }), "{err:?}");
    assert!(text.contains("bounding_boxes.txt:1:") && text.contains("bird_1.png"), "{text}");
}

#[test]
fn bbox_degenerate() {
    for (test, bad) in [("bbox-zero", "4 4.0 2.0 0.0 6.0"), ("bbox-negative", "4 -1.0 2.0 8.0 6.0")] {
        let root = write_cub(test);
        replace_line(&root, "bounding_boxes.txt", 4, bad);
        let (err, text) = load_err(&root);
        assert!(matches!(err, DataError::CubBadBoundingBox { line: 4, image_id: 4, .. }), "{err:?}");
        assert!(text.contains("bounding_boxes.txt:4:") && text.contains("degenerate"), "{text}");
    }
}

#[test]
fn invalid_options() {
    let root = write_cub("options");
    for opts in [
        CubOptions { size: (0, 16), ..CubOptions::default() },
        CubOptions { max_classes: Some(0), ..CubOptions::default() },
    ] {
        assert!(matches!(load_cub(&root, &opts), Err(DataError::InvalidConfig(_))));
    }
}
