//! Consistency and stability with their chance levels: planted maps on the head, random maps,
//! zero noise on a model, every prototype model, and the typed refusals.

use burn::prelude::Device;
use kiln_core::seed::derive_seed;
use kiln_data::procedural::PART_NAMES;
use kiln_data::{ImageBatcher, Normalize};
use kiln_proto::interpretability::region::{half_size, peak, random_peak};
use kiln_proto::interpretability::{
    ActivatedRegion, AnnotatedImages, InterpretabilityConfig, InterpretabilityError, PartHits, PartKeypoints,
    PrototypeClasses, evaluate,
};
use kiln_proto::{EvalProtoPNetConfig, ProtoPNetConfig, StProtoPNetConfig};

use super::{creatures, examples};

const SIDE: usize = 64;
const GRID: usize = 8;
const CLASSES: usize = 6;
const PER_CLASS: usize = 5;

fn classes() -> Vec<usize> {
    (0..CLASSES * PER_CLASS).map(|j| j / PER_CLASS).collect()
}

/// Part hits of `grid × grid` maps drawn by `map_of(image, prototype)` over 64 px images and of
/// random pixels seeded by `seed`, for `n` creatures.
fn hits_of(
    n: usize,
    grid: usize,
    seed: u64,
    mut map_of: impl FnMut(usize, usize, &PartKeypoints) -> Vec<f32>,
) -> (PartHits, PartHits) {
    let images = creatures(CLASSES, n, SIDE, 21);
    let half = half_size(SIDE, SIDE, 36.0);
    assert_eq!(half, (10, 10), "36 px at 224 px is 10 px at 64 px");
    let (mut model, mut chance) = (PartHits::new(classes()), PartHits::new(classes()));
    for (i, image) in images.iter().enumerate() {
        let keypoints = PartKeypoints::from_part_image(image);
        let region = |at| ActivatedRegion::around(at, half, SIDE, SIDE);
        model.record(image.label, &keypoints, |j| region(peak(&map_of(i, j, &keypoints), (grid, grid), SIDE, SIDE)));
        chance.record(image.label, &keypoints, |j| region(random_peak(seed, (i * 100 + j) as u64, SIDE, SIDE)));
    }
    (model, chance)
}

/// Maps with one peak on the grid cell under the head keypoint: every prototype hits the head
/// on every image, so every prototype is consistent; random pixels hit it far less often.
#[test]
fn planted_maps_on_the_head_are_fully_consistent() {
    let head = PART_NAMES.iter().position(|p| *p == "head").expect("a head part");
    let (model, chance) = hits_of(120, GRID, 7, |_, _, keypoints| {
        let (x, y) = keypoints.points[head].expect("the head is always visible");
        let cell = SIDE / GRID;
        let mut map = vec![0.0; GRID * GRID];
        map[(y as usize / cell) * GRID + x as usize / cell] = 1.0;
        map
    });
    assert_eq!(model.consistency(0.8), 100.0);
    assert!(model.prototypes.iter().all(|p| p.hits.len() == 20 && p.hits.iter().all(|h| h[head])));
    let chance = chance.consistency(0.8);
    assert!(chance < 20.0, "chance consistency {chance}");
}

/// Uniform random maps look nowhere in particular: their consistency and stability (two
/// independent draws) are within 5 points of chance (random pixels). The maps have the image's
/// resolution, so their maximum is a uniform pixel too: an 8×8 map upsampled bicubically (as
/// the official code does) peaks on the second or second-to-last row or column whenever its
/// largest cell is on the border (OpenCV's overshoot at replicated borders; 40% of random 8×8
/// maps), away from the creature, which makes such maps look stabler than chance.
#[test]
fn random_maps_score_at_chance() {
    let noise = |seed: u64| {
        move |i: usize, j: usize, _: &PartKeypoints| {
            (0..SIDE * SIDE)
                .map(|k| (derive_seed(seed, ((i * 100 + j) * SIDE * SIDE + k) as u64) >> 40) as f32)
                .collect()
        }
    };
    let (a, chance_a) = hits_of(240, SIDE, 8, noise(1));
    let (b, chance_b) = hits_of(240, SIDE, 9, noise(2));
    let (score, chance) = (a.consistency(0.8), chance_a.consistency(0.8));
    assert!((score - chance).abs() <= 5.0, "consistency {score}, chance {chance}");
    let (score, chance) = (a.stability(&b), chance_a.stability(&chance_b));
    assert!(score < 95.0, "independent random maps cannot be stable: {score}");
    assert!((score - chance).abs() <= 5.0, "stability {score}, chance {chance}");
}

fn annotated(n: usize) -> (Vec<kiln_data::ImageExample>, Vec<PartKeypoints>, ImageBatcher) {
    let images = creatures(3, n, 32, 22);
    let keypoints: Vec<PartKeypoints> = images.iter().map(PartKeypoints::from_part_image).collect();
    let examples = examples(&images);
    let batcher = ImageBatcher::new(Normalize::fit(&examples));
    (examples, keypoints, batcher)
}

