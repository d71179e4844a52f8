//! [`OvalTrack`]: a stadium-shaped race track (two straights joined by semicircles) bounded by
//! an inner and an outer wall, with arc-length poses along its centre line.

use std::f64::consts::PI;

use nalgebra::Point2;

use super::ray::Wall;

/// A position and heading on the ground plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose2 {
    /// x, metres.
    pub x: f64,
    /// y, metres.
    pub y: f64,
    /// Heading about z, radians (0 = along +x).
    pub yaw: f64,
}

/// A stadium track: straights along x from `−half_straight` to `half_straight` at
/// `y = ±radius`, joined by semicircles of `radius` about `(±half_straight, 0)`; driven
/// counter-clockwise. Walls stand `width / 2` either side of the centre line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OvalTrack {
    /// Half the length of each straight, metres.
    pub half_straight: f64,
    /// Centre-line radius of the bends, metres.
    pub radius: f64,
    /// Distance between the walls, metres.
    pub width: f64,
    /// Wall height, metres.
    pub wall_height: f64,
    /// Straight segments approximating each bend of each wall.
    pub arc_segments: usize,
}

impl Default for OvalTrack {
    fn default() -> Self {
        Self { half_straight: 40.0, radius: 30.0, width: 12.0, wall_height: 1.2, arc_segments: 24 }
    }
}

impl OvalTrack {
    /// Centre-line length `4 L + 2 π R`.
    pub fn length(&self) -> f64 {
        4.0 * self.half_straight + 2.0 * PI * self.radius
    }

    /// The pose at arc length `s` (wrapped to one lap) and lateral offset `offset` (positive to
    /// the left of the driving direction, i.e. towards the infield). `s = 0` is the start of the
    /// lower straight, `(−L, −R)`, heading +x.
    pub fn pose(&self, s: f64, offset: f64) -> Pose2 {
        let (l, r) = (self.half_straight, self.radius);
        let s = s.rem_euclid(self.length());
        let straight = 2.0 * l;
        let bend = PI * r;
        let (x, y, yaw) = if s < straight {
            (-l + s, -r, 0.0)
        } else if s < straight + bend {
            let phi = -PI / 2.0 + (s - straight) / r;
            (l + r * phi.cos(), r * phi.sin(), phi + PI / 2.0)
        } else if s < 2.0 * straight + bend {
            (l - (s - straight - bend), r, PI)
        } else {
            let phi = PI / 2.0 + (s - 2.0 * straight - bend) / r;
            (-l + r * phi.cos(), r * phi.sin(), phi + PI / 2.0)
        };
        let (sy, cy) = yaw.sin_cos();
        Pose2 { x: x - offset * sy, y: y + offset * cy, yaw }
    }

    /// The inner and outer walls as vertical segments from `z = 0` to `wall_height`: each wall
    /// is the centre line offset by `±width / 2`, its bends split into `arc_segments` chords.
    pub fn walls(&self) -> Vec<Wall> {
        let (l, r) = (self.half_straight, self.radius);
        let k = self.arc_segments.max(1);
        let mut stations = vec![0.0];
        for piece in 0..4 {
            let start = [0.0, 2.0 * l, 2.0 * l + PI * r, 4.0 * l + PI * r][piece];
            if piece % 2 == 0 {
                stations.push(start + 2.0 * l);
            } else {
                stations.extend((1..=k).map(|i| start + PI * r * i as f64 / k as f64));
            }
        }
        let mut walls = Vec::with_capacity(2 * (stations.len() - 1));
        for offset in [self.width / 2.0, -self.width / 2.0] {
            let pts: Vec<Point2<f64>> = stations
                .iter()
                .map(|&s| {
                    let p = self.pose(s.min(self.length() - 1e-12), offset);
                    Point2::new(p.x, p.y)
                })
                .collect();
            walls.extend(pts.windows(2).map(|w| Wall { a: w[0], b: w[1], bottom: 0.0, top: self.wall_height }));
        }
        walls
    }
}
