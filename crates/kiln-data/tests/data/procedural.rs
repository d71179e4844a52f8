//! Tests of the procedural part-annotated dataset.

use kiln_data::DataError;
use kiln_data::procedural::{
    MAX_CLASSES, PART_NAMES, PartImage, ProceduralConfig, class_description, generate, generate_one,
};

fn small(num_classes: usize, num_images: usize, seed: u64) -> ProceduralConfig {
    ProceduralConfig::new(num_classes).with_image_size(32).with_num_images(num_images).with_seed(seed)
}

fn part<'a>(image: &'a PartImage, name: &str) -> Option<&'a kiln_data::procedural::PartAnnotation> {
    image.parts.iter().find(|p| p.name == name)
}

#[test]
fn same_config_gives_identical_output() {
    let cfg = small(10, 40, 7);
    assert_eq!(generate(&cfg).unwrap(), generate(&cfg).unwrap());
}

#[test]
fn different_seeds_differ() {
    let a = generate(&small(10, 10, 1)).unwrap();
    let b = generate(&small(10, 10, 2)).unwrap();
    assert_eq!(a.iter().map(|p| p.label).collect::<Vec<_>>(), b.iter().map(|p| p.label).collect::<Vec<_>>());
    assert!(a.iter().zip(&b).all(|(x, y)| x.image != y.image));
}

#[test]
fn generate_one_matches_generate() {
    let cfg = small(4, 9, 3);
    let all = generate(&cfg).unwrap();
    for i in [0, 4, 8] {
        assert_eq!(generate_one(&cfg, i).unwrap(), all[i]);
    }
    assert!(matches!(generate_one(&cfg, 9).unwrap_err(), DataError::InvalidConfig(_)));
}

#[test]
fn labels_are_balanced() {
    let images = generate(&small(10, 50, 0)).unwrap();
    let mut counts = [0usize; 10];
    images.iter().for_each(|p| counts[p.label] += 1);
    assert_eq!(counts, [5; 10]);

    let images = generate(&small(7, 30, 0)).unwrap();
    let mut counts = [0usize; 7];
    images.iter().for_each(|p| counts[p.label] += 1);
    assert!(counts.iter().all(|&c| c == 4 || c == 5), "{counts:?}");
}

#[test]
fn image_size_is_respected_and_pixels_in_range() {
    for size in [32, 50, 64, 128] {
        let cfg = ProceduralConfig::new(3).with_image_size(size).with_num_images(3);
        for image in generate(&cfg).unwrap() {
            assert_eq!(image.image.shape(), [3, size, size]);
            assert!(image.image.pixels.iter().all(|p| (0.0..=1.0).contains(p)));
            assert!(image.parts.iter().all(|p| p.mask.len() == size * size));
            assert_eq!(image.to_example().image, image.image);
            assert_eq!(image.to_example().label, image.label);
        }
    }
}

#[test]
fn masks_are_non_empty_disjoint_and_keypoints_inside() {
    for size in [32, 64] {
        let cfg = ProceduralConfig::new(MAX_CLASSES).with_image_size(size).with_num_images(96).with_seed(11);
        let mut tails = 0;
        for image in generate(&cfg).unwrap() {
            let names: Vec<&str> = image.parts.iter().map(|p| p.name.as_str()).collect();
            let expected: Vec<&str> = PART_NAMES.iter().copied().filter(|n| names.contains(n)).collect();
            assert_eq!(names, expected, "parts in drawing order");
            assert!(["body", "wing", "head"].iter().all(|n| names.contains(n)), "{names:?}");
            tails += usize::from(names.contains(&"tail"));

            let mut covered = vec![false; size * size];
            for p in &image.parts {
                assert_eq!(p.defines_class, p.name == "head" || p.name == "wing");
                let on: Vec<(usize, usize)> =
                    (0..size * size).filter(|&i| p.mask[i]).map(|i| (i % size, i / size)).collect();
                assert!(!on.is_empty(), "{} mask empty", p.name);
                for &(x, y) in &on {
                    assert!(!covered[y * size + x], "masks overlap at ({x}, {y})");
                    covered[y * size + x] = true;
                }
                // Nothing on the border: the creature is placed fully inside the image.
                assert!(on.iter().all(|&(x, y)| x > 0 && y > 0 && x < size - 1 && y < size - 1));
                let (x0, x1) = (on.iter().map(|p| p.0).min().unwrap(), on.iter().map(|p| p.0).max().unwrap());
                let (y0, y1) = (on.iter().map(|p| p.1).min().unwrap(), on.iter().map(|p| p.1).max().unwrap());
                let (kx, ky) = p.keypoint;
                assert!(kx >= x0 as f32 && kx <= x1 as f32 && ky >= y0 as f32 && ky <= y1 as f32);
                assert!(p.mask[ky as usize * size + kx as usize], "keypoint on the part");
            }
        }
        assert!(tails > 0 && tails < 96, "the tail is a random distractor: {tails}");
    }
}

