//! Ray–ground, ray–wall and ray–box intersections against hand computations.

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, SQRT_2};

use kiln_geom::lidar::ray::{Ray, SurfaceHit, Wall, YawBox, hit_box, hit_ground, hit_wall};
use nalgebra::{Point2, Point3, Vector3};

fn ray(o: [f64; 3], d: [f64; 3]) -> Ray {
    Ray::new(Point3::from(o), Vector3::from(d))
}

fn assert_hit(hit: Option<SurfaceHit>, t: f64, normal: [f64; 3]) {
    let hit = hit.expect("expected a hit");
    assert!((hit.t - t).abs() < 1e-12, "t = {}, expected {t}", hit.t);
    assert!((hit.normal - Vector3::from(normal)).norm() < 1e-12, "normal {:?}, expected {normal:?}", hit.normal);
}

#[test]
fn ray_is_normalised_and_at_walks_the_range() {
    let r = ray([1.0, 2.0, 3.0], [0.0, 3.0, 4.0]);
    assert!((r.dir - Vector3::new(0.0, 0.6, 0.8)).norm() < 1e-15);
    assert!((r.at(5.0) - Point3::new(1.0, 5.0, 7.0)).norm() < 1e-12);
    assert_eq!(ray([0.0; 3], [0.0; 3]).dir, Vector3::zeros());
}

#[test]
fn ground_hits_from_above_and_below() {
    // From 2 m up at 45° down: the ground is reached after 2√2 m, at (2, 0, 0).
    let r = ray([0.0, 0.0, 2.0], [1.0, 0.0, -1.0]);
    assert_hit(hit_ground(&r, 0.0), 2.0 * SQRT_2, [0.0, 0.0, 1.0]);
    assert!((r.at(2.0 * SQRT_2) - Point3::new(2.0, 0.0, 0.0)).norm() < 1e-12);
    // A raised ground plane z = 0.5 straight below.
    assert_hit(hit_ground(&ray([3.0, 4.0, 2.0], [0.0, 0.0, -1.0]), 0.5), 1.5, [0.0, 0.0, 1.0]);
    // From below, looking up: the normal faces the ray.
    assert_hit(hit_ground(&ray([0.0, 0.0, -1.0], [0.0, 0.0, 1.0]), 0.0), 1.0, [0.0, 0.0, -1.0]);
}

#[test]
fn ground_misses_when_parallel_pointing_away_or_degenerate() {
    assert_eq!(hit_ground(&ray([0.0, 0.0, 2.0], [1.0, 1.0, 0.0]), 0.0), None);
    assert_eq!(hit_ground(&ray([0.0, 0.0, 2.0], [1.0, 0.0, 0.5]), 0.0), None);
    assert_eq!(hit_ground(&ray([0.0, 0.0, 2.0], [0.0, 0.0, 0.0]), 0.0), None);
    // A ray starting on the ground does not hit it at t = 0.
    assert_eq!(hit_ground(&ray([0.0, 0.0, 0.0], [0.0, 0.0, -1.0]), 0.0), None);
}

fn wall() -> Wall {
    Wall { a: Point2::new(5.0, -1.0), b: Point2::new(5.0, 1.0), bottom: 0.0, top: 2.0 }
}

#[test]
fn wall_hits_from_both_sides() {
    assert_hit(hit_wall(&ray([0.0, 0.0, 1.0], [1.0, 0.0, 0.0]), &wall()), 5.0, [-1.0, 0.0, 0.0]);
    assert_hit(hit_wall(&ray([10.0, 0.0, 1.0], [-1.0, 0.0, 0.0]), &wall()), 5.0, [1.0, 0.0, 0.0]);
    // Slanted in the plan: meets x = 5 at y = 0.5, after √(25 + 0.25) m.
    assert_hit(hit_wall(&ray([0.0, 0.0, 1.0], [1.0, 0.1, 0.0]), &wall()), 25.25f64.sqrt(), [-1.0, 0.0, 0.0]);
    // Rising: at x = 5 the ray is at z = 1 + 5 · 0.18 = 1.9, just under the top.
    let r = ray([0.0, 0.0, 1.0], [1.0, 0.0, 0.18]);
    let hit = hit_wall(&r, &wall()).expect("hit below the top edge");
    assert!((hit.t - 5.0 * 1.0324f64.sqrt()).abs() < 1e-12);
    assert!((r.at(hit.t).z - 1.9).abs() < 1e-12);
}

#[test]
fn wall_misses_past_its_ends_above_behind_and_when_parallel() {
    let w = wall();
    // Past the end b = (5, 1): at x = 5 the ray is at y = 1.5.
    assert_eq!(hit_wall(&ray([0.0, 0.0, 1.0], [1.0, 0.3, 0.0]), &w), None);
    // Over the top: z = 1 + 5 · 0.5 = 3.5 > 2.
    assert_eq!(hit_wall(&ray([0.0, 0.0, 1.0], [1.0, 0.0, 0.5]), &w), None);
    // Under the bottom of a raised wall.
    let raised = Wall { bottom: 1.5, ..w };
    assert_eq!(hit_wall(&ray([0.0, 0.0, 1.0], [1.0, 0.0, 0.0]), &raised), None);
    // Pointing away.
    assert_eq!(hit_wall(&ray([0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]), &w), None);
    // Parallel to the wall, beside it and along its own line.
    assert_eq!(hit_wall(&ray([0.0, 0.0, 1.0], [0.0, 1.0, 0.0]), &w), None);
    assert_eq!(hit_wall(&ray([5.0, -5.0, 1.0], [0.0, 1.0, 0.0]), &w), None);
    // Straight down next to it, and a degenerate wall.
    assert_eq!(hit_wall(&ray([5.0, 0.0, 1.0], [0.0, 0.0, -1.0]), &w), None);
    let point = Wall { b: w.a, ..w };
    assert_eq!(hit_wall(&ray([0.0, -1.0, 1.0], [1.0, 0.0, 0.0]), &point), None);
}

