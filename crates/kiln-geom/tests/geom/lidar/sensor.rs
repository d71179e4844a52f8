//! The spinning LiDAR: beam geometry, exact sweeps of simple scenes, noise and settings.

use kiln_geom::GeomError;
use kiln_geom::lidar::ray::YawBox;
use kiln_geom::lidar::scene::{LabelledBox, Scene};
use kiln_geom::lidar::sensor::{SpinningLidar, reflectivity};
use kiln_geom::lidar::{LidarClass, SemanticLabel};
use nalgebra::{Point3, Vector3};

fn three_beams() -> SpinningLidar {
    SpinningLidar {
        beams: 3,
        azimuths: 8,
        fov_up_deg: 10.0,
        fov_down_deg: -30.0,
        range_noise: 0.0,
        ..SpinningLidar::default()
    }
}

fn ground() -> Scene {
    Scene { ground: Some(0.0), ..Scene::default() }
}

#[test]
fn beam_elevations_and_directions() {
    let l = three_beams();
    let deg = |i| l.elevation(i).to_degrees();
    assert!((deg(0) + 30.0).abs() < 1e-12 && (deg(1) + 10.0).abs() < 1e-12 && (deg(2) - 10.0).abs() < 1e-12);
    let single = SpinningLidar { beams: 1, ..l };
    assert!((single.elevation(0).to_degrees() + 30.0).abs() < 1e-12);
    // Column 0 looks ahead, column A/4 to the left.
    let (s, c) = (-30f64).to_radians().sin_cos();
    assert!((l.direction(0, 0) - Vector3::new(c, 0.0, s)).norm() < 1e-12);
    assert!((l.direction(0, 2) - Vector3::new(0.0, c, s)).norm() < 1e-12);
    for col in 0..8 {
        assert!((l.direction(1, col).norm() - 1.0).abs() < 1e-12);
    }
}

#[test]
fn a_sweep_of_flat_ground_is_exact() {
    let l = three_beams();
    let scan = l.sweep(&ground(), Point3::new(0.0, 0.0, 2.0), 0.0, 1).expect("sweep");
    // The upward beam sees nothing; the two downward ones reach the ground 2 / sin|θ| away.
    assert_eq!(scan.len(), 16);
    scan.validate().expect("consistent columns");
    let rings = scan.rings.as_ref().expect("rings");
    let labels = scan.labels.as_ref().expect("labels");
    for (i, p) in scan.positions.iter().enumerate() {
        let (column, beam) = (i / 2, i % 2);
        assert_eq!(rings[i], beam as f32);
        assert_eq!(labels[i], LidarClass::Road.label(0));
        let theta = l.elevation(beam);
        let range = 2.0 / theta.sin().abs();
        let expected = l.direction(beam, column) * range;
        let got = Vector3::new(f64::from(p.x), f64::from(p.y), f64::from(p.z));
        assert!((got - expected).norm() < 1e-4, "point {i}: {got:?} vs {expected:?}");
        assert!((p.z + 2.0).abs() < 1e-5);
        let intensity = 0.3 * theta.sin().abs();
        assert!((f64::from(scan.intensities[i]) - intensity).abs() < 1e-6);
    }
    // The sensor frame does not depend on where the sensor stands or which way it faces.
    let moved = l.sweep(&ground(), Point3::new(5.0, -3.0, 2.0), 0.7, 1).expect("sweep");
    assert_eq!(moved.len(), scan.len());
    for (p, q) in scan.positions.iter().zip(&moved.positions) {
        assert!((p - q).norm() < 1e-4);
    }
}

#[test]
fn returns_outside_the_range_window_are_dropped() {
    // Beam 0 meets the ground at 4 m, beam 1 at 2 / sin 10° ≈ 11.5 m.
    let near_cut = SpinningLidar { min_range: 5.0, ..three_beams() };
    let scan = near_cut.sweep(&ground(), Point3::new(0.0, 0.0, 2.0), 0.0, 1).expect("sweep");
    assert_eq!(scan.rings.as_deref(), Some(&[1.0f32; 8][..]));
    let far_cut = SpinningLidar { max_range: 10.0, ..three_beams() };
    let scan = far_cut.sweep(&ground(), Point3::new(0.0, 0.0, 2.0), 0.0, 1).expect("sweep");
    assert_eq!(scan.rings.as_deref(), Some(&[0.0f32; 8][..]));
    // Nothing to see at all: an empty but consistent scan.
    let scan = three_beams().sweep(&Scene::default(), Point3::origin(), 0.0, 1).expect("sweep");
    assert!(scan.is_empty());
    scan.validate().expect("consistent columns");
}

