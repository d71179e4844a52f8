//! Tests of the procedural aerial detection scenes.

use kiln_data::DataError;
use kiln_data::detection::{Instance, Mask};
use kiln_data::procedural::aerial::{
    AerialConfig, BUILDING, CLASS_NAMES, SHIP, STORAGE_TANK, VEHICLE, generate, generate_scene, generate_set,
};

/// The tight box of `mask`, computed pixel by pixel: `[x0, y0, x1 + 1, y1 + 1]` over the set
/// pixels.
fn tight_box(mask: &Mask) -> [f32; 4] {
    let mut b = [usize::MAX, usize::MAX, 0, 0];
    for y in 0..mask.height {
        for x in 0..mask.width {
            if mask.get(y, x) {
                b = [b[0].min(x), b[1].min(y), b[2].max(x + 1), b[3].max(y + 1)];
            }
        }
    }
    b.map(|v| v as f32)
}

fn mask_of(instance: &Instance) -> &Mask {
    instance.mask.as_ref().expect("every aerial instance has a mask")
}

#[test]
fn same_seed_same_scenes_and_scene_i_ignores_count() {
    let cfg = AerialConfig::new();
    let six = generate(&cfg, 6, 7).unwrap();
    assert_eq!(six, generate(&cfg, 6, 7).unwrap());
    assert_eq!(generate(&cfg, 3, 7).unwrap()[..], six[..3]);
    assert_eq!(generate_scene(&cfg, 4, 7).unwrap().example, six[4]);
    let other = generate(&cfg, 6, 8).unwrap();
    assert!(six.iter().zip(&other).all(|(a, b)| a.image != b.image));
}

#[test]
fn boxes_are_tight_inside_the_image_and_masks_disjoint() {
    let cfg = AerialConfig::new();
    for (index, example) in generate(&cfg, 50, 1).unwrap().iter().enumerate() {
        assert_eq!(example.image.shape(), [3, 96, 96]);
        assert!(example.image.pixels.iter().all(|v| (0.0..=1.0).contains(v)));
        let n = example.instances.len();
        assert!((3..=12).contains(&n), "scene {index} has {n} objects");
        let mut cover = vec![0u8; 96 * 96];
        for instance in &example.instances {
            let mask = mask_of(instance);
            assert_eq!((mask.height, mask.width), (96, 96));
            assert!(mask.area() >= cfg.min_visible_pixels, "scene {index}: an object of {} pixels", mask.area());
            let [x0, y0, x1, y1] = instance.bbox;
            assert!(0.0 <= x0 && x0 < x1 && x1 <= 96.0 && 0.0 <= y0 && y0 < y1 && y1 <= 96.0, "{:?}", instance.bbox);
            assert_eq!(instance.bbox, tight_box(mask), "scene {index}");
            assert!(instance.class < CLASS_NAMES.len());
            for (c, &on) in cover.iter_mut().zip(&mask.bits) {
                *c += u8::from(on);
            }
        }
        assert!(cover.iter().all(|&c| c <= 1), "scene {index}: masks overlap");
    }
}

#[test]
fn ships_on_water_everything_else_on_land() {
    let cfg = AerialConfig::new();
    let mut counts = [0usize; 4];
    for index in 0..50 {
        let scene = generate_scene(&cfg, index, 3).unwrap();
        for instance in &scene.example.instances {
            counts[instance.class] += 1;
            let mask = mask_of(instance);
            let on_water = mask.bits.iter().zip(&scene.water.bits).filter(|&(&m, _)| m).all(|(_, &w)| w);
            let on_land = mask.bits.iter().zip(&scene.water.bits).filter(|&(&m, _)| m).all(|(_, &w)| !w);
            if instance.class == SHIP {
                assert!(on_water, "scene {index}: a ship touches land");
            } else {
                assert!(on_land, "scene {index}: a {} touches water", CLASS_NAMES[instance.class]);
            }
        }
    }
    for class in [SHIP, VEHICLE, STORAGE_TANK, BUILDING] {
        assert!(counts[class] >= 10, "only {} {}s in 50 scenes: {counts:?}", counts[class], CLASS_NAMES[class]);
    }
}

#[test]
fn ships_and_vehicles_share_sizes() {
    // The same shape distribution: the mean box diagonal of ships and vehicles agrees within 30 %.
    let mut sums = [(0.0f32, 0usize); 2];
    for example in generate(&AerialConfig::new(), 50, 5).unwrap() {
        for instance in example.instances.iter().filter(|i| i.class == SHIP || i.class == VEHICLE) {
            let s = &mut sums[instance.class];
            *s = (s.0 + instance.box_width().hypot(instance.box_height()), s.1 + 1);
        }
    }
    let [ship, vehicle] = sums.map(|(sum, n)| sum / n.max(1) as f32);
    assert!((ship / vehicle - 1.0).abs() < 0.3, "mean diagonal: ships {ship}, vehicles {vehicle}");
}

#[test]
fn small_and_large_objects_occur() {
    let (mut small, mut large) = (0, 0);
    for example in generate(&AerialConfig::new(), 50, 11).unwrap() {
        for instance in &example.instances {
            let side = instance.box_width().max(instance.box_height());
            small += usize::from(side <= 8.0);
            large += usize::from(side >= 20.0);
        }
    }
    assert!(small >= 20 && large >= 20, "{small} small and {large} large objects");
}

#[test]
fn object_counts_follow_the_config() {
    let cfg = AerialConfig::new().with_objects(5, 6).with_size(64);
    for example in generate(&cfg, 20, 2).unwrap() {
        assert!((5..=6).contains(&example.instances.len()));
        assert_eq!(example.image.shape(), [3, 64, 64]);
    }
}

#[test]
fn class_names_and_set() {
    assert_eq!(CLASS_NAMES, ["ship", "vehicle", "storage tank", "building"]);
    let set = generate_set(&AerialConfig::new(), 2, 0).unwrap();
    assert_eq!(set.class_names, CLASS_NAMES.map(String::from).to_vec());
    assert_eq!((set.len(), set.num_classes()), (2, 4));
}

#[test]
fn invalid_configs_are_rejected() {
    let bad = [
        AerialConfig::new().with_size(20),
        AerialConfig::new().with_objects(0, 4),
        AerialConfig::new().with_objects(5, 4),
        AerialConfig::new().with_objects(1, 100),
        AerialConfig::new().with_large_fraction(1.5),
        AerialConfig { min_visible_pixels: 0, ..AerialConfig::new() },
    ];
    for cfg in bad {
        assert!(matches!(generate(&cfg, 1, 0), Err(DataError::InvalidConfig(_))), "{cfg:?}");
    }
}