/// Without noise the perturbed pass is the clean pass: stability 100 for every prototype
/// model; with the official noise the random pixels of chance are redrawn, so chance is lower.
#[test]
fn zero_noise_is_fully_stable_for_every_prototype_model() {
    let device = Device::flex();
    device.seed(9);
    let (images, keypoints, batcher) = annotated(30);
    let data = AnnotatedImages::new(&images, &keypoints, &batcher).expect("annotated images");
    let quiet = InterpretabilityConfig::default().with_noise_std(0.0).with_seed(3);
    let models: [(&str, Box<dyn PrototypeClasses>, usize); 3] = [
        ("eval-protopnet", Box::new(EvalProtoPNetConfig::small(3, 3).init(&device)), 15),
        ("protopnet", Box::new(ProtoPNetConfig::small(3, 3).init(&device)), 15),
        ("st-protopnet", Box::new(StProtoPNetConfig::small(3, 3).init(&device)), 18),
    ];
    for (name, model, prototypes) in models {
        let report = evaluate(model.as_ref(), &data, &quiet, &device).expect("scores");
        assert_eq!((report.images, report.prototypes), (30, prototypes), "{name}");
        assert_eq!(report.stability.score, 100.0, "{name}");
        assert!(report.stability.chance < 100.0, "{name}: chance {}", report.stability.chance);
        assert!((0.0..=100.0).contains(&report.consistency.score), "{name}");
    }
}

#[test]
fn unannotated_or_mismatched_data_is_refused() {
    let (images, keypoints, batcher) = annotated(6);
    let err = AnnotatedImages::new(&images, &keypoints[..5], &batcher).unwrap_err();
    assert!(matches!(err, InterpretabilityError::Mismatch { images: 6, keypoints: 5 }), "{err}");
    let empty = vec![PartKeypoints::new(Vec::new()); 6];
    assert!(matches!(AnnotatedImages::new(&images, &empty, &batcher), Err(InterpretabilityError::NoParts)));
    let mut uneven = keypoints.clone();
    uneven[4] = PartKeypoints::new(vec![None; 2]);
    let err = AnnotatedImages::new(&images, &uneven, &batcher).unwrap_err();
    assert!(matches!(err, InterpretabilityError::PartSlots { index: 4, found: 2, expected: 4 }), "{err}");
    assert!(matches!(AnnotatedImages::new(&[], &[], &batcher), Err(InterpretabilityError::NoImages)));
}

/// The official box: `(max(0, y − s), min(H, y + s), max(0, x − s), min(W, x + s))`, ends
/// inclusive, keypoints on whole pixels; the half-size scales as 36 px at 224 px.
#[test]
fn activated_region_follows_the_official_box() {
    assert_eq!(half_size(224, 224, 36.0), (36, 36));
    assert_eq!(half_size(32, 64, 36.0), (5, 10));
    let region = ActivatedRegion::around((2, 60), (10, 10), 64, 64);
    assert_eq!(region, ActivatedRegion { y0: 0, y1: 12, x0: 50, x1: 64 });
    assert!(region.contains((50.0, 12.9)) && region.contains((63.5, 0.0)));
    assert!(!region.contains((49.9, 5.0)) && !region.contains((55.0, 13.0)) && !region.contains((55.0, -0.5)));
    let keypoints = PartKeypoints::new(vec![Some((55.0, 5.0)), None, Some((10.0, 5.0))]);
    assert_eq!(region.hits(&keypoints), vec![true, false, false]);
    // One hot cell of an 8×8 map over 64 px peaks inside that cell.
    let mut map = vec![0.0; 64];
    map[3 * 8 + 5] = 1.0;
    let (y, x) = peak(&map, (8, 8), 64, 64);
    assert!((24..32).contains(&y) && (40..48).contains(&x), "peak ({y}, {x})");
}

/// CUB part `k` goes to slot `k − 1`; invisible parts and ids beyond the slots have no
/// keypoint.
#[test]
fn cub_parts_become_keypoints_by_id() {
    use kiln_data::formats::cub::{CubItem, CubPart};
    let part = |part_id, x, y, visible| CubPart { part_id, name: part_id.to_string(), x, y, visible };
    let item = CubItem {
        image_id: 1,
        example: kiln_data::ImageExample { image: kiln_data::Image::zeros(3, 4, 4), label: 0 },
        parts: vec![
            part(1, 1.5, 2.0, true),
            part(2, 3.0, 3.0, false),
            part(4, 0.5, 0.5, true),
            part(9, 1.0, 1.0, true),
        ],
        bbox: [0.0, 0.0, 4.0, 4.0],
    };
    let keypoints = PartKeypoints::from_cub(&item, 4);
    assert_eq!(keypoints.points, vec![Some((1.5, 2.0)), None, None, Some((0.5, 0.5))]);
    assert_eq!(keypoints.visible(), vec![true, false, false, true]);
}
