//! CUB-200-2011 reader tests: a tiny CUB-shaped directory (2 classes × 3 images of 16×12 pixels,
//! a box and 2 parts each), happy paths here, malformed inputs in `malformed`.

mod malformed;

use std::path::{Path, PathBuf};

use image::{Rgb, RgbImage};
use kiln_data::formats::{CubItem, CubOptions, CubSplit, load_cub};

use super::formats::scratch_dir;

/// Image ids in `images.txt` order (deliberately not sorted).
const LISTED: [usize; 6] = [4, 1, 6, 2, 5, 3];

/// The 1-based class of image `id`: odd ids are class 1, even ids class 2.
fn class_of(id: usize) -> usize {
    if id % 2 == 1 { 1 } else { 2 }
}

/// A 16×12 (width × height) image whose pixel (x, y) is (10x, 20y, 30·id).
fn picture(id: usize) -> RgbImage {
    RgbImage::from_fn(16, 12, |x, y| Rgb([(10 * x) as u8, (20 * y) as u8, (30 * id) as u8]))
}

/// Writes the fixture under a fresh scratch directory named after `test` and returns its root.
///
/// Ids 1–4 are training images, 5–6 test images. Every box is (4, 2, 8, 6) except image 2's,
/// (3.5, 1.5, 8, 6). Part 1 ("left eye") is at (6, 5), visible; part 2 ("back") at (14, 3),
/// visible but right of every box, except on image 3 where it is not visible (0, 0).
fn write_cub(test: &str) -> PathBuf {
    let root = scratch_dir(&format!("cub-{test}"));
    let mut images = String::new();
    let (mut labels, mut split, mut boxes, mut locs) = (String::new(), String::new(), String::new(), String::new());
    for id in LISTED {
        let folder = format!("00{}.{}", class_of(id), ["Albatross", "Auklet"][class_of(id) - 1]);
        std::fs::create_dir_all(root.join("images").join(&folder)).unwrap();
        picture(id).save(root.join("images").join(&folder).join(format!("bird_{id}.png"))).unwrap();
        images += &format!("{id} {folder}/bird_{id}.png\n");
    }
    for id in 1..=6 {
        labels += &format!("{id} {}\n", class_of(id));
        split += &format!("{id} {}\n", u8::from(id <= 4));
        boxes += &if id == 2 { format!("{id} 3.5 1.5 8.0 6.0\n") } else { format!("{id} 4.0 2.0 8.0 6.0\n") };
        locs += &format!("{id} 1 6.0 5.0 1\n");
        locs += &if id == 3 { format!("{id} 2 0.0 0.0 0\n") } else { format!("{id} 2 14.0 3.0 1\n") };
    }
    std::fs::create_dir_all(root.join("parts")).unwrap();
    for (name, text) in [
        ("images.txt", images.as_str()),
        ("image_class_labels.txt", &labels),
        ("train_test_split.txt", &split),
        ("bounding_boxes.txt", &boxes),
        ("classes.txt", "1 001.Albatross\n2 002.Auklet\n"),
        ("parts/parts.txt", "1 left eye\n2 back\n"),
        ("parts/part_locs.txt", &locs),
    ] {
        std::fs::write(root.join(name), text).unwrap();
    }
    root
}

/// Options for `split` with the given output size.
fn opts(split: CubSplit, size: (u32, u32)) -> CubOptions {
    CubOptions { split, size, ..CubOptions::default() }
}

fn ids(items: &[CubItem]) -> Vec<usize> {
    items.iter().map(|item| item.image_id).collect()
}

fn labels(items: &[CubItem]) -> Vec<usize> {
    items.iter().map(|item| item.example.label).collect()
}

fn item(items: &[CubItem], id: usize) -> &CubItem {
    items.iter().find(|item| item.image_id == id).unwrap()
}

fn load(root: &Path, opts: &CubOptions) -> (Vec<CubItem>, Vec<String>) {
    load_cub(root, opts).unwrap()
}

