//! ImageFolder reader tests.

use std::path::Path;

use image::{GrayImage, Luma, Rgb, RgbImage};
use kiln_data::DataError;
use kiln_data::formats::{ImageFolderOptions, load_image_folder};

use super::scratch_dir;

/// A `width`×`height` RGB image whose pixel (x, y) is (10x, 20y, 7).
fn gradient(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| Rgb([(10 * x) as u8, (20 * y) as u8, 7]))
}

fn mkdir(path: &Path) {
    std::fs::create_dir_all(path).unwrap();
}

#[test]
fn loads_classes_in_sorted_order_with_exact_pixels() {
    let root = scratch_dir("folder-happy");
    for class in ["dog", "cat", ".hidden"] {
        mkdir(&root.join(class));
    }
    gradient(3, 2).save(root.join("dog/b.png")).unwrap();
    gradient(3, 2).save(root.join("dog/a.PNG")).unwrap();
    gradient(3, 2).save(root.join("cat/z.jpg")).unwrap();
    std::fs::write(root.join("cat/notes.txt"), "not an image").unwrap();
    std::fs::write(root.join(".hidden/x.png"), "ignored").unwrap();
    std::fs::write(root.join("README.md"), "a file at the root, not a class").unwrap();

    let (examples, classes) = load_image_folder(&root, &ImageFolderOptions::default()).unwrap();
    assert_eq!(classes, vec!["cat", "dog"]);
    let labels: Vec<usize> = examples.iter().map(|e| e.label).collect();
    assert_eq!(labels, vec![0, 1, 1]);
    for example in &examples {
        assert_eq!(example.image.shape(), [3, 2, 3]);
    }
    let png = &examples[1].image;
    for y in 0..2 {
        for x in 0..3 {
            assert_eq!(png.at(0, y, x), (10 * x) as f32 / 255.0);
            assert_eq!(png.at(1, y, x), (20 * y) as f32 / 255.0);
            assert_eq!(png.at(2, y, x), 7.0 / 255.0);
        }
    }
    // JPEG is lossy: only roughly equal.
    let jpeg = &examples[0].image;
    assert!((jpeg.at(2, 0, 0) - 7.0 / 255.0).abs() < 0.1);
}

#[test]
fn grayscale_and_resize() {
    let root = scratch_dir("folder-gray");
    mkdir(&root.join("only"));
    GrayImage::from_fn(4, 4, |x, _| Luma([(60 * x) as u8])).save(root.join("only/g.png")).unwrap();
    gradient(8, 6).save(root.join("only/rgb.png")).unwrap();

    let opts = ImageFolderOptions { size: None, grayscale: true };
    let err = load_image_folder(&root, &opts).unwrap_err();
    assert!(matches!(err, DataError::ImageSizeMismatch { .. }), "{err}");

    let opts = ImageFolderOptions { size: Some((2, 5)), grayscale: true };
    let (examples, _) = load_image_folder(&root, &opts).unwrap();
    assert_eq!(examples.len(), 2);
    for example in &examples {
        assert_eq!(example.image.shape(), [1, 2, 5]);
        assert!(example.image.pixels.iter().all(|p| (0.0..=1.0).contains(p)));
    }

    let opts = ImageFolderOptions { size: Some((4, 4)), grayscale: true };
    let (examples, _) = load_image_folder(&root, &opts).unwrap();
    // g.png is already 4×4: untouched, exact grey values.
    assert_eq!(examples[0].image.at(0, 3, 2), 120.0 / 255.0);
}

#[test]
fn format_is_detected_from_content() {
    let root = scratch_dir("folder-misnamed");
    mkdir(&root.join("a"));
    gradient(2, 2).save_with_format(root.join("a/really-a-png.jpg"), image::ImageFormat::Png).unwrap();
    let (examples, _) = load_image_folder(&root, &ImageFolderOptions::default()).unwrap();
    assert_eq!(examples[0].image.at(0, 0, 1), 10.0 / 255.0);
}

#[test]
fn unreadable_image_is_an_error_naming_the_file() {
    let root = scratch_dir("folder-corrupt");
    mkdir(&root.join("a"));
    gradient(4, 4).save(root.join("a/good.png")).unwrap();
    let broken = root.join("a/broken.png");
    std::fs::write(&broken, b"definitely not a png").unwrap();
    match load_image_folder(&root, &ImageFolderOptions::default()).unwrap_err() {
        DataError::UnreadableImage { path, message } => {
            assert_eq!(path, broken);
            assert!(!message.is_empty());
        }
        other => panic!("unexpected error: {other}"),
    }

    // A real PNG cut in half.
    let bytes = std::fs::read(root.join("a/good.png")).unwrap();
    std::fs::write(&broken, &bytes[..bytes.len() / 2]).unwrap();
    let err = load_image_folder(&root, &ImageFolderOptions::default()).unwrap_err();
    assert!(matches!(err, DataError::UnreadableImage { ref path, .. } if *path == broken), "{err}");
}

#[test]
fn mixed_sizes_without_resize_name_the_offending_file() {
    let root = scratch_dir("folder-mixed");
    mkdir(&root.join("a"));
    mkdir(&root.join("b"));
    gradient(4, 3).save(root.join("a/1.png")).unwrap();
    gradient(4, 3).save(root.join("b/1.png")).unwrap();
    gradient(5, 3).save(root.join("b/2.png")).unwrap();
    match load_image_folder(&root, &ImageFolderOptions::default()).unwrap_err() {
        DataError::ImageSizeMismatch { path, found, first, expected } => {
            assert_eq!(path, root.join("b/2.png"));
            assert_eq!(found, (3, 5));
            assert_eq!(first, root.join("a/1.png"));
            assert_eq!(expected, (3, 4));
        }
        other => panic!("unexpected error: {other}"),
    }
    let opts = ImageFolderOptions { size: Some((3, 4)), grayscale: false };
    let (examples, _) = load_image_folder(&root, &opts).unwrap();
    assert_eq!(examples.len(), 3);
    assert!(examples.iter().all(|e| e.image.shape() == [3, 3, 4]));
}

#[test]
fn empty_roots_and_classes_and_bad_options() {
    let root = scratch_dir("folder-empty");
    std::fs::write(root.join("stray.png"), b"x").unwrap();
    assert!(matches!(
        load_image_folder(&root, &ImageFolderOptions::default()).unwrap_err(),
        DataError::NoClasses { path } if path == root
    ));

    mkdir(&root.join("empty_class"));
    std::fs::write(root.join("empty_class/readme.txt"), b"x").unwrap();
    assert!(matches!(
        load_image_folder(&root, &ImageFolderOptions::default()).unwrap_err(),
        DataError::EmptyDataset { path, .. } if path == root.join("empty_class")
    ));

    let opts = ImageFolderOptions { size: Some((0, 4)), grayscale: false };
    assert!(matches!(load_image_folder(&root, &opts).unwrap_err(), DataError::InvalidConfig(_)));

    let missing = root.join("does-not-exist");
    assert!(matches!(
        load_image_folder(&missing, &ImageFolderOptions::default()).unwrap_err(),
        DataError::Io { path, .. } if path == missing
    ));
}
