//! The nearest hit over ground, walls and boxes, with its label.

use kiln_geom::lidar::LidarClass;
use kiln_geom::lidar::ray::{Ray, Wall, YawBox};
use kiln_geom::lidar::scene::{LabelledBox, Scene};
use nalgebra::{Point2, Point3, Vector3};

fn scene() -> Scene {
    Scene {
        ground: Some(0.0),
        walls: vec![Wall { a: Point2::new(20.0, -5.0), b: Point2::new(20.0, 5.0), bottom: 0.0, top: 3.0 }],
        boxes: vec![LabelledBox {
            shape: YawBox { center: Point3::new(10.0, 0.0, 1.0), half: Vector3::new(1.0, 1.0, 1.0), yaw: 0.0 },
            label: LidarClass::Car.label(7),
        }],
    }
}

fn ray(o: [f64; 3], d: [f64; 3]) -> Ray {
    Ray::new(Point3::from(o), Vector3::from(d))
}

#[test]
fn nearest_surface_wins_and_carries_its_label() {
    let s = scene();
    // Straight ahead at 1 m: the car at 9 m hides the wall at 20 m.
    let hit = s.cast(&ray([0.0, 0.0, 1.0], [1.0, 0.0, 0.0]), 100.0).expect("car");
    assert_eq!(hit.label, LidarClass::Car.label(7));
    assert!((hit.surface.t - 9.0).abs() < 1e-12);
    // Beside the car: the wall.
    let hit = s.cast(&ray([0.0, 3.0, 1.0], [1.0, 0.0, 0.0]), 100.0).expect("wall");
    assert_eq!(hit.label, LidarClass::Fence.label(0));
    assert!((hit.surface.t - 20.0).abs() < 1e-12);
    // Down at 45° from 1 m: the ground at 1 m, before anything else.
    let hit = s.cast(&ray([0.0, 0.0, 1.0], [1.0, 0.0, -1.0]), 100.0).expect("ground");
    assert_eq!(hit.label, LidarClass::Road.label(0));
    assert!((hit.surface.t - 2f64.sqrt()).abs() < 1e-12);
    // Up into the sky: nothing.
    assert_eq!(s.cast(&ray([0.0, 0.0, 1.0], [1.0, 0.0, 1.0]), 100.0), None);
}

#[test]
fn max_range_cuts_hits_and_lets_nothing_further_through() {
    let s = scene();
    let r = ray([0.0, 0.0, 1.0], [1.0, 0.0, 0.0]);
    assert!(s.cast(&r, 9.0).is_some());
    // The car is beyond 8.5 m; the wall behind it is further still.
    assert_eq!(s.cast(&r, 8.5), None);
}

#[test]
fn without_ground_a_downward_ray_misses_and_ties_go_to_the_first() {
    let mut s = scene();
    s.ground = None;
    assert_eq!(s.cast(&ray([0.0, 0.0, 1.0], [1.0, 0.0, -1.0]), 100.0), None);
    // Two identical boxes: the first one listed wins the tie.
    let mut second = s.boxes[0];
    second.label = LidarClass::Car.label(8);
    s.boxes.push(second);
    let hit = s.cast(&ray([0.0, 0.0, 1.0], [1.0, 0.0, 0.0]), 100.0).expect("car");
    assert_eq!(hit.label.instance, 7);
}
