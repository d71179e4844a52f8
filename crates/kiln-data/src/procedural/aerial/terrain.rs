//! The background of an aerial scene: a smooth, wavy split into water and land, each a gently
//! textured muted colour of about the same brightness.

use rand::Rng;
use rand::rngs::StdRng;

use crate::detection::Mask;
use crate::procedural::scene::mix;
use crate::transform::hsv_to_rgb as hsv;

/// Smooth value noise in `[0, 1]`: random values on a square lattice of spacing `cell`,
/// interpolated bilinearly with smoothstep weights.
pub(super) fn smooth_noise(salt: u64, x: f32, y: f32, cell: f32) -> f32 {
    let (u, v) = (x / cell, y / cell);
    let (i, j) = (u.floor(), v.floor());
    let (fu, fv) = (u - i, v - j);
    let (su, sv) = (fu * fu * (3.0 - 2.0 * fu), fv * fv * (3.0 - 2.0 * fv));
    let lattice = |di: i64, dj: i64| {
        let (a, b) = ((i as i64 + di) as u64, (j as i64 + dj) as u64);
        (mix(salt ^ mix(a ^ (b << 32))) >> 40) as f32 / (1u64 << 24) as f32
    };
    let top = lattice(0, 0) + su * (lattice(1, 0) - lattice(0, 0));
    let bottom = lattice(0, 1) + su * (lattice(1, 1) - lattice(0, 1));
    top + sv * (bottom - top)
}

/// How the water lies in the scene.
enum Layout {
    /// Water on one side of a wavy shoreline.
    Shore,
    /// A wavy river of the given half-width (fraction of the image side) across land.
    River(f32),
}

/// A scene's background: where the water is and the two textured colours.
pub(super) struct Terrain {
    /// Image side in pixels.
    size: usize,
    /// `true` where the pixel centre is water.
    pub(super) water: Mask,
    /// Base colour of the water.
    water_colour: [f32; 3],
    /// Base colour of the land.
    land_colour: [f32; 3],
    /// Salt of the texture noise.
    salt: u64,
}

impl Terrain {
    /// A random terrain for images of side `size`: a shoreline (70 %) or a river (30 %) whose
    /// course is bent by smooth noise, blue-grey water and green-brown land of similar value.
    pub(super) fn random(size: usize, rng: &mut StdRng) -> Self {
        let s = size as f32;
        let angle: f32 = rng.random_range(0.0..std::f32::consts::TAU);
        let (cos, sin) = (angle.cos(), angle.sin());
        let layout = if rng.random_bool(0.7) { Layout::Shore } else { Layout::River(rng.random_range(0.1..0.2)) };
        let offset = rng.random_range(-0.2..0.2);
        let bend = rng.random_range(0.15..0.4);
        let (shore_salt, salt) = (rng.random::<u64>(), rng.random::<u64>());
        let mut water = Mask::new(size, size);
        for y in 0..size {
            for x in 0..size {
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let along = ((px - 0.5 * s) * cos + (py - 0.5 * s) * sin) / s;
                let f = along + bend * (smooth_noise(shore_salt, px, py, 0.4 * s) - 0.5) - offset;
                let wet = match layout {
                    Layout::Shore => f > 0.0,
                    Layout::River(half_width) => f.abs() < half_width,
                };
                water.set(y, x, wet);
            }
        }
        let value = rng.random_range(0.28..0.42);
        let water_colour =
            hsv(rng.random_range(0.52..0.62), rng.random_range(0.25..0.5), value + rng.random_range(-0.03..0.03));
        let land_colour =
            hsv(rng.random_range(0.08..0.3), rng.random_range(0.15..0.35), value + rng.random_range(-0.03..0.03));
        Self { size, water, water_colour, land_colour, salt }
    }

    /// Whether pixel `i` (row-major) is water.
    pub(super) fn is_water(&self, i: usize) -> bool {
        self.water.bits.get(i).copied().unwrap_or(false)
    }

    /// The background colour of pixel `(y, x)`: the region's colour, brightened or darkened by
    /// coarse and fine smooth noise.
    pub(super) fn colour(&self, y: usize, x: usize) -> [f32; 3] {
        let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
        let s = self.size as f32;
        let wet = self.water.get(y, x);
        let base = if wet { self.water_colour } else { self.land_colour };
        let salt = if wet { self.salt } else { !self.salt };
        let coarse = smooth_noise(salt, px, py, 0.12 * s) - 0.5;
        let fine = smooth_noise(salt.rotate_left(17), px, py, 2.5) - 0.5;
        let shade = 0.1 * coarse + 0.05 * fine;
        base.map(|v| (v + shade).clamp(0.0, 1.0))
    }
}
