//! IDX files through the `kiln` binary: a header claiming more than the file holds exits with one
//! line, and a corrupted label is reported instead of silently widening the model.

use std::path::Path;

use crate::common::{Scratch, assert_fails, read_summary, stderr, stdout, train_on};

fn idx(magic_dims: u8, dims: &[u32], payload: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, 0, 8, magic_dims];
    for d in dims {
        bytes.extend(d.to_be_bytes());
    }
    bytes.extend(payload);
    bytes
}

/// A valid pair of 2×2 images and labels for `split`.
fn write_split(dir: &Path, split: &str, labels: &[u8]) {
    let pixels: Vec<u8> = (0..4 * labels.len()).map(|i| (i * 37 % 256) as u8).collect();
    std::fs::write(dir.join(format!("{split}-images-idx3-ubyte")), idx(3, &[labels.len() as u32, 2, 2], &pixels))
        .unwrap();
    std::fs::write(dir.join(format!("{split}-labels-idx1-ubyte")), idx(1, &[labels.len() as u32], labels)).unwrap();
}

#[test]
fn a_header_claiming_a_billion_images_exits_with_one_line() {
    let scratch = Scratch::new("idx-claim");
    let dir = scratch.path().join("mnist");
    std::fs::create_dir_all(&dir).unwrap();
    write_split(&dir, "train", &[0, 1, 0, 1]);
    let images = dir.join("train-images-idx3-ubyte");
    let mut bytes = idx(3, &[1_000_000_000, 28, 28], &[]);
    bytes.resize(100, 0);
    std::fs::write(&images, bytes).unwrap();
    let err = assert_fails(&train_on(&scratch, &format!("idx:{}", dir.display())));
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains(&images.display().to_string()), "{err}");
    assert!(lines[0].contains("truncated IDX file: expected 784000000016 bytes"), "{err}");
    assert!(lines[0].contains("found 100"), "{err}");
}

#[test]
fn a_corrupted_label_is_warned_about_and_the_wide_confusion_is_not_printed() {
    let scratch = Scratch::new("idx-label-255");
    let dir = scratch.path().join("mnist");
    std::fs::create_dir_all(&dir).unwrap();
    let mut train: Vec<u8> = (0..40).map(|i| i % 10).collect();
    train[17] = 255;
    write_split(&dir, "train", &train);
    write_split(&dir, "t10k", &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11]);
    let output = train_on(&scratch, &format!("idx:{}", dir.display()));
    let (out, err) = (stdout(&output), stderr(&output));
    assert!(output.status.success(), "{out}\n{err}");
    assert!(err.contains("warning: ") && err.contains("label 255 (1 records) far above the other labels"), "{err}");
    assert!(err.contains("label 11 occurs in the test set (1 records) but never in training"), "{err}");
    assert!(out.contains("confusion: 256×256, not printed above 20 classes"), "{out}");
    let summary = read_summary(&scratch.path().join("run"));
    assert_eq!(summary.test.classification.expect("classification").confusion.len(), 256);
}
