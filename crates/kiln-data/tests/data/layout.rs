//! Tests of the procedural layout images: determinism, balance, shapes, and that the class is
//! the relative position of the parts and nothing local.

use kiln_data::DataError;
use kiln_data::procedural::layout::{
    LayoutConfig, LayoutGeometry, LayoutImage, MAX_IMAGE_SIZE, MIN_IMAGE_SIZE, NUM_CLASSES, PartBox, Relation,
    examples, generate, generate_one,
};

fn config(size: usize, channels: usize, num_images: usize, seed: u64) -> LayoutConfig {
    LayoutConfig::new(size).with_channels(channels).with_num_images(num_images).with_seed(seed)
}

#[test]
fn same_config_gives_identical_output_and_seeds_differ() {
    for channels in [1, 3] {
        let cfg = config(28, channels, 24, 5);
        assert_eq!(generate(&cfg).unwrap(), generate(&cfg).unwrap());
        let other = generate(&cfg.clone().with_seed(6)).unwrap();
        assert!(generate(&cfg).unwrap().iter().zip(&other).all(|(a, b)| a.image != b.image && a.label == b.label));
    }
}

#[test]
fn generate_one_and_examples_match_generate() {
    let cfg = config(32, 3, 9, 2);
    let all = generate(&cfg).unwrap();
    for i in [0, 5, 8] {
        assert_eq!(generate_one(&cfg, i).unwrap(), all[i]);
    }
    let plain = examples(&cfg).unwrap();
    assert!(all.iter().zip(&plain).all(|(a, e)| a.to_example() == *e));
    assert!(matches!(generate_one(&cfg, 9).unwrap_err(), DataError::InvalidConfig(_)));
}

#[test]
fn classes_are_balanced() {
    let images = generate(&config(28, 1, 42, 0)).unwrap();
    let mut counts = [0usize; NUM_CLASSES];
    images.iter().for_each(|i| counts[i.label] += 1);
    assert_eq!(counts, [11, 11, 10, 10]);
    assert!(images.iter().enumerate().all(|(i, image)| image.label == i % NUM_CLASSES));
}

#[test]
fn shapes_and_pixel_range() {
    for (size, channels) in [(28, 1), (28, 3), (32, 1), (32, 3), (64, 3)] {
        for image in generate(&config(size, channels, 8, 1)).unwrap() {
            assert_eq!(image.image.shape(), [channels, size, size]);
            assert!(image.image.pixels.iter().all(|p| (0.0..=1.0).contains(p)));
        }
    }
}

#[test]
fn invalid_configs_are_rejected() {
    for cfg in [config(MIN_IMAGE_SIZE - 1, 1, 4, 0), config(MAX_IMAGE_SIZE + 1, 1, 4, 0), config(28, 2, 4, 0)] {
        assert!(matches!(generate(&cfg).unwrap_err(), DataError::InvalidConfig(_)), "{cfg:?}");
    }
    assert!(matches!(generate(&config(28, 1, 0, 0)).unwrap_err(), DataError::InvalidConfig(_)));
}

#[test]
fn geometry_is_feasible_at_every_supported_size() {
    for size in MIN_IMAGE_SIZE..=MAX_IMAGE_SIZE {
        let g = LayoutGeometry::for_size(size);
        assert!(g.min_gap <= g.max_gap, "{size}: {g:?}");
        assert!(g.part >= 3 && g.part % 2 == 1, "{size}: {g:?}");
    }
    assert_eq!(
        LayoutGeometry::for_size(28),
        LayoutGeometry { part: 5, margin: 2, min_gap: 8, max_gap: 14, max_offset: 5 }
    );
}

/// The relation a pair of boxes stands in, read off the boxes alone.
fn relation_of(anchor: PartBox, ring: PartBox) -> Relation {
    let (dy, dx) = (ring.row as i64 - anchor.row as i64, ring.column as i64 - anchor.column as i64);
    match (dx.abs() > dy.abs(), dx > 0, dy > 0) {
        (true, true, _) => Relation::RightOf,
        (true, false, _) => Relation::LeftOf,
        (false, _, true) => Relation::Below,
        (false, _, false) => Relation::Above,
    }
}

/// Whether the boxes are separated along the relation's axis by at least `gap` pixels.
fn separated(image: &LayoutImage, gap: usize) -> bool {
    let (a, r) = (image.anchor, image.ring);
    let apart = |a0: usize, r0: usize| a0 + a.side + gap <= r0 || r0 + r.side + gap <= a0;
    apart(a.column, r.column) || apart(a.row, r.row)
}

#[test]
fn the_class_is_the_relative_position_and_parts_are_far_apart_and_inside() {
    for size in [28, 32, 64] {
        let g = LayoutGeometry::for_size(size);
        for image in generate(&config(size, 1, 200, 3)).unwrap() {
            let relation = relation_of(image.anchor, image.ring);
            assert_eq!(relation.label(), image.label, "{size}: {image:?}");
            assert_eq!(Relation::from_label(image.label), Some(relation));
            assert!(separated(&image, g.min_gap), "{size}: {:?} {:?}", image.anchor, image.ring);
            for part in [image.anchor, image.ring] {
                assert!(part.row >= g.margin && part.row + part.side + g.margin <= size, "{part:?}");
                assert!(part.column >= g.margin && part.column + part.side + g.margin <= size, "{part:?}");
            }
            // The anchor is drawn brighter than the background at its centre.
            let (cy, cx) = (image.anchor.row + g.part / 2, image.anchor.column + g.part / 2);
            assert!(image.image.at(0, cy, cx) > 0.6, "{size}: anchor centre {}", image.image.at(0, cy, cx));
        }
    }
    assert_eq!(Relation::from_label(NUM_CLASSES), None);
}

/// Local content carries no class: the anchor's and the ring's appearance (mean brightness of
/// their boxes) have the same distribution in every class, so only where they are tells.
#[test]
fn part_appearance_does_not_depend_on_the_class() {
    let images = generate(&config(28, 1, 800, 9)).unwrap();
    let mean_of = |image: &LayoutImage, part: PartBox| {
        let mut sum = 0.0;
        for y in part.row..part.row + part.side {
            for x in part.column..part.column + part.side {
                sum += image.image.at(0, y, x);
            }
        }
        sum / (part.side * part.side) as f32
    };
    let mut per_class = [[0.0f32; 2]; NUM_CLASSES];
    for image in &images {
        per_class[image.label][0] += mean_of(image, image.anchor) / 200.0;
        per_class[image.label][1] += mean_of(image, image.ring) / 200.0;
    }
    for part in 0..2 {
        let values: Vec<f32> = per_class.iter().map(|c| c[part]).collect();
        let spread = values.iter().cloned().fold(f32::MIN, f32::max) - values.iter().cloned().fold(f32::MAX, f32::min);
        assert!(spread < 0.03, "part {part}: class means {values:?}");
    }
}