fn unit_box(yaw: f64) -> YawBox {
    YawBox { center: Point3::new(10.0, 0.0, 1.0), half: Vector3::new(2.0, 1.0, 1.0), yaw }
}

#[test]
fn box_slabs_axis_aligned() {
    let b = unit_box(0.0);
    assert_hit(hit_box(&ray([0.0, 0.0, 1.0], [1.0, 0.0, 0.0]), &b), 8.0, [-1.0, 0.0, 0.0]);
    assert_hit(hit_box(&ray([20.0, 0.5, 1.5], [-1.0, 0.0, 0.0]), &b), 8.0, [1.0, 0.0, 0.0]);
    assert_hit(hit_box(&ray([10.0, -5.0, 1.0], [0.0, 1.0, 0.0]), &b), 4.0, [0.0, -1.0, 0.0]);
    // From straight above (two zero direction components): the top face at z = 2.
    assert_hit(hit_box(&ray([10.0, 0.0, 5.0], [0.0, 0.0, -1.0]), &b), 3.0, [0.0, 0.0, 1.0]);
    // Slanting down along d = (2, 0, −1)/√5 from (0, 0, 5), at (2s, 0, 5 − s) after s√5 m:
    // the x slab [8, 12] holds s ∈ [4, 6], the z slab [0, 2] s ∈ [3, 5], so the ray enters at
    // s = 4 through the x = 8 face.
    let r = ray([0.0, 0.0, 5.0], [2.0, 0.0, -1.0]);
    assert_hit(hit_box(&r, &b), 4.0 * 5f64.sqrt(), [-1.0, 0.0, 0.0]);
    // From (0, 0, 7) the same slope reaches z = 2 at s = 5 (x = 10), after the x face: the top.
    let r = ray([0.0, 0.0, 7.0], [2.0, 0.0, -1.0]);
    assert_hit(hit_box(&r, &b), 5.0 * 5f64.sqrt(), [0.0, 0.0, 1.0]);
}

#[test]
fn box_slabs_yawed() {
    // Turned a quarter: its length now runs along y, so the ray along x meets x = 10 − 1.
    let hit = hit_box(&ray([0.0, 0.0, 1.0], [1.0, 0.0, 0.0]), &unit_box(FRAC_PI_2)).expect("hit");
    assert!((hit.t - 9.0).abs() < 1e-12 && (hit.normal - Vector3::new(-1.0, 0.0, 0.0)).norm() < 1e-12);
    // Turned 45° about (10, 10, 1) and looked at along its own x axis: enters 2 m before the centre.
    let b = YawBox { center: Point3::new(10.0, 10.0, 1.0), ..unit_box(FRAC_PI_4) };
    let hit = hit_box(&ray([0.0, 0.0, 1.0], [1.0, 1.0, 0.0]), &b).expect("hit");
    assert!((hit.t - (10.0 * SQRT_2 - 2.0)).abs() < 1e-12);
    assert!((hit.normal + Vector3::new(1.0, 1.0, 0.0) / SQRT_2).norm() < 1e-12);
    // A 45° box seen along x, off-centre: the hit point lies on a face of the box and the
    // normal is a unit vector facing the ray.
    let r = ray([0.0, 0.2, 1.0], [1.0, 0.0, 0.0]);
    let hit = hit_box(&r, &unit_box(FRAC_PI_4)).expect("hit");
    let local = unit_box(FRAC_PI_4).to_local(&r.at(hit.t));
    let on_face = (0..3).any(|k| (local[k].abs() - unit_box(0.0).half[k]).abs() < 1e-9);
    assert!(on_face && unit_box(FRAC_PI_4).contains(&r.at(hit.t), 1e-9), "{local:?}");
    assert!((hit.normal.norm() - 1.0).abs() < 1e-12 && hit.normal.dot(&r.dir) < 0.0);
}

#[test]
fn box_misses_beside_behind_inside_and_parallel() {
    let b = unit_box(0.0);
    // Parallel to the x slabs but outside the y slab.
    assert_eq!(hit_box(&ray([0.0, 5.0, 1.0], [1.0, 0.0, 0.0]), &b), None);
    // Passes beside: y = x / 2 is 4..6 over the box's x extent.
    assert_eq!(hit_box(&ray([0.0, 0.0, 1.0], [1.0, 0.5, 0.0]), &b), None);
    // Pointing away, and starting inside (hits only from outside).
    assert_eq!(hit_box(&ray([0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]), &b), None);
    assert_eq!(hit_box(&ray([10.0, 0.0, 1.0], [1.0, 0.0, 0.0]), &b), None);
    // Over the top, and a zero direction.
    assert_eq!(hit_box(&ray([0.0, 0.0, 2.5], [1.0, 0.0, 0.0]), &b), None);
    assert_eq!(hit_box(&ray([0.0, 0.0, 1.0], [0.0, 0.0, 0.0]), &b), None);
}

#[test]
fn box_contains_and_local_frame() {
    let b = unit_box(FRAC_PI_2);
    // Own x axis is world y.
    let l = b.to_local(&Point3::new(10.0, 1.5, 1.0));
    assert!((l - Vector3::new(1.5, 0.0, 0.0)).norm() < 1e-12);
    assert!(b.contains(&Point3::new(10.0, 1.9, 1.9), 0.0));
    assert!(!b.contains(&Point3::new(11.5, 0.0, 1.0), 0.0));
    assert!(b.contains(&Point3::new(11.05, 0.0, 1.0), 0.1));
}
