//! [`SpinningLidar`]: a ray-cast spinning multi-beam LiDAR (Velodyne-like) that turns a
//! [`Scene`] into a labelled [`LidarScan`].
//!
//! Beam `i` of `B` fires at elevation `θ_i = θ_down + (θ_up − θ_down) i / (B − 1)`, column `k`
//! of `A` at azimuth `φ_k = 2π k / A` (column 0 straight ahead), along
//! `d = (cos θ cos φ, cos θ sin φ, sin θ)` in the sensor frame. A return at true range `t`
//! (`min_range ≤ t ≤ max_range`) is reported at `t + σ ξ`, `ξ ~ N(0, 1)`, with intensity
//! `ρ_class · |cos α|`, `cos α = −d · n` the incidence angle's cosine (Lambertian reflection) and
//! `ρ` a per-class reflectivity. The scene is frozen during a sweep (no rolling shutter); the
//! rotation rate only sets the time between sweeps.

use nalgebra::{Point3, Vector3};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::ray::Ray;
use super::scan::{LidarClass, LidarScan, SemanticLabel};
use super::scene::Scene;
use crate::error::{GeomError, Result};

/// Spinning LiDAR settings; the defaults resemble a Velodyne HDL-32E.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpinningLidar {
    /// Laser beams (rings).
    pub beams: usize,
    /// Firings per revolution.
    pub azimuths: usize,
    /// Highest beam elevation, degrees.
    pub fov_up_deg: f64,
    /// Lowest beam elevation, degrees.
    pub fov_down_deg: f64,
    /// Shortest reported range, metres.
    pub min_range: f64,
    /// Longest reported range, metres.
    pub max_range: f64,
    /// Standard deviation σ of the Gaussian range noise, metres.
    pub range_noise: f64,
    /// Revolutions per second (10 Hz: a sweep every 0.1 s).
    pub rotation_hz: f64,
    /// Sensor height above the ego car's ground contact, metres.
    pub mount_height: f64,
}

impl Default for SpinningLidar {
    fn default() -> Self {
        Self {
            beams: 32,
            azimuths: 1024,
            fov_up_deg: 10.0,
            fov_down_deg: -30.0,
            min_range: 0.5,
            max_range: 80.0,
            range_noise: 0.02,
            rotation_hz: 10.0,
            mount_height: 1.73,
        }
    }
}

/// Reflectivity `ρ` of a class (road 0.3, fence 0.6, car 0.9, other 0.5).
pub fn reflectivity(label: SemanticLabel) -> f64 {
    match LidarClass::from_id(label.class) {
        Some(LidarClass::Road) => 0.3,
        Some(LidarClass::Fence) => 0.6,
        Some(LidarClass::Car) => 0.9,
        _ => 0.5,
    }
}

/// A standard normal sample (Box–Muller).
fn standard_normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

impl SpinningLidar {
    /// Checks the settings: at least one beam and one azimuth, finite angles, ranges with
    /// `0 ≤ min_range < max_range`, non-negative noise and a positive rotation rate.
    pub fn validate(&self) -> Result<()> {
        let ok = self.beams > 0
            && self.azimuths > 0
            && self.fov_up_deg.is_finite()
            && self.fov_down_deg.is_finite()
            && self.min_range >= 0.0
            && self.min_range < self.max_range
            && self.max_range.is_finite()
            && self.range_noise >= 0.0
            && self.range_noise.is_finite()
            && self.rotation_hz > 0.0
            && self.rotation_hz.is_finite()
            && self.mount_height.is_finite();
        if ok { Ok(()) } else { Err(GeomError::Invalid(format!("bad LiDAR settings: {self:?}"))) }
    }

    /// Elevation of beam `i`, radians.
    pub fn elevation(&self, i: usize) -> f64 {
        let f = if self.beams > 1 { i as f64 / (self.beams - 1) as f64 } else { 0.0 };
        (self.fov_down_deg + (self.fov_up_deg - self.fov_down_deg) * f).to_radians()
    }

    /// Unit direction of beam `beam` at column `column`, in the sensor frame.
    pub fn direction(&self, beam: usize, column: usize) -> Vector3<f64> {
        let (se, ce) = self.elevation(beam).sin_cos();
        let phi = 2.0 * std::f64::consts::PI * column as f64 / self.azimuths as f64;
        let (sa, ca) = phi.sin_cos();
        Vector3::new(ce * ca, ce * sa, se)
    }

    /// One sweep from a sensor at `origin` (world frame) with heading `yaw`: points in the
    /// sensor frame (x forward, y left, z up), with intensities, rings (beam indices) and
    /// labels; rays without a return within range give no point. The noise is drawn from
    /// `seed`, so a sweep is a pure function of its arguments.
    pub fn sweep(&self, scene: &Scene, origin: Point3<f64>, yaw: f64, seed: u64) -> Result<LidarScan> {
        self.validate()?;
        let mut rng = StdRng::seed_from_u64(seed);
        let (sy, cy) = yaw.sin_cos();
        let mut scan = LidarScan { rings: Some(Vec::new()), labels: Some(Vec::new()), ..LidarScan::default() };
        for column in 0..self.azimuths {
            for beam in 0..self.beams {
                let local = self.direction(beam, column);
                let world = Vector3::new(cy * local.x - sy * local.y, sy * local.x + cy * local.y, local.z);
                let ray = Ray::new(origin, world);
                let Some(hit) = scene.cast(&ray, self.max_range) else {
                    continue;
                };
                if hit.surface.t < self.min_range {
                    continue;
                }
                let range = (hit.surface.t + self.range_noise * standard_normal(&mut rng)).max(0.0);
                let cos_incidence = (-ray.dir.dot(&hit.surface.normal)).abs();
                let p = local * range;
                scan.positions.push(Point3::new(p.x as f32, p.y as f32, p.z as f32));
                scan.intensities.push((reflectivity(hit.label) * cos_incidence) as f32);
                if let Some(r) = scan.rings.as_mut() {
                    r.push(beam as f32);
                }
                if let Some(l) = scan.labels.as_mut() {
                    l.push(hit.label);
                }
            }
        }
        Ok(scan)
    }
}
