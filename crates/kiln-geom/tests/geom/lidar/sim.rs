//! The seeded race simulator: determinism, opponents, and points that agree with their labels.

use kiln_geom::GeomError;
use kiln_geom::lidar::LidarClass;
use kiln_geom::lidar::sensor::{SpinningLidar, reflectivity};
use kiln_geom::lidar::sim::{CAR_HALF, LANES};
use kiln_geom::lidar::{Frame, RaceSim, SimConfig};
use nalgebra::{Point2, Point3};

/// A coarse sensor keeps the debug-build sweeps quick.
fn config(seed: u64, noise: f64) -> SimConfig {
    SimConfig {
        lidar: SpinningLidar { beams: 16, azimuths: 360, range_noise: noise, ..SpinningLidar::default() },
        seed,
        ..SimConfig::default()
    }
}

fn frame(seed: u64, noise: f64, index: usize) -> Frame {
    RaceSim::new(config(seed, noise)).expect("sim").frame(index).expect("frame")
}

#[test]
fn same_seed_same_frames_other_seed_other_frames() {
    let a = RaceSim::new(config(7, 0.02)).expect("sim");
    let b = RaceSim::new(config(7, 0.02)).expect("sim");
    assert_eq!(a, b);
    for index in [0, 5] {
        assert_eq!(a.frame(index).expect("frame"), b.frame(index).expect("frame"));
    }
    let c = RaceSim::new(config(8, 0.02)).expect("sim");
    assert_ne!(a.opponents, c.opponents);
    assert_ne!(a.frame(0).expect("frame").scan, c.frame(0).expect("frame").scan);
    // Consecutive frames differ too (the cars move, the noise is reseeded).
    assert_ne!(a.frame(0).expect("frame").scan, a.frame(1).expect("frame").scan);
}

#[test]
fn opponents_are_drawn_within_their_ranges() {
    for seed in 0..40 {
        let sim = RaceSim::new(config(seed, 0.0)).expect("sim");
        let n = sim.opponents.len();
        assert!((1..=3).contains(&n), "seed {seed}: {n} opponents");
        let mut lanes: Vec<f64> = sim.opponents.iter().map(|o| o.lane).collect();
        lanes.sort_by(f64::total_cmp);
        lanes.dedup();
        assert_eq!(lanes.len(), n, "seed {seed}: lanes must be distinct");
        for (i, o) in sim.opponents.iter().enumerate() {
            assert!(LANES.contains(&o.lane));
            assert!((8.0..35.0).contains(&o.s0), "seed {seed}: s0 {}", o.s0);
            assert!((0.9 * 15.0..1.1 * 15.0).contains(&o.speed));
            assert!(i == 0 || sim.opponents[i - 1].s0 <= o.s0, "sorted by start");
        }
    }
    let two = RaceSim::new(SimConfig { opponents: Some(2), ..config(1, 0.0) }).expect("sim");
    assert_eq!(two.opponents.len(), 2);
}

#[test]
fn bad_configs_are_refused() {
    for opponents in [0, 4] {
        let r = RaceSim::new(SimConfig { opponents: Some(opponents), ..config(1, 0.0) });
        assert!(matches!(r, Err(GeomError::Invalid(_))), "{opponents} opponents");
    }
    assert!(RaceSim::new(SimConfig { ego_speed: f64::NAN, ..config(1, 0.0) }).is_err());
    let lidar = SpinningLidar { beams: 0, ..SpinningLidar::default() };
    assert!(RaceSim::new(SimConfig { lidar, ..config(1, 0.0) }).is_err());
}

#[test]
fn frames_place_the_ego_and_the_opponents_on_the_track() {
    let sim = RaceSim::new(config(3, 0.0)).expect("sim");
    let c = sim.config;
    let f = sim.frame(4).expect("frame");
    assert_eq!(f.index, 4);
    assert!((f.time - 0.4).abs() < 1e-12);
    assert_eq!(f.ego, c.track.pose(c.ego_speed * 0.4, 0.0));
    assert_eq!(f.opponents.len(), sim.opponents.len());
    for ((b, s), o) in f.opponents.iter().zip(&f.opponents_in_sensor).zip(&sim.opponents) {
        let p = c.track.pose(o.s0 + o.speed * 0.4, o.lane);
        assert!((b.center - Point3::new(p.x, p.y, CAR_HALF[2])).norm() < 1e-12);
        // The sensor-frame box, turned and moved back, is the world box.
        let (sy, cy) = f.ego.yaw.sin_cos();
        let back = Point3::new(
            f.ego.x + cy * s.center.x - sy * s.center.y,
            f.ego.y + sy * s.center.x + cy * s.center.y,
            s.center.z + c.lidar.mount_height,
        );
        assert!((back - b.center).norm() < 1e-9);
        assert!((s.yaw + f.ego.yaw - b.yaw).abs() < 1e-12);
        assert_eq!(s.half, b.half);
    }
}

