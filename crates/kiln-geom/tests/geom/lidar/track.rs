//! The stadium track: poses along the centre line and its walls.

use std::f64::consts::{FRAC_PI_2, PI};

use kiln_geom::lidar::ray::{Ray, hit_wall};
use kiln_geom::lidar::track::{OvalTrack, Pose2};
use nalgebra::{Point3, Vector3};

fn close(p: Pose2, x: f64, y: f64, yaw: f64) {
    assert!(
        (p.x - x).abs() < 1e-9 && (p.y - y).abs() < 1e-9 && (p.yaw - yaw).abs() < 1e-9,
        "{p:?} vs ({x}, {y}, {yaw})"
    );
}

#[test]
fn poses_at_landmarks() {
    let t = OvalTrack::default(); // L = 40, R = 30
    assert!((t.length() - (160.0 + 60.0 * PI)).abs() < 1e-12);
    close(t.pose(0.0, 0.0), -40.0, -30.0, 0.0);
    close(t.pose(80.0, 0.0), 40.0, -30.0, 0.0);
    // Half way round the first bend: the far right end, heading +y.
    close(t.pose(80.0 + 15.0 * PI, 0.0), 70.0, 0.0, FRAC_PI_2);
    close(t.pose(80.0 + 30.0 * PI, 0.0), 40.0, 30.0, PI);
    close(t.pose(160.0 + 30.0 * PI, 0.0), -40.0, 30.0, PI);
    close(t.pose(160.0 + 45.0 * PI, 0.0), -70.0, 0.0, 3.0 * FRAC_PI_2);
    // Laps wrap, both ways.
    let (a, b) = (t.pose(10.0, 0.0), t.pose(10.0 + 2.0 * t.length(), 0.0));
    close(b, a.x, a.y, a.yaw);
    let (a, b) = (t.pose(t.length() - 1.0, 0.0), t.pose(-1.0, 0.0));
    close(b, a.x, a.y, a.yaw);
}

#[test]
fn offsets_go_left_of_the_driving_direction() {
    let t = OvalTrack::default();
    close(t.pose(10.0, 3.0), -30.0, -27.0, 0.0);
    // On the upper straight (heading −x) left is −y.
    close(t.pose(100.0 + 30.0 * PI, 2.0), 20.0, 28.0, PI);
    // In the first bend left points at the bend's centre (40, 0).
    let p = t.pose(80.0 + 15.0 * PI, 5.0);
    close(p, 65.0, 0.0, FRAC_PI_2);
}

#[test]
fn centre_line_is_continuous() {
    let t = OvalTrack::default();
    let n = 2000;
    let ds = t.length() / n as f64;
    for i in 0..n {
        let (a, b) = (t.pose(i as f64 * ds, 0.0), t.pose((i + 1) as f64 * ds, 0.0));
        let step = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
        assert!(step <= ds + 1e-9 && step > 0.99 * ds, "jump of {step} at s = {}", i as f64 * ds);
    }
}

#[test]
fn walls_form_two_closed_rings_half_a_width_from_the_centre() {
    let t = OvalTrack { arc_segments: 8, ..OvalTrack::default() };
    let walls = t.walls();
    let per_ring = 2 * t.arc_segments + 2;
    assert_eq!(walls.len(), 2 * per_ring);
    for ring in walls.chunks(per_ring) {
        for (w, next) in ring.iter().zip(ring.iter().cycle().skip(1)) {
            assert!((w.b - next.a).norm() < 1e-9, "gap between {w:?} and {next:?}");
            assert_eq!((w.bottom, w.top), (0.0, t.wall_height));
        }
    }
    // Chord endpoints lie on the offset curves: radius R ∓ w/2 about the bend centres, or on
    // y = ±(R ∓ w/2) along the straights.
    for (ring, r) in walls.chunks(per_ring).zip([t.radius - t.width / 2.0, t.radius + t.width / 2.0]) {
        for w in ring {
            let p = w.a;
            let d = if p.x.abs() <= t.half_straight + 1e-9 {
                p.y.abs()
            } else {
                ((p.x.abs() - t.half_straight).powi(2) + p.y.powi(2)).sqrt()
            };
            assert!((d - r).abs() < 1e-9, "{p} is {d} from the centre, expected {r}");
        }
    }
}

#[test]
fn a_car_on_the_straight_sees_both_walls_half_a_width_away() {
    let t = OvalTrack::default();
    let walls = t.walls();
    let p = t.pose(40.0, 0.0);
    for dir in [Vector3::new(0.0, 1.0, 0.0), Vector3::new(0.0, -1.0, 0.0)] {
        let ray = Ray::new(Point3::new(p.x, p.y, 0.5), dir);
        let nearest = walls.iter().filter_map(|w| hit_wall(&ray, w)).map(|h| h.t).fold(f64::INFINITY, f64::min);
        assert!((nearest - t.width / 2.0).abs() < 1e-9, "nearest wall at {nearest}");
    }
}