#[test]
fn splits_are_sorted_by_id_with_zero_based_labels() {
    let root = write_cub("splits");
    let (train, classes) = load(&root, &opts(CubSplit::Train, (12, 16)));
    assert_eq!(classes, vec!["001.Albatross", "002.Auklet"]);
    assert_eq!(ids(&train), vec![1, 2, 3, 4]);
    assert_eq!(labels(&train), vec![0, 1, 0, 1]);
    let (test, _) = load(&root, &opts(CubSplit::Test, (12, 16)));
    assert_eq!(ids(&test), vec![5, 6]);
    assert_eq!(labels(&test), vec![0, 1]);
    let (all, _) = load(&root, &opts(CubSplit::All, (12, 16)));
    assert_eq!(ids(&all), vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(item(&all, 2).bbox, [3.5, 1.5, 8.0, 6.0]);
    let defaults = CubOptions::default();
    assert_eq!((defaults.split, defaults.crop_to_bbox, defaults.size), (CubSplit::Train, true, (224, 224)));
    assert_eq!(defaults.max_classes, None);
}

#[test]
fn crop_and_resize_give_the_requested_shape() {
    let root = write_cub("shapes");
    let (items, _) = load(&root, &CubOptions::default());
    assert!(items.iter().all(|item| item.example.image.shape() == [3, 224, 224]));
    let (items, _) = load(&root, &opts(CubSplit::All, (5, 7)));
    assert!(items.iter().all(|item| item.example.image.shape() == [3, 5, 7]));
    let uncropped = CubOptions { crop_to_bbox: false, ..opts(CubSplit::Test, (12, 16)) };
    let (items, _) = load(&root, &uncropped);
    let image = &items[0].example.image;
    assert_eq!(image.shape(), [3, 12, 16]);
    assert_eq!((image.at(0, 11, 15), image.at(1, 11, 15)), (150.0 / 255.0, 220.0 / 255.0));
}

#[test]
fn crop_without_resize_keeps_exact_pixels() {
    let root = write_cub("pixels");
    // Image 1's box (4, 2, 8, 6) is whole-pixel; at size 6×8 nothing is resampled.
    let (items, _) = load(&root, &opts(CubSplit::Train, (6, 8)));
    let image = &item(&items, 1).example.image;
    assert_eq!(image.shape(), [3, 6, 8]);
    for y in 0..6 {
        for x in 0..8 {
            assert_eq!(image.at(0, y, x), (10 * (x + 4)) as f32 / 255.0);
            assert_eq!(image.at(1, y, x), (20 * (y + 2)) as f32 / 255.0);
            assert_eq!(image.at(2, y, x), 30.0 / 255.0);
        }
    }
    // Image 2's box (3.5, 1.5, 8, 6) widens to whole pixels: columns 3..12, rows 1..8 (9×7).
    let (items, _) = load(&root, &opts(CubSplit::Train, (7, 9)));
    let image = &item(&items, 2).example.image;
    assert_eq!((image.at(0, 0, 0), image.at(1, 0, 0)), (30.0 / 255.0, 20.0 / 255.0));
    assert_eq!((image.at(0, 6, 8), image.at(1, 6, 8)), (110.0 / 255.0, 140.0 / 255.0));
}

#[test]
fn parts_follow_crop_and_resize() {
    let root = write_cub("parts");
    // Crop (4, 2)–(12, 8) is 8×6; resizing to 16×12 scales both axes by 2.
    let (items, _) = load(&root, &opts(CubSplit::Train, (12, 16)));
    let parts = &item(&items, 1).parts;
    assert_eq!(parts.len(), 2);
    assert_eq!((parts[0].part_id, parts[0].name.as_str()), (1, "left eye"));
    assert_eq!((parts[0].x, parts[0].y, parts[0].visible), (4.0, 6.0, true)); // ((6-4)·2, (5-2)·2)
    // The back, at (14, 3), lies right of the crop: not visible, coordinates still mapped.
    assert_eq!((parts[1].part_id, parts[1].name.as_str()), (2, "back"));
    assert_eq!((parts[1].x, parts[1].y, parts[1].visible), (20.0, 2.0, false));
    // An unannotated part stays invisible.
    assert!(!item(&items, 3).parts[1].visible);
    // Image 2: crop (3, 1)–(12, 8) is 9×7, scaled by (16/9, 12/7).
    let eye = &item(&items, 2).parts[0];
    assert!((eye.x - 3.0 * 16.0 / 9.0).abs() < 1e-5 && (eye.y - 4.0 * 12.0 / 7.0).abs() < 1e-5);
    assert!(eye.visible);

    // Without cropping, only the resize applies (×2), and the back is visible.
    let uncropped = CubOptions { crop_to_bbox: false, ..opts(CubSplit::Train, (24, 32)) };
    let (items, _) = load(&root, &uncropped);
    let back = &item(&items, 1).parts[1];
    assert_eq!((back.x, back.y, back.visible), (28.0, 6.0, true));
}

#[test]
fn max_classes_keeps_the_first_classes() {
    let root = write_cub("max-classes");
    let one = CubOptions { max_classes: Some(1), ..opts(CubSplit::All, (12, 16)) };
    let (items, classes) = load(&root, &one);
    assert_eq!(classes, vec!["001.Albatross"]);
    assert_eq!(ids(&items), vec![1, 3, 5]);
    assert_eq!(labels(&items), vec![0, 0, 0]);
    let many = CubOptions { max_classes: Some(10), ..one };
    let (items, classes) = load(&root, &many);
    assert_eq!((items.len(), classes.len()), (6, 2));
}

#[test]
fn optional_files_may_be_absent_and_blank_lines_and_crlf_are_fine() {
    let root = write_cub("optional");
    std::fs::remove_file(root.join("classes.txt")).unwrap();
    std::fs::remove_file(root.join("parts/parts.txt")).unwrap();
    let images = std::fs::read_to_string(root.join("images.txt")).unwrap();
    std::fs::write(root.join("images.txt"), format!("\r\n{}\n\n", images.replace('\n', "\r\n"))).unwrap();
    let (items, classes) = load(&root, &opts(CubSplit::Train, (12, 16)));
    assert_eq!(classes, vec!["1", "2"]);
    assert_eq!(ids(&items), vec![1, 2, 3, 4]);
    assert_eq!(item(&items, 1).parts[0].name, "1");

    std::fs::remove_dir_all(root.join("parts")).unwrap();
    let (items, _) = load(&root, &opts(CubSplit::Train, (12, 16)));
    assert!(items.iter().all(|item| item.parts.is_empty()));
}
