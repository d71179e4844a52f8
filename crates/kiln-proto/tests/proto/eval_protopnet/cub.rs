//! CUB parts through kiln-data's reader: a tiny CUB-200-2011 directory written here (2 classes
//! × 2 test images of 32×32 px, 3 parts) is loaded by `load_cub`, its part locations become
//! keypoints, and the interpretability scores run on it; a malformed part file keeps its
//! `DataError`.

use std::path::PathBuf;

use burn::prelude::Device;
use image::{Rgb, RgbImage};
use kiln_data::formats::{CubOptions, CubSplit, load_cub};
use kiln_data::{DataError, ImageBatcher, ImageExample, Normalize};
use kiln_proto::EvalProtoPNetConfig;
use kiln_proto::interpretability::{AnnotatedImages, InterpretabilityConfig, PartKeypoints, evaluate};

/// Writes the directory under a fresh temporary root named after `test`; `locs` is the text of
/// `parts/part_locs.txt`.
fn write_cub(test: &str, locs: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("kiln-proto-cub-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (mut images, mut labels, mut split, mut boxes) = (String::new(), String::new(), String::new(), String::new());
    for id in 1..=4usize {
        let class = 1 + (id - 1) / 2;
        let folder = format!("00{class}.Bird{class}");
        std::fs::create_dir_all(root.join("images").join(&folder)).expect("scratch directory");
        let picture = RgbImage::from_fn(32, 32, |x, y| Rgb([(8 * x) as u8, (8 * y) as u8, (60 * id) as u8]));
        picture.save(root.join("images").join(&folder).join(format!("b{id}.png"))).expect("a PNG");
        images += &format!("{id} {folder}/b{id}.png\n");
        labels += &format!("{id} {class}\n");
        split += &format!("{id} 0\n");
        boxes += &format!("{id} 0.0 0.0 32.0 32.0\n");
    }
    std::fs::create_dir_all(root.join("parts")).expect("scratch directory");
    for (name, text) in [
        ("images.txt", images.as_str()),
        ("image_class_labels.txt", &labels),
        ("train_test_split.txt", &split),
        ("bounding_boxes.txt", &boxes),
        ("classes.txt", "1 001.Bird1\n2 002.Bird2\n"),
        ("parts/parts.txt", "1 beak\n2 back\n3 tail\n"),
        ("parts/part_locs.txt", locs),
    ] {
        std::fs::write(root.join(name), text).expect("a fixture file");
    }
    root
}

/// Beak at (4, 6) and back at (20, 10) on every image; the tail (part 3) visible only on
/// image 4, at (30, 30).
fn part_locs() -> String {
    (1..=4)
        .map(|id| {
            let tail = if id == 4 { "30.0 30.0 1" } else { "0.0 0.0 0" };
            format!("{id} 1 4.0 6.0 1\n{id} 2 20.0 10.0 1\n{id} 3 {tail}\n")
        })
        .collect()
}

#[test]
fn cub_directory_gives_keypoints_and_scores() {
    let root = write_cub("scores", &part_locs());
    let options = CubOptions { split: CubSplit::Test, crop_to_bbox: false, size: (32, 32), max_classes: None };
    let (items, classes) = load_cub(&root, &options).expect("the tiny CUB directory loads");
    assert_eq!((items.len(), classes.len()), (4, 2));
    let keypoints: Vec<PartKeypoints> = items.iter().map(|item| PartKeypoints::from_cub(item, 3)).collect();
    assert_eq!(keypoints[0].points, vec![Some((4.0, 6.0)), Some((20.0, 10.0)), None]);
    assert_eq!(keypoints[3].points[2], Some((30.0, 30.0)));
    assert_eq!(keypoints[3].visible(), vec![true, true, true]);

    let images: Vec<ImageExample> = items.into_iter().map(|item| item.example).collect();
    let batcher = ImageBatcher::new(Normalize::fit(&images));
    let data = AnnotatedImages::new(&images, &keypoints, &batcher).expect("annotated CUB images");
    let device = Device::flex();
    let model = EvalProtoPNetConfig::small(2, 3).init(&device);
    let quiet = InterpretabilityConfig::default().with_noise_std(0.0).with_seed(1);
    let report = evaluate(&model, &data, &quiet, &device).expect("scores on CUB parts");
    assert_eq!((report.images, report.prototypes), (4, 10));
    assert_eq!(report.stability.score, 100.0, "no noise: the perturbed pass is the clean pass");
    assert!((0.0..=100.0).contains(&report.consistency.score));
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn malformed_cub_parts_keep_their_data_error() {
    let root = write_cub("malformed", &part_locs().replacen("4.0 6.0", "four 6.0", 1));
    let options = CubOptions { split: CubSplit::Test, crop_to_bbox: false, size: (32, 32), max_classes: None };
    let err = load_cub(&root, &options).expect_err("a non-number in part_locs.txt");
    assert!(matches!(err, DataError::CubNotANumber { line: 1, .. }), "{err}");
    let _ = std::fs::remove_dir_all(root);
}