fn segment_distance(p: Point2<f64>, a: Point2<f64>, b: Point2<f64>) -> f64 {
    let e = b - a;
    let u = ((p - a).dot(&e) / e.norm_squared()).clamp(0.0, 1.0);
    (p - (a + e * u)).norm()
}

#[test]
fn noiseless_points_lie_on_what_their_labels_say() {
    // Frame 2 is on the first straight (heading 0), frame 70 in the first bend (heading ≈ 0.83).
    for (seed, index) in [(0, 2), (11, 2), (4, 70)] {
        let sim = RaceSim::new(config(seed, 0.0)).expect("sim");
        let (lidar, track) = (sim.config.lidar, sim.config.track);
        let f = sim.frame(index).expect("frame");
        let walls = track.walls();
        let labels = f.scan.labels.as_ref().expect("labels");
        let rings = f.scan.rings.as_ref().expect("rings");
        let (sy, cy) = f.ego.yaw.sin_cos();
        let mut seen = [0usize; 3];
        for (i, p) in f.scan.positions.iter().enumerate() {
            let q = Point3::new(f64::from(p.x), f64::from(p.y), f64::from(p.z));
            let range = q.coords.norm();
            assert!(range >= lidar.min_range - 1e-4 && range <= lidar.max_range + 1e-4, "range {range}");
            assert!(rings[i] >= 0.0 && (rings[i] as usize) < lidar.beams && rings[i].fract() == 0.0);
            let world = Point2::new(f.ego.x + cy * q.x - sy * q.y, f.ego.y + sy * q.x + cy * q.y);
            match LidarClass::from_id(labels[i].class) {
                Some(LidarClass::Road) => {
                    seen[0] += 1;
                    assert!((q.z + lidar.mount_height).abs() < 1e-4, "ground point at z = {}", q.z);
                    assert_eq!(labels[i].instance, 0);
                }
                Some(LidarClass::Fence) => {
                    seen[1] += 1;
                    let d = walls.iter().map(|w| segment_distance(world, w.a, w.b)).fold(f64::INFINITY, f64::min);
                    assert!(d < 1e-3, "fence point {d} m off the walls");
                    let z = q.z + lidar.mount_height;
                    assert!((-1e-4..=track.wall_height + 1e-4).contains(&z), "fence point at height {z}");
                }
                Some(LidarClass::Car) => {
                    seen[2] += 1;
                    let k = usize::from(labels[i].instance);
                    assert!((1..=f.opponents_in_sensor.len()).contains(&k));
                    let b = &f.opponents_in_sensor[k - 1];
                    assert!(b.contains(&q, 1e-3), "car point {q} outside box {k}");
                    let local = b.to_local(&q);
                    assert!((0..3).any(|a| (local[a].abs() - b.half[a]).abs() < 1e-3), "car point inside box {k}");
                }
                _ => panic!("unexpected label {:?}", labels[i]),
            }
            let rho = reflectivity(labels[i]);
            assert!((0.0..=rho + 1e-6).contains(&f64::from(f.scan.intensities[i])));
        }
        assert!(seen.iter().all(|&n| n > 0), "seed {seed}, frame {index}: road, fence and car points {seen:?}");
    }
}

#[test]
fn noisy_points_stay_near_the_range_window() {
    let f = frame(5, 0.02, 0);
    let lidar = SpinningLidar::default();
    assert!(!f.scan.is_empty());
    for p in &f.scan.positions {
        let range = f64::from(p.coords.norm());
        // Ten standard deviations around the window of true ranges.
        assert!(range >= lidar.min_range - 0.2 && range <= lidar.max_range + 0.2, "range {range}");
    }
}
