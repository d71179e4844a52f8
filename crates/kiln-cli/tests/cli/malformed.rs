//! Malformed data files of `kiln train`, reported with their path and record.

use std::path::Path;

use crate::common::{Scratch, assert_fails, stderr, train_on};

#[test]
fn csv_row_with_wrong_field_count_names_file_and_line() {
    let scratch = Scratch::new("csv-fields");
    let path = scratch.path().join("table.csv");
    // Line 4 (1-based, the blank line 3 counted) has two fields where the header has three.
    std::fs::write(&path, "x,y,target\n1,2,0\n\n3,4\n5,6,1\n").unwrap();
    let err = assert_fails(&train_on(&scratch, &format!("csv:{}", path.display())));
    assert!(err.contains(&format!("{}:4:", path.display())), "file and line 4 not named:\n{err}");
    assert!(err.contains("expected 3 fields"), "{err}");
    assert!(err.contains("found 2"), "{err}");
}

#[test]
fn csv_field_that_is_not_a_number_names_the_column() {
    let scratch = Scratch::new("csv-nan");
    let path = scratch.path().join("table.csv");
    std::fs::write(&path, "width,height,target\n1,2,0\n3,4,1\n5,tall,1\n").unwrap();
    let err = assert_fails(&train_on(&scratch, &format!("csv:{}", path.display())));
    assert!(err.contains(&format!("{}:4:", path.display())), "file and line 4 not named:\n{err}");
    assert!(err.contains("column \"height\""), "column not named:\n{err}");
    assert!(err.contains("\"tall\""), "offending value not shown:\n{err}");
}

#[test]
fn csv_without_the_target_column_is_reported() {
    let scratch = Scratch::new("csv-target");
    let path = scratch.path().join("table.csv");
    std::fs::write(&path, "a,b\n1,2\n").unwrap();
    let err = assert_fails(&train_on(&scratch, &format!("csv:{}", path.display())));
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("no column named \"target\""), "{err}");
}

#[test]
fn truncated_idx_file_is_named() {
    let scratch = Scratch::new("idx-truncated");
    let dir = scratch.path().join("mnist");
    std::fs::create_dir_all(&dir).unwrap();
    // Images: magic 0x00000803, 2 images of 2×2 → 8 payload bytes promised, 3 present.
    let images = dir.join("train-images-idx3-ubyte");
    let mut bytes = vec![0, 0, 8, 3];
    for d in [2u32, 2, 2] {
        bytes.extend(d.to_be_bytes());
    }
    bytes.extend([1, 2, 3]);
    std::fs::write(&images, bytes).unwrap();
    // Labels: complete.
    let mut labels = vec![0, 0, 8, 1];
    labels.extend(2u32.to_be_bytes());
    labels.extend([0, 1]);
    std::fs::write(dir.join("train-labels-idx1-ubyte"), labels).unwrap();

    let err = assert_fails(&train_on(&scratch, &format!("idx:{}", dir.display())));
    assert!(err.contains(&images.display().to_string()), "file not named:\n{err}");
    assert!(err.contains("truncated"), "{err}");
    assert!(err.contains("expected 24 bytes"), "{err}");
    assert!(err.contains("found 19"), "{err}");
}

#[test]
fn missing_idx_file_is_named() {
    let scratch = Scratch::new("idx-missing");
    let dir = scratch.path().join("empty");
    std::fs::create_dir_all(&dir).unwrap();
    let err = assert_fails(&train_on(&scratch, &format!("idx:{}", dir.display())));
    assert!(err.contains("train-images-idx3-ubyte"), "{err}");
    assert!(err.contains(&dir.display().to_string()), "{err}");
}

/// Writes a valid IDX pair `<split>-images-idx3-ubyte` / `<split>-labels-idx1-ubyte` of 2×2 images.
fn write_idx(dir: &Path, split: &str, labels: &[u8]) {
    let n = labels.len() as u32;
    let mut images = vec![0, 0, 8, 3];
    for d in [n, 2, 2] {
        images.extend(d.to_be_bytes());
    }
    images.extend((0..4 * labels.len()).map(|i| (i * 37 % 256) as u8));
    std::fs::write(dir.join(format!("{split}-images-idx3-ubyte")), images).unwrap();
    let mut label_bytes = vec![0, 0, 8, 1];
    label_bytes.extend(n.to_be_bytes());
    label_bytes.extend(labels);
    std::fs::write(dir.join(format!("{split}-labels-idx1-ubyte")), label_bytes).unwrap();
}

#[test]
fn idx_test_label_absent_from_training_does_not_panic() {
    let scratch = Scratch::new("idx-test-label");
    let dir = scratch.path().join("mnist");
    std::fs::create_dir_all(&dir).unwrap();
    write_idx(&dir, "train", &[0, 1].repeat(12));
    write_idx(&dir, "t10k", &[0, 2]);
    let output = train_on(&scratch, &format!("idx:{}", dir.display()));
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "kiln panicked:\n{err}");
    assert!(output.status.success(), "{err}");
}

#[test]
fn undecodable_image_in_folder_is_named() {
    let scratch = Scratch::new("folder-garbage");
    let root = scratch.path().join("images");
    let class = root.join("cat");
    std::fs::create_dir_all(&class).unwrap();
    let bad = class.join("broken.png");
    std::fs::write(&bad, b"this is not a png at all \x00\x01\x02\xff\xfe garbage").unwrap();

    let err = assert_fails(&train_on(&scratch, &format!("folder:{}", root.display())));
    assert!(err.contains(&bad.display().to_string()), "file not named:\n{err}");
    assert!(err.contains("cannot decode image"), "{err}");
}

#[test]
fn unknown_data_kind_and_missing_path_are_usage_errors() {
    let scratch = Scratch::new("data-spec");
    let err = assert_fails(&train_on(&scratch, "parquet:x"));
    assert!(err.contains("unknown data `parquet:x`"), "{err}");
    let err = assert_fails(&train_on(&scratch, "csv:"));
    assert!(err.contains("needs a path"), "{err}");
}
