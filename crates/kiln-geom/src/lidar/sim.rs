//! [`RaceSim`]: a seeded, offline race scene — an [`OvalTrack`] with walls, the ego car and
//! 1–3 opponent boxes driving along the centre line — swept by a [`SpinningLidar`] on the ego
//! car's roof, one sweep per `1 / rotation_hz` seconds.
//!
//! Everything is a pure function of the seed and the frame index: opponents start 8–35 m
//! ahead of the ego car in distinct lanes (−3.5, 0, +3.5 m), at 0.9–1.1 × the ego speed; cars
//! drive through each other (no collisions). The ego car itself is not in the scene (its
//! returns would be removed in real data); frame `k` uses noise seed `derive_seed(seed, k)`.

use nalgebra::{Point3, Vector3};
use rand::Rng;

use super::ray::YawBox;
use super::scan::{LidarClass, LidarScan};
use super::scene::{LabelledBox, Scene};
use super::sensor::SpinningLidar;
use super::track::{OvalTrack, Pose2};
use crate::error::{GeomError, Result};

/// Opponent car size: half length, half width, half height (a 4.5 × 1.9 × 1.5 m box).
pub const CAR_HALF: [f64; 3] = [2.25, 0.95, 0.75];

/// Lateral lane offsets the opponents are placed in, metres.
pub const LANES: [f64; 3] = [-3.5, 0.0, 3.5];

/// Simulation settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimConfig {
    /// The track.
    pub track: OvalTrack,
    /// The sensor.
    pub lidar: SpinningLidar,
    /// Number of opponents (1–3); `None` draws it from the seed.
    pub opponents: Option<usize>,
    /// Ego speed along the centre line, m/s.
    pub ego_speed: f64,
    /// The seed.
    pub seed: u64,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self { track: OvalTrack::default(), lidar: SpinningLidar::default(), opponents: None, ego_speed: 15.0, seed: 0 }
    }
}

/// One opponent: start arc length, lane offset and speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Opponent {
    /// Arc length at time 0, metres.
    pub s0: f64,
    /// Lateral offset from the centre line, metres.
    pub lane: f64,
    /// Speed, m/s.
    pub speed: f64,
}

/// One simulated frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Frame index.
    pub index: usize,
    /// Time, seconds.
    pub time: f64,
    /// The ego car's pose (world frame).
    pub ego: Pose2,
    /// The opponent boxes (world frame); box `i` has instance id `i + 1`.
    pub opponents: Vec<YawBox>,
    /// The opponent boxes in this frame's sensor frame (x forward, y left, z up).
    pub opponents_in_sensor: Vec<YawBox>,
    /// The sweep, in the sensor frame, with rings and labels.
    pub scan: LidarScan,
}

/// A seeded race scene.
#[derive(Debug, Clone, PartialEq)]
pub struct RaceSim {
    /// The settings.
    pub config: SimConfig,
    /// The opponents, drawn from the seed.
    pub opponents: Vec<Opponent>,
}

impl RaceSim {
    /// A scene from `config`; an opponent count outside 1–3 or a non-finite speed is refused.
    pub fn new(config: SimConfig) -> Result<Self> {
        config.lidar.validate()?;
        if !config.ego_speed.is_finite() {
            return Err(GeomError::Invalid(format!("ego speed {}", config.ego_speed)));
        }
        let mut rng = kiln_core::seed::rng(config.seed, 0);
        let n = config.opponents.unwrap_or_else(|| rng.random_range(1..=3));
        if !(1..=3).contains(&n) {
            return Err(GeomError::Invalid(format!("{n} opponents; 1 to 3 are supported")));
        }
        let lanes = kiln_core::seed::permutation_from(&mut rng, LANES.len());
        let mut opponents: Vec<Opponent> = (0..n)
            .map(|i| Opponent {
                s0: rng.random_range(8.0..35.0),
                lane: LANES[lanes[i]],
                speed: config.ego_speed * rng.random_range(0.9..1.1),
            })
            .collect();
        opponents.sort_by(|a, b| a.s0.total_cmp(&b.s0));
        Ok(Self { config, opponents })
    }

    /// Frame `index` at time `index / rotation_hz`.
    pub fn frame(&self, index: usize) -> Result<Frame> {
        let c = &self.config;
        let time = index as f64 / c.lidar.rotation_hz;
        let ego = c.track.pose(c.ego_speed * time, 0.0);
        let opponents: Vec<YawBox> = self
            .opponents
            .iter()
            .map(|o| {
                let p = c.track.pose(o.s0 + o.speed * time, o.lane);
                YawBox { center: Point3::new(p.x, p.y, CAR_HALF[2]), half: Vector3::from(CAR_HALF), yaw: p.yaw }
            })
            .collect();
        let scene = Scene {
            ground: Some(0.0),
            walls: c.track.walls(),
            boxes: opponents
                .iter()
                .enumerate()
                .map(|(i, b)| LabelledBox { shape: *b, label: LidarClass::Car.label(i as u16 + 1) })
                .collect(),
        };
        let origin = Point3::new(ego.x, ego.y, c.lidar.mount_height);
        let seed = kiln_core::seed::derive_seed(c.seed, index as u64 + 1);
        let scan = c.lidar.sweep(&scene, origin, ego.yaw, seed)?;
        let (s, co) = ego.yaw.sin_cos();
        let opponents_in_sensor = opponents
            .iter()
            .map(|b| {
                let v = b.center - origin;
                YawBox {
                    center: Point3::new(co * v.x + s * v.y, -s * v.x + co * v.y, v.z),
                    half: b.half,
                    yaw: b.yaw - ego.yaw,
                }
            })
            .collect();
        Ok(Frame { index, time, ego, opponents, opponents_in_sensor, scan })
    }
}
