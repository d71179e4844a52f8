//! Procedural creatures whose class is one part alone ([`ClassCue`]).

use std::collections::{BTreeMap, BTreeSet};

use kiln_data::DataError;
use kiln_data::procedural::{ClassCue, PartImage, ProceduralConfig, generate};

fn cued(cue: ClassCue, num_classes: usize, seed: u64) -> Vec<PartImage> {
    let config = ProceduralConfig::new(num_classes)
        .with_class_cue(cue)
        .with_image_size(48)
        .with_num_images(num_classes * 30)
        .with_seed(seed);
    generate(&config).unwrap()
}

/// Per class, the set of values `part` takes.
fn per_class(
    images: &[PartImage],
    part: impl Fn(&PartImage) -> &'static str,
) -> BTreeMap<usize, BTreeSet<&'static str>> {
    let mut out: BTreeMap<usize, BTreeSet<&'static str>> = BTreeMap::new();
    for image in images {
        out.entry(image.label).or_default().insert(part(image));
    }
    out
}

/// The mean colour of the wing's visible pixels.
fn wing_colour(image: &PartImage) -> [f32; 3] {
    let wing = image.parts.iter().find(|p| p.name == "wing").expect("a visible wing");
    let plane = image.image.height * image.image.width;
    let count = wing.mask.iter().filter(|&&on| on).count() as f32;
    std::array::from_fn(|c| {
        wing.mask.iter().enumerate().filter(|(_, on)| **on).map(|(i, _)| image.image.pixels[c * plane + i]).sum::<f32>()
            / count
    })
}

#[test]
fn wing_colour_only_gives_each_class_one_wing_colour_and_every_head_shape() {
    let images = cued(ClassCue::WingColourOnly, 6, 3);
    let wings = per_class(&images, |p| p.wing_colour);
    let heads = per_class(&images, |p| p.head_shape);
    let all_wings: BTreeSet<&str> = wings.values().flatten().copied().collect();
    assert_eq!(all_wings.len(), 6, "six classes, six wing colours: {wings:?}");
    for class in 0..6 {
        assert_eq!(wings[&class].len(), 1, "class {class} has wing colours {:?}", wings[&class]);
        assert_eq!(heads[&class].len(), 4, "class {class} has head shapes {:?}", heads[&class]);
    }
    // The pixels agree: within a class the wings' mean colours are close, across classes apart.
    for a in &images {
        for b in images.iter().take(12) {
            let d: f32 = wing_colour(a).iter().zip(wing_colour(b)).map(|(x, y)| (x - y).abs()).sum();
            if a.label == b.label {
                assert!(d < 0.25, "class {}: wing colours {d} apart", a.label);
            } else {
                assert!(d > 0.3, "classes {} and {}: wing colours only {d} apart", a.label, b.label);
            }
        }
    }
    for image in &images {
        let defining: Vec<&str> = image.parts.iter().filter(|p| p.defines_class).map(|p| p.name.as_str()).collect();
        assert_eq!(defining, ["wing"]);
    }
}

#[test]
fn head_shape_only_gives_each_class_one_head_shape_and_many_wing_colours() {
    let images = cued(ClassCue::HeadShapeOnly, 4, 4);
    let heads = per_class(&images, |p| p.head_shape);
    let wings = per_class(&images, |p| p.wing_colour);
    assert_eq!(heads.values().flatten().collect::<BTreeSet<_>>().len(), 4);
    for class in 0..4 {
        assert_eq!(heads[&class].len(), 1, "class {class} has head shapes {:?}", heads[&class]);
        assert_eq!(wings[&class].len(), 6, "class {class} has wing colours {:?}", wings[&class]);
    }
    for image in &images {
        let defining: Vec<&str> = image.parts.iter().filter(|p| p.defines_class).map(|p| p.name.as_str()).collect();
        assert_eq!(defining, ["head"]);
    }
}

#[test]
fn the_cue_changes_only_the_class_parts() {
    let config = ProceduralConfig::new(4).with_image_size(32).with_num_images(8).with_seed(9);
    let both = generate(&config).unwrap();
    assert_eq!(both, generate(&config.clone().with_class_cue(ClassCue::HeadAndWing)).unwrap());
    let wing_only = generate(&config.with_class_cue(ClassCue::WingColourOnly)).unwrap();
    // Same scene stream: the body (drawn before the wing and head) is where it was.
    for (a, b) in both.iter().zip(&wing_only) {
        let body = |p: &PartImage| p.parts.iter().find(|q| q.name == "body").map(|q| q.keypoint);
        assert_eq!(a.label, b.label);
        assert_eq!(body(a).is_some(), body(b).is_some());
    }
    for (label, description) in [(0, "red wing, any head"), (3, "green wing, any head")] {
        let config = ProceduralConfig::new(6).with_class_cue(ClassCue::WingColourOnly);
        assert_eq!(config.class_description(label), description);
    }
    assert_eq!(
        ProceduralConfig::new(4).with_class_cue(ClassCue::HeadShapeOnly).class_description(2),
        "triangle head, any wing"
    );
}

#[test]
fn too_many_classes_for_the_cue_is_an_error() {
    assert_eq!((ClassCue::HeadAndWing.max_classes(), ClassCue::WingColourOnly.max_classes()), (24, 6));
    let err = generate(&ProceduralConfig::new(5).with_class_cue(ClassCue::HeadShapeOnly)).unwrap_err();
    assert!(matches!(&err, DataError::InvalidConfig(m) if m.contains("2..=4")), "{err}");
    assert!(generate(&ProceduralConfig::new(7).with_class_cue(ClassCue::WingColourOnly).with_num_images(7)).is_err());
}