/// Mean RGB of the pixels under a mask.
fn mean_colour(image: &PartImage, mask: &[bool]) -> [f32; 3] {
    let n = mask.iter().filter(|&&m| m).count() as f32;
    let plane = mask.len();
    std::array::from_fn(|c| {
        mask.iter().enumerate().filter(|(_, m)| **m).map(|(i, _)| image.image.pixels[c * plane + i]).sum::<f32>() / n
    })
}

#[test]
fn masks_match_the_drawn_class_cues() {
    let images = generate(&ProceduralConfig::new(MAX_CLASSES).with_num_images(MAX_CLASSES * 3)).unwrap();
    for image in &images {
        let description = class_description(MAX_CLASSES, image.label);
        let wing = mean_colour(image, &part(image, "wing").unwrap().mask);
        let [r, g, b] = wing;
        let ok = if description.ends_with("red wing") {
            r > 0.7 && g < 0.3 && b < 0.3
        } else if description.ends_with("blue wing") {
            b > 0.7 && r < 0.3
        } else if description.ends_with("yellow wing") {
            r > 0.7 && g > 0.7 && b < 0.3
        } else if description.ends_with("green wing") {
            g > 0.6 && r < 0.3 && b < 0.4
        } else if description.ends_with("magenta wing") {
            r > 0.7 && b > 0.7 && g < 0.3
        } else {
            g > 0.7 && b > 0.7 && r < 0.3
        };
        assert!(ok, "{description}: wing mean colour {wing:?}");

        // The head is drawn last, so its mask is the whole shape: check how much of its bounding
        // box it fills (square ≈ 1, circle ≈ π/4, triangle and diamond ≈ 1/2).
        let head = &part(image, "head").unwrap().mask;
        let size = image.image.width;
        let on: Vec<(usize, usize)> = (0..head.len()).filter(|&i| head[i]).map(|i| (i % size, i / size)).collect();
        let w = on.iter().map(|p| p.0).max().unwrap() - on.iter().map(|p| p.0).min().unwrap() + 1;
        let h = on.iter().map(|p| p.1).max().unwrap() - on.iter().map(|p| p.1).min().unwrap() + 1;
        let fill = on.len() as f32 / (w * h) as f32;
        let range = match description.split(' ').next().unwrap() {
            "square" => 0.95..=1.0,
            "circle" => 0.7..=0.86,
            _ => 0.4..=0.65,
        };
        assert!(range.contains(&fill), "{description}: head fill {fill}");
    }
}

#[test]
fn class_descriptions_are_distinct_combinations() {
    assert_eq!(class_description(10, 0), "circle head, red wing");
    assert_eq!(class_description(10, 5), "square head, red wing");
    let all: Vec<String> = (0..MAX_CLASSES).map(|l| class_description(MAX_CLASSES, l)).collect();
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), MAX_CLASSES);
    assert!(class_description(10, 10).contains("unknown"));
    assert!(class_description(100, MAX_CLASSES).contains("unknown"));
}

#[test]
fn invalid_configs_are_rejected() {
    let bad = [
        ProceduralConfig::new(10).with_image_size(31),
        ProceduralConfig::new(10).with_image_size(129),
        ProceduralConfig::new(1),
        ProceduralConfig::new(MAX_CLASSES + 1),
        ProceduralConfig::new(10).with_num_images(0),
    ];
    for cfg in &bad {
        assert!(matches!(cfg.validate().unwrap_err(), DataError::InvalidConfig(_)), "{cfg:?}");
        assert!(matches!(generate(cfg).unwrap_err(), DataError::InvalidConfig(_)), "{cfg:?}");
    }
    let default = ProceduralConfig::default();
    assert_eq!((default.image_size, default.num_classes), (64, 10));
    default.validate().unwrap();
}