#[test]
fn turning_sensor_and_scene_together_leaves_the_scan_unchanged() {
    let l = SpinningLidar {
        beams: 4,
        azimuths: 64,
        fov_up_deg: 10.0,
        fov_down_deg: -20.0,
        range_noise: 0.0,
        ..SpinningLidar::default()
    };
    let scene_at = |yaw: f64| Scene {
        ground: Some(0.0),
        walls: vec![],
        boxes: vec![LabelledBox {
            shape: YawBox {
                center: Point3::new(10.0 * yaw.cos(), 10.0 * yaw.sin(), 1.0),
                half: Vector3::new(1.0, 1.0, 1.0),
                yaw,
            },
            label: LidarClass::Car.label(1),
        }],
    };
    let a = l.sweep(&scene_at(0.0), Point3::new(0.0, 0.0, 1.5), 0.0, 3).expect("sweep");
    let b = l.sweep(&scene_at(1.1), Point3::new(0.0, 0.0, 1.5), 1.1, 3).expect("sweep");
    assert_eq!(a.labels, b.labels);
    assert_eq!(a.rings, b.rings);
    let cars = a.labels.as_ref().expect("labels").iter().filter(|x| x.class == LidarClass::Car.id()).count();
    assert!(cars > 0, "the box is in view");
    for (p, q) in a.positions.iter().zip(&b.positions) {
        assert!((p - q).norm() < 1e-4, "{p} vs {q}");
    }
    // The car's front face is at x = 9: its points say so, at reflectivity 0.9 head-on or less.
    let labels = a.labels.as_ref().expect("labels");
    for (i, p) in a.positions.iter().enumerate().filter(|(i, _)| labels[*i].class == LidarClass::Car.id()) {
        assert!((p.x - 9.0).abs() < 1e-4 && p.y.abs() <= 1.0 + 1e-4, "{p}");
        assert!(a.intensities[i] > 0.0 && a.intensities[i] <= 0.9 + 1e-6);
    }
}

#[test]
fn range_noise_is_seeded_unbiased_and_of_the_given_spread() {
    let sigma = 0.05;
    let l = SpinningLidar {
        beams: 8,
        azimuths: 2048,
        fov_up_deg: -10.0,
        fov_down_deg: -30.0,
        range_noise: sigma,
        ..SpinningLidar::default()
    };
    let h = 2.0;
    let origin = Point3::new(0.0, 0.0, h);
    let a = l.sweep(&ground(), origin, 0.0, 42).expect("sweep");
    assert_eq!(a, l.sweep(&ground(), origin, 0.0, 42).expect("sweep"));
    let b = l.sweep(&ground(), origin, 0.0, 43).expect("sweep");
    assert_eq!(a.labels, b.labels);
    assert_ne!(a.positions, b.positions);
    let rings = a.rings.as_ref().expect("rings");
    let errors: Vec<f64> = a
        .positions
        .iter()
        .zip(rings)
        .map(|(p, &r)| f64::from(p.coords.norm()) - h / l.elevation(r as usize).sin().abs())
        .collect();
    assert_eq!(errors.len(), 8 * 2048);
    let n = errors.len() as f64;
    let mean = errors.iter().sum::<f64>() / n;
    let sd = (errors.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / n).sqrt();
    assert!(mean.abs() < 0.005, "mean range error {mean}");
    assert!((sd - sigma).abs() < 0.1 * sigma, "range error spread {sd}");
}

#[test]
fn bad_settings_are_refused() {
    let ok = SpinningLidar::default();
    ok.validate().expect("defaults are valid");
    let bad = [
        SpinningLidar { beams: 0, ..ok },
        SpinningLidar { azimuths: 0, ..ok },
        SpinningLidar { fov_up_deg: f64::NAN, ..ok },
        SpinningLidar { min_range: -1.0, ..ok },
        SpinningLidar { min_range: 80.0, ..ok },
        SpinningLidar { max_range: f64::INFINITY, ..ok },
        SpinningLidar { max_range: f64::NAN, ..ok },
        SpinningLidar { range_noise: -0.1, ..ok },
        SpinningLidar { range_noise: f64::NAN, ..ok },
        SpinningLidar { rotation_hz: 0.0, ..ok },
        SpinningLidar { mount_height: f64::NAN, ..ok },
    ];
    for l in bad {
        assert!(matches!(l.validate(), Err(GeomError::Invalid(_))), "{l:?}");
        assert!(l.sweep(&ground(), Point3::origin(), 0.0, 0).is_err());
    }
}

#[test]
fn reflectivity_per_class() {
    assert_eq!(reflectivity(LidarClass::Road.label(0)), 0.3);
    assert_eq!(reflectivity(LidarClass::Fence.label(0)), 0.6);
    assert_eq!(reflectivity(LidarClass::Car.label(2)), 0.9);
    assert_eq!(reflectivity(SemanticLabel::new(99, 0)), 0.5);
}
